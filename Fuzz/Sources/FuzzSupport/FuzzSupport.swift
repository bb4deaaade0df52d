@_exported import BibKit
import CFuzzer

#if canImport(Glibc)
import Glibc
#endif

/// What every harness does with one input: read it with one reader, and (for the round
/// trip) write what was read in every format and read that back. Only crashes, sanitizer
/// reports, timeouts and unbounded memory count as findings; diagnostics are expected.
public enum Fuzz {
    /// A fixed capture date so profile dates without a year read the same every run.
    static let options = ReadOptions(asOf: DateParts(year: 2026, month: 11, day: 24))

    /// Reads `data` as `format`; returns what was read.
    @discardableResult
    public static func read(_ data: UnsafePointer<UInt8>?, _ size: Int, as format: FormatID) -> Library {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        return read(bytes, as: format)
    }

    /// Reads bytes as `format`.
    @discardableResult
    public static func read(_ bytes: [UInt8], as format: FormatID) -> Library {
        guard let reader = FormatRegistry.plugin(named: format.rawValue)?.reader else { return Library() }
        var diagnostics = Diagnostics()
        do {
            return try reader.read(bytes, source: "fuzz", options: options, diagnostics: &diagnostics)
        } catch {
            return Library()
        }
    }

    /// Read → write → read: the input in the format its content looks like (BibTeX when
    /// nothing claims it), written in every writable format, each output read back with
    /// that format's reader and written again.
    public static func roundTrip(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        let source = FormatRegistry.sniff(bytes)?.descriptor.id ?? .bibtex
        let library = read(bytes, as: source)
        for plugin in FormatRegistry.plugins {
            guard let writer = plugin.writer else { continue }
            var diagnostics = Diagnostics()
            let written = writer.write(library, options: WriteOptions(), diagnostics: &diagnostics)
            guard plugin.reader != nil else { continue }
            let again = read(written, as: plugin.descriptor.id)
            _ = writer.write(again, options: WriteOptions(), diagnostics: &diagnostics)
        }
    }

    /// Runs libFuzzer with this process's arguments and `body` as the harness; never returns.
    ///
    /// An input whose run takes more than `BIBKIT_FUZZ_CPU_LIMIT` seconds of CPU time
    /// (default 1) aborts, so libFuzzer keeps it as a crash: a finding measured in CPU time,
    /// not in wall time like libFuzzer's own -timeout, which a busy machine trips at random.
    public static func main(_ body: @escaping @Sendable (UnsafePointer<UInt8>?, Int) -> Void) -> Never {
        harness = body
        if let text = getenv("BIBKIT_FUZZ_CPU_LIMIT"), let limit = Double(String(cString: text)) { cpuLimit = limit }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, { data, size in
            let start = Fuzz.cpuSeconds()
            harness?(data, size)
            let used = Fuzz.cpuSeconds() - start
            if used > cpuLimit {
                var message = "bibkit-fuzz: slow input: \(used) s of CPU time (limit \(cpuLimit) s)\n"
                message.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
                abort()
            }
            return 0
        }))
    }

    /// CPU time of this thread, in seconds.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}

/// The harness body and the CPU-time limit, set once by ``Fuzz/main(_:)`` before fuzzing starts.
nonisolated(unsafe) private var harness: (@Sendable (UnsafePointer<UInt8>?, Int) -> Void)?
nonisolated(unsafe) private var cpuLimit = 1.0
