import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The pieces of a streamed conversion on two threads (``Pipeline/streamConvert``): a thread
// that reads, and a bounded queue that hands its pieces to the thread that writes.

/// A bounded first-in first-out hand-over from one producing thread to one consuming thread,
/// and a way back for what the consumer is done with (`Returned`), so that the producer frees
/// it: memory is then allocated and freed by the same thread (see ``Pipeline``'s
/// `streamConvertOnTwoThreads`).
///
/// `@unchecked Sendable` because its state (`items`, `returned`, `closed`, `producerDone`) is
/// only ever read or changed with `mutex` held, and both sides wait on `changed` (with the
/// mutex, as condition variables require) for the other side to take, put, close or finish.
/// The items themselves are `Sendable`; each is handed over exactly once.
final class PieceQueue<Item: Sendable, Returned: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private let capacity: Int
    // Guarded by `mutex`.
    private var items: [Item] = []
    private var returned: [Returned] = []
    private var closed = false
    private var producerDone = false

    /// A queue holding at most `capacity` items (at least 1).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        changed.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Producer: appends an item, waiting while the queue is full. False (the item dropped)
    /// once the consumer has closed the queue: the producer should stop.
    func put(_ item: Item) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while items.count >= capacity && !closed { pthread_cond_wait(changed, mutex) }
        if closed { return false }
        items.append(item)
        pthread_cond_broadcast(changed)
        return true
    }

    /// Producer: nothing more will come (called once, whatever the ending).
    func finishProducing() {
        pthread_mutex_lock(mutex)
        producerDone = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Consumer: the oldest item, waiting while the queue is empty; nil once the producer has
    /// finished and everything it put was taken.
    func take() -> Item? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while items.isEmpty && !producerDone { pthread_cond_wait(changed, mutex) }
        if items.isEmpty { return nil }
        let item = items.removeFirst()
        pthread_cond_broadcast(changed)
        return item
    }

    /// Consumer: takes nothing more; a producer waiting in ``put(_:)`` or putting later gets
    /// false. The items not taken are let go.
    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        let dropped = items
        items = []
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        _ = consume dropped  // freed here, outside the lock
    }

    /// Consumer: hands what it is done with back to the producer, to be let go on the
    /// producer's thread (``takeReturned()``).
    func giveBack(_ item: consuming Returned) {
        pthread_mutex_lock(mutex)
        returned.append(item)
        pthread_mutex_unlock(mutex)
    }

    /// Producer: takes what the consumer handed back (the caller lets it go).
    func takeReturned() -> [Returned] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if returned.isEmpty { return [] }
        let out = returned
        returned = []
        return out
    }
}

/// A thread running one closure, joined with ``join()``. Only where POSIX threads are the
/// Linux ones (`pthread_t` an integer); elsewhere ``start(_:)`` gives nil and the caller
/// works on one thread.
final class WorkerThread {
    #if canImport(Glibc) || canImport(Musl)
    private var thread: pthread_t
    private var joined = false

    private init(thread: pthread_t) { self.thread = thread }

    /// The closure a new thread runs, handed to it through `pthread_create`'s argument.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`, or nil if the system would not make one. The thread
    /// has the stack the main thread is given (`ulimit -s`, 8 MB when unlimited), so deeply
    /// nested input that reads on the main thread reads there too; and it never takes
    /// SIGINT, SIGTERM or SIGHUP (they are blocked in it), so those still arrive on the
    /// calling thread, where ``FileIO`` removes its temporary file, exactly as without it.
    static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread? {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var stack = 8 << 20
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_STACK.rawValue)
        #else
        let resource = RLIMIT_STACK
        #endif
        if getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max {
            stack = Int(clamping: limit.rlim_cur)
        }
        stack = min(max(stack, 1 << 20), 1 << 30)
        _ = pthread_attr_setstacksize(&attributes, stack)

        var interrupts = sigset_t()
        sigemptyset(&interrupts)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&interrupts, sig) }
        var saved = sigset_t()
        pthread_sigmask(SIG_BLOCK, &interrupts, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }

        let argument = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, &attributes,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, argument)
        guard started == 0 else {
            Unmanaged<Body>.fromOpaque(argument).release()
            return nil
        }
        return WorkerThread(thread: thread)
    }

    /// Waits until the thread's closure has returned.
    func join() {
        guard !joined else { return }
        joined = true
        pthread_join(thread, nil)
    }

    deinit { join() }
    #else
    static func start(_ body: @escaping @Sendable () -> Void) -> WorkerThread? { nil }
    func join() {}
    #endif
}

extension Pipeline {
    /// How many threads ``streamConvert(_:as:to:output:pieceSize:threads:diagnostics:)`` is
    /// best given for output in `target`: 2 (one reads, one writes) when the target's writer
    /// takes the entries a whole piece at a time anyway (BibTeX and BibLaTeX, whose entries
    /// depend on the `@string`s read with them) and this process may run on two processors
    /// or more; else 1. A writer that takes each entry as soon as it is read (CSL-JSON, RIS)
    /// writes it while it is still in the processor's cache; on two threads every entry
    /// crosses from one core's cache to the other's, which cost as much as the overlap saved
    /// (gen-10000.bib -> csl-json: 0.21 s wall on one thread, 0.22 s on two; -> bibtex 0.26 s
    /// and 0.21 s).
    public func defaultStreamThreads(to target: FormatID) -> Int {
        guard let makeWriter = FormatRegistry.plugin(named: target.rawValue)?.streamWriter,
            makeWriter(writeOptions).wantsMetadata
        else { return 1 }
        return min(2, Self.availableProcessors)
    }

