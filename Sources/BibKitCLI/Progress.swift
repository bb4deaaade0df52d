import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The progress line on standard error: shown only when standard error is a terminal, not
/// with `-q`, and only once a run has lasted `BIBKIT_PROGRESS_DELAY` seconds (default 1).
///
/// ```
/// [####------] 2/5 inputs, 48,210 entries, 21.4 MB at 9.8 MB/s, 2.2 s | finding duplicates
/// ```
///
/// The bar counts the bytes of the inputs read so far; the entries and MB/s are those of the
/// inputs read so far. A timer repaints the line every 100 ms while a step runs; every other
/// write to standard error first clears it (``withLineCleared(_:)``), and ``finish()``
/// erases it, so the line never mixes with diagnostics and never reaches a pipe or a file.
final class ProgressDisplay: @unchecked Sendable {
    private let lock = Lock()
    private let started = Clock.now()
    private let delay: Double
    private var timer: DispatchSourceTimer?
    // Guarded by `lock`.
    private var phase = ""
    private var inputsDone = 0
    private var inputsTotal = 0
    private var bytesDone = 0
    private var bytesTotal = 0
    private var entries = 0
    private var shown = false
    private var finished = false
    private var tick = 0

    /// A display when standard error is a terminal and the run is not quiet, else nil.
    static func make(quiet: Bool) -> ProgressDisplay? {
        guard !quiet, isatty(2) == 1 else { return nil }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return nil }
        var delay = 1.0
        if let raw = getenv("BIBKIT_PROGRESS_DELAY"), let value = Double(String(cString: raw)), value >= 0 {
            delay = value
        }
        return ProgressDisplay(delay: delay)
    }

    private init(delay: Double) {
        self.delay = delay
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.repaint() }
        timer.resume()
        self.timer = timer
    }

    /// Sets the inputs to be read: their count and total size in bytes (0 when unknown).
    func begin(inputs: Int, bytes: Int, first: String?) {
        lock.withLock {
            inputsTotal = inputs
            bytesTotal = bytes
            phase = "reading" + (first.map { " " + Self.inputLabel($0) } ?? "")
        }
        repaint()
    }

    /// One more input was read: its size and its entries.
    func inputRead(bytes: Int, entries count: Int, next: String?) {
        lock.withLock {
            inputsDone += 1
            bytesDone += bytes
            entries += count
            phase = next.map { "reading " + Self.inputLabel($0) } ?? "read"
        }
        repaint()
    }

    /// The step now running (`merging duplicates`, `writing bibtex`).
    func step(_ text: String) {
        lock.withLock { phase = text }
        repaint()
    }

    /// Writes something else to standard error with the progress line out of the way.
    func withLineCleared(_ body: () -> Void) {
        lock.withLock {
            if shown {
                Self.emit("\r\u{1B}[K")
                shown = false
            }
            body()
        }
    }

    /// Stops the timer and erases the line.
    func finish() {
        timer?.cancel()
        timer = nil
        lock.withLock {
            finished = true
            if shown {
                Self.emit("\r\u{1B}[K")
                shown = false
            }
        }
    }

    deinit { timer?.cancel() }

    /// Paints the line once the run has lasted long enough (called by the timer and at
    /// every change of step, so a short run past the delay still shows its line).
    private func repaint() {
        let elapsed = Clock.now() - started
        guard elapsed >= delay else { return }
        lock.withLock {
            guard !finished else { return }
            tick += 1
            Self.emit("\r" + line(elapsed: elapsed) + "\u{1B}[K")
            shown = true
        }
    }

    /// The line as shown, cut to the terminal's width:
    /// `[####------] 2/5 inputs, 48,210 entries, 21.4 MB at 9.8 MB/s, 2.2 s | merging`.
    private func line(elapsed: Double) -> String {
        let width = 10
        let fraction = bytesTotal > 0 ? min(1, Double(bytesDone) / Double(bytesTotal))
            : inputsTotal > 0 ? Double(inputsDone) / Double(inputsTotal) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        var text = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
        if inputsTotal > 1 { text += "\(inputsDone)/\(inputsTotal) inputs, " }
        let mb = Double(bytesDone) / 1_048_576
        let rate = elapsed > 0 ? mb / elapsed : 0
        let spinner = ["|", "/", "-", "\\"][tick % 4]
        text += "\(Self.grouped(entries)) entries, \(Self.fixed(mb)) MB at \(Self.fixed(rate)) MB/s, \(Self.fixed(elapsed)) s \(spinner) \(phase)"
        let columns = Self.terminalColumns() - 1
        if text.count > columns { text = String(text.prefix(max(columns, 10))) }
        return text
    }

    /// `big.bib (41.9 MB)`: the file name and its size, so a long read of one file shows
    /// how much it is.
    static func inputLabel(_ path: String) -> String {
        let size = FileSize.of(path)
        return baseName(path) + (size > 0 ? " (\(FileSize.text(size)))" : "")
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// One decimal place.
    static func fixed(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func terminalColumns() -> Int {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(2, UInt(TIOCGWINSZ), $0) }
        if status == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    private static func emit(_ text: String) {
        var text = text
        text.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            var offset = 0
            while offset < buf.count {
                let n = write(2, base + offset, buf.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// A monotonic clock in seconds.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A pthread mutex (the CLI does not import Foundation).
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
