#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BibModel

/// The temporary file a ``FileIO/writeAtomically(_:to:)`` is writing, as a C string the
/// signal handler can unlink (async-signal-safe), or nil.
nonisolated(unsafe) private var pendingTemporary: UnsafeMutablePointer<CChar>?

/// SIGINT/SIGTERM/SIGHUP: remove the pending temporary file, then die of the signal.
private func removePendingTemporaryAndDie(_ sig: Int32) {
    if let path = pendingTemporary { unlink(path) }
    signal(sig, SIG_DFL)
    raise(sig)
}

/// Reading inputs and writing outputs safely: whole-file reads with precise errors, and
/// writes that go to a temporary file first and replace the target by renaming, so a
/// failed run never truncates or half-writes an existing file.
public enum FileIO {
    /// Reads a whole file, or standard input for `-`.
    public static func read(path: String) throws(BibKitError) -> [UInt8] {
        if path == "-" {
            guard let bytes = readAll(fd: 0) else { throw .cannotRead(path: "<stdin>", reason: errnoText()) }
            return bytes
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotRead(path: path, reason: errnoText()) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotRead(path: path, reason: "it is a directory")
        }
        guard let bytes = readAll(fd: fd, sizeHint: Int(st.st_size)) else {
            throw .cannotRead(path: path, reason: errnoText())
        }
        return bytes
    }