    /// The processors this process may run on, at least 1: Foundation's active processor
    /// count, or fewer when the affinity mask allows fewer (`taskset -c 0`; Foundation does
    /// not look at it on Linux), read from `Cpus_allowed_list` in `/proc/self/status`.
    static var availableProcessors: Int {
        let active = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let allowed = allowedProcessors(inStatus: status)
        else { return active }
        return max(1, min(active, allowed))
    }

    /// The number of processors in the `Cpus_allowed_list:` line of a `/proc/PID/status`
    /// text (`0-3,8,10-11` is 7), or nil when there is none or it cannot be read.
    static func allowedProcessors(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            return nil
        }
        var count = 0
        for part in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1:
                guard bounds[0] != nil else { return nil }
                count += 1
            case 2:
                guard let low = bounds[0], let high = bounds[1], high >= low else { return nil }
                count += high - low + 1
            default:
                return nil
            }
        }
        return count > 0 ? count : nil
    }
}

extension Pipeline {
    /// What the reading thread of a streamed conversion hands to the writing one.
    enum StreamPiece: Sendable {
        /// One piece of the file: its entries in file order, the reader's diagnostics about
        /// them, the collection metadata read so far (when the writer wants it, and always
        /// with the last piece), and whether it is the last.
        case piece(entries: [Entry], found: Diagnostics, metadata: CollectionMetadata?, atEnd: Bool)
        /// Reading stopped: the reader or the file threw this.
        case failed(any Error)
    }

    /// ``streamConvert(_:as:to:output:pieceSize:threads:diagnostics:)`` with the reader on a
    /// thread of its own: it reads and maps each piece and hands its entries, diagnostics and
    /// metadata over a queue of two pieces, while this thread writes them exactly as the
    /// one-thread loop does, piece by piece in file order: the piece's reader diagnostics,
    /// then the writer's, the refusal checks, the output; then it hands the piece's entries
    /// back, and the reading thread frees them before its next piece. A reader error is met
    /// where the one-thread loop would meet it (after the pieces before it). When this thread
    /// stops (the end, a refusal, an error) it closes the queue, which stops the reader at its
    /// next piece, and waits for it. Nil (nothing done) when no thread could be started.
    func streamConvertOnTwoThreads(
        _ input: InputSpec, makeReader: @escaping @Sendable (String, ReadOptions) -> (any StreamingReader)?,
        writer made: any StreamingWriter, output: FileIO.PieceWriter, pieceSize: Int, diagnostics: inout Diagnostics
    ) throws(BibKitError) -> StreamOutcome? {
        var writer = made
        let wantsMetadata = writer.wantsMetadata
        // Entries are freed by the reading thread, which allocated them: the writing thread
        // hands each piece's entries back once written. (Freed on the writing thread, they go
        // back into the reading thread's malloc arena under its lock, while that thread
        // allocates from it without pause: measured on gen-10000.bib -> bibtex, 0.39 s of CPU
        // and 0.26 s wall instead of 0.27 s and 0.20 s.)
        let queue = PieceQueue<StreamPiece, [Entry]>(capacity: 2)
        let source = input.displayName
        let path = input.path
        let options = readOptions
        let started = WorkerThread.start {
            defer { queue.finishProducing() }
            guard var reader = makeReader(source, options) else {
                _ = queue.put(.failed(StreamStop("the read options need the whole file")))
                return
            }
            do {
                try reader.prepare(passingOver: path, pieceSize: pieceSize)
                var pending: [UInt8] = []
                var lastCount = 0
                try FileIO.readPieces(path: path, size: pieceSize) { piece, atEnd in
                    // The entries the writer is done with are freed here, on the thread that
                    // made them (see above).
                    _ = queue.takeReturned()
                    pending.append(contentsOf: piece)
                    var found = Diagnostics()
                    var entries: [Entry] = []
                    entries.reserveCapacity(lastCount)
                    let used = try reader.read(pending, atEnd: atEnd, diagnostics: &found) { entry in
                        entries.append(consume entry)
                    }
                    pending.removeFirst(used)
                    lastCount = entries.count
                    let metadata = wantsMetadata || atEnd ? reader.collectionMetadata : nil
                    return queue.put(.piece(entries: entries, found: found, metadata: metadata, atEnd: atEnd))
                }
            } catch {
                _ = queue.put(.failed(error))
            }
        }
        guard let reading = started else { return nil }

        var count = 0
        var found = Diagnostics()
        var stop: StreamOutcome?
        var failure: BibKitError?
        var finished = false
        pieces: while let item = queue.take() {
            switch consume item {
            case .failed(let error):
                if let error = error as? BibKitError {
                    failure = error
                } else {
                    stop = .needsWholeFile("\(error)")
                }
                break pieces
            case .piece(let entries, let readerFound, let metadata, let atEnd):
                var written = Diagnostics()
                if wantsMetadata, let metadata { writer.update(metadata: metadata) }
                let refused = !writer.writeAll(entries, count: &count, diagnostics: &written)
                queue.giveBack(consume entries)
                found.append(contentsOf: readerFound)
                if let why = writer.endPiece(
                    refused: refused, written: written, atEnd: atEnd, metadata: { metadata ?? CollectionMetadata() },
                    found: &found)
                {
                    stop = .needsWholeFile(why)
                    break pieces
                }
                do throws(BibKitError) { try output.write(writer.take()) } catch {
                    failure = error
                    break pieces
                }
                if atEnd {
                    finished = true
                    break pieces
                }
            }
        }
        queue.close()
        reading.join()
        if let failure { throw failure }
        if let stop { return stop }
        guard finished else { return .needsWholeFile("the reading thread ended before the end of the file") }
        try output.prepend(writer.takePrefix())
        diagnostics.append(contentsOf: found)
        return .converted(entries: count)
    }
}