    /// Reads to end of file; nil on a read error (errno tells which).
    private static func readAll(fd: Int32, sizeHint: Int = 0) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(max(sizeHint, 0) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                out.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                break
            } else if errno == EINTR {
                continue
            } else {
                return nil
            }
        }
        return out
    }

    /// Writes bytes to standard output. A reader that went away (`bibkit … | head`) is
    /// ``BibKitError/brokenPipe``, which callers end on quietly; it needs SIGPIPE ignored
    /// (``installSignalHandling()``), else the process dies of the signal instead.
    public static func writeStdout(_ bytes: [UInt8]) throws(BibKitError) {
        if !writeAll(fd: 1, bytes) {
            if errno == EPIPE { throw .brokenPipe }
            throw .cannotWrite(path: "<stdout>", reason: errnoText())
        }
    }

    /// For command-line tools: ignores SIGPIPE (a closed pipe becomes an EPIPE error, see
    /// ``writeStdout(_:)``), and on SIGINT, SIGTERM or SIGHUP removes the temporary file of
    /// a ``writeAtomically(_:to:)`` in progress before dying of the signal as usual. The
    /// target of that write is never touched: it is replaced only by the final rename.
    /// A signal ignored on entry (`nohup`, background jobs) stays ignored; one blocked by
    /// the parent (test runners do) is unblocked, so the handler can run.
    public static func installSignalHandling() {
        signal(SIGPIPE, SIG_IGN)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            let previous = signal(sig, removePendingTemporaryAndDie)
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(sig, SIG_IGN)
            } else {
                sigaddset(&unblock, sig)
            }
        }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// True when both paths exist and name the same file (same device and inode, so hard
    /// links, symbolic links and `./x` versus `x` are all caught).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat()
        var sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Writes bytes to `path` atomically: a temporary file in the same directory, flushed,
    /// then renamed over the target. An existing target keeps its permissions.
    ///
    /// A target that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is
    /// written in place: renaming over it would replace the device with a plain file.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(BibKitError) {
        if path == "-" { return try writeStdout(bytes) }
        var existing = stat()
        if stat(path, &existing) == 0 {
            let kind = existing.st_mode & S_IFMT
            if kind != S_IFREG && kind != S_IFDIR { return try writeInPlace(bytes, to: path) }
        }
        let dir = directory(of: path)
        var template = Array((dir + "/.bibkit-XXXXXX.tmp").utf8CString)
        // The temporary file is created and registered for the signal handler with the
        // interrupting signals held back, so an interrupt never finds it unregistered.
        var interrupts = sigset_t()
        sigemptyset(&interrupts)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&interrupts, sig) }
        var savedMask = sigset_t()
        sigprocmask(SIG_BLOCK, &interrupts, &savedMask)
        let fd = template.withUnsafeMutableBufferPointer { buf -> Int32 in
            guard let base = buf.baseAddress else { return -1 }
            return mkstemps(base, 4)
        }
        let createError = errno
        let tmpPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let pending = fd < 0 ? nil : strdup(tmpPath)
        // A piece writer's temporary file registered before (an output being written while
        // its backup is made) is registered again afterwards.
        let previous = pendingTemporary
        if fd >= 0 { pendingTemporary = pending }
        sigprocmask(SIG_SETMASK, &savedMask, nil)
        if fd < 0 {
            errno = createError
            throw .cannotWrite(path: path, reason: errnoText())
        }
        defer {
            pendingTemporary = previous
            free(pending)
        }
        var mode: mode_t = 0o644
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                unlink(tmpPath)
                throw .cannotWrite(path: path, reason: "it is a directory")
            }
            mode = st.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        let ok = writeAll(fd: fd, bytes) && fchmod(fd, mode) == 0 && fsync(fd) == 0
        let reason = ok ? "" : errnoText()
        close(fd)
        if !ok {
            unlink(tmpPath)
            throw .cannotWrite(path: path, reason: reason)
        }
        if rename(tmpPath, path) != 0 {
            let reason = errnoText()
            unlink(tmpPath)
            throw .cannotWrite(path: path, reason: reason)
        }
    }

    /// Writes to a special file (device, FIFO) without replacing it.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(BibKitError) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotWrite(path: path, reason: errnoText()) }
        let ok = writeAll(fd: fd, bytes)
        let reason = ok ? "" : errnoText()
        close(fd)
        if !ok { throw .cannotWrite(path: path, reason: reason) }
    }

    /// An output written piece by piece: to a temporary file beside the target, renamed over
    /// it by ``commit()`` (so a failed or abandoned run leaves the target as it was), or
    /// straight to `/dev/null`. Standard output and other special files are not supported:
    /// a run that gives up half way could not take back what it wrote there.
    public final class PieceWriter {
        private var fd: Int32
        private let path: String
        private let tmpPath: String?
        private let mode: mode_t
        private var registered: UnsafeMutablePointer<CChar>?

        /// True when `path` can be written piece by piece (a regular file, a new file, or `/dev/null`).
        public static func supports(_ path: String) -> Bool {
            if path == "-" { return false }
            if path == "/dev/null" { return true }
            var st = stat()
            guard stat(path, &st) == 0 else { return true }
            return (st.st_mode & S_IFMT) == S_IFREG
        }

        /// Opens the output.
        public init(path: String) throws(BibKitError) {
            self.path = path
            if path == "/dev/null" {
                fd = open(path, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw .cannotWrite(path: path, reason: FileIO.errnoText()) }
                tmpPath = nil
                mode = 0
                return
            }
            var template = Array((FileIO.directory(of: path) + "/.bibkit-XXXXXX.tmp").utf8CString)
            // Created and registered for the signal handler with interrupts held back (as
            // in ``FileIO/writeAtomically(_:to:)``), so an interrupt removes it.
            var interrupts = sigset_t()
            sigemptyset(&interrupts)
            for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&interrupts, sig) }
            var savedMask = sigset_t()
            sigprocmask(SIG_BLOCK, &interrupts, &savedMask)
            fd = template.withUnsafeMutableBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress else { return -1 }
                return mkstemps(base, 4)
            }
            let createError = errno
            let tmp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if fd >= 0 {
                registered = strdup(tmp)
                pendingTemporary = registered
            }
            sigprocmask(SIG_SETMASK, &savedMask, nil)
            if fd < 0 {
                errno = createError
                throw .cannotWrite(path: path, reason: FileIO.errnoText())
            }
            tmpPath = tmp
            var st = stat()
            if stat(path, &st) == 0 {
                mode = st.st_mode & 0o7777
            } else {
                let mask = umask(0)
                umask(mask)
                mode = 0o666 & ~mask
            }
        }

        deinit { abort() }

        /// Appends bytes.
        public func write(_ bytes: [UInt8]) throws(BibKitError) {
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: "already closed") }
            if !FileIO.writeAll(fd: fd, bytes) { throw .cannotWrite(path: path, reason: FileIO.errnoText()) }
        }

        /// Appends bytes.
        public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(BibKitError) {
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: "already closed") }
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            let fd = fd
            if !FileIO.transfer(bytes.count, { done in Glibc.write(fd, base + done, bytes.count - done) }) {
                throw .cannotWrite(path: path, reason: FileIO.errnoText())
            }
        }

        /// Puts bytes in front of everything written so far (a prologue a streaming writer
        /// learns only at the end): the temporary file's contents move up by their length, a
        /// megabyte at a time from the end, and the bytes go in at the start. (`/dev/null`:
        /// they are simply written.)
        public func prepend(_ bytes: [UInt8]) throws(BibKitError) {
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: "already closed") }
            guard !bytes.isEmpty else { return }
            guard tmpPath != nil else { return try write(bytes) }
            let end = lseek(fd, 0, SEEK_END)
            guard end >= 0 else { throw .cannotWrite(path: path, reason: FileIO.errnoText()) }
            let shift = off_t(bytes.count)
            var chunk = [UInt8](repeating: 0, count: Int(min(end, 1 << 20)))
            var upper = end
            while upper > 0 {
                let lower = max(0, upper - off_t(chunk.count))
                let n = Int(upper - lower)
                let ok = chunk.withUnsafeMutableBytes { raw -> Bool in
                    guard let base = raw.baseAddress else { return false }
                    return FileIO.transfer(n) { done in pread(fd, base + done, n - done, lower + off_t(done)) }
                        && FileIO.transfer(n) { done in pwrite(fd, base + done, n - done, lower + shift + off_t(done)) }
                }
                if !ok { throw .cannotWrite(path: path, reason: FileIO.errnoText()) }
                upper = lower
            }
            let ok = bytes.withUnsafeBytes { raw -> Bool in
                guard let base = raw.baseAddress else { return false }
                return FileIO.transfer(raw.count) { done in pwrite(fd, base + done, raw.count - done, off_t(done)) }
            }
            if !ok || lseek(fd, 0, SEEK_END) < 0 { throw .cannotWrite(path: path, reason: FileIO.errnoText()) }
        }

        /// Flushes and puts the output in place.
        public func commit() throws(BibKitError) {
            guard fd >= 0 else { throw .cannotWrite(path: path, reason: "already closed") }
            guard let tmpPath else {
                close(fd)
                fd = -1
                return
            }
            defer { unregister() }
            let ok = fchmod(fd, mode) == 0 && fsync(fd) == 0
            let reason = ok ? "" : FileIO.errnoText()
            close(fd)
            fd = -1
            if !ok {
                unlink(tmpPath)
                throw .cannotWrite(path: path, reason: reason)
            }
            if rename(tmpPath, path) != 0 {
                let reason = FileIO.errnoText()
                unlink(tmpPath)
                throw .cannotWrite(path: path, reason: reason)
            }
        }

        /// Gives up: the temporary file is removed, the target left as it was.
        public func abort() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            if let tmpPath { unlink(tmpPath) }
            unregister()
        }

        private func unregister() {
            guard let registered else { return }
            if pendingTemporary == registered { pendingTemporary = nil }
            free(registered)
            self.registered = nil
        }
    }

    /// The first `count` bytes of a file (fewer if it is shorter).
    public static func readPrefix(path: String, count: Int) throws(BibKitError) -> [UInt8] {
        var out: [UInt8] = []
        do {
            try readPieces(path: path, size: count) { piece, _ in
                out = piece
                return false
            }
        } catch let error as BibKitError {
            throw error
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
        return out
    }

    /// Reads a file in pieces of about `size` bytes, calling `body` with each; stops early
    /// when `body` returns false.
    public static func readPieces(path: String, size: Int, _ body: ([UInt8], Bool) throws -> Bool) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw BibKitError.cannotRead(path: path, reason: errnoText()) }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: max(size, 1))
        while true {
            var filled = 0
            while filled < chunk.count {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress.map { $0 + filled }, $0.count - filled) }
                if n > 0 {
                    filled += n
                } else if n == 0 {
                    break
                } else if errno == EINTR {
                    continue
                } else {
                    throw BibKitError.cannotRead(path: path, reason: errnoText())
                }
            }
            let atEnd = filled < chunk.count
            if try !body(filled == chunk.count ? chunk : Array(chunk[..<filled]), atEnd) || atEnd { return }
        }
    }

    /// Copies a file byte for byte (for backups), atomically at the destination.
    public static func copy(_ source: String, to destination: String) throws(BibKitError) {
        let bytes = try read(path: source)
        try writeAtomically(bytes, to: destination)
    }

    /// The size in bytes of the file at `path`, if it can be told.
    public static func size(path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// True when `path` names a regular file (not `-`, a pipe, a device or a directory),
    /// one that can be read again later with the same content.
    public static func isRegularFile(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// True when the file descriptor is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    fileprivate static func writeAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return true }
            return transfer(raw.count) { done in Glibc.write(fd, base + done, raw.count - done) }
        }
    }

    /// Calls `step` (a read or write system call) with the count done so far until `count`
    /// bytes are done; false when a step fails (other than by an interrupt) or makes no
    /// progress.
    fileprivate static func transfer(_ count: Int, _ step: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = step(done)
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    fileprivate static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    fileprivate static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

extension StreamingReader {
    /// Runs the reader's first pass (``StreamingReader/prepare(passOver:)``) over the file at
    /// `path`, read in pieces of `pieceSize` bytes.
    mutating func prepare(passingOver path: String, pieceSize: Int) throws {
        try prepare { body in
            var pending: [UInt8] = []
            try FileIO.readPieces(path: path, size: pieceSize) { piece, atEnd in
                pending.append(contentsOf: piece)
                pending.removeFirst(try body(pending, atEnd))
                return true
            }
        }
    }
}
