import Foundation
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Outputs are never lost: written to a temporary file beside the target and renamed into
/// place only after success, so a run that fails or is killed leaves the previous file as
/// it was; `-o` naming an input needs `--in-place` (which keeps a backup); a closed pipe
/// ends the run quietly; permission problems are one clear line, not a trace.
@Suite struct OutputSafetyTests {
    static let previous = "previous output, must survive\n"

    /// An input whose conversion writes a large output (a 24 MB abstract and 2 000 entries).
    static func bigInput(in dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("big.bib")
        var bytes = Array("@article{big, title = {Big}, abstract = {".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 24 * 1024 * 1024)
        bytes += Array("}}\n".utf8)
        for i in 0..<2000 {
            bytes += Array("@article{k\(i), title = {Title \(i)}, author = {Doe, Jane and Roe, Rich}, year = 2020}\n".utf8)
        }
        try Data(bytes).write(to: file)
        return file
    }

    /// The temporary files bibkit left in a directory.
    static func temporaries(in dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasPrefix(".bibkit-") }
    }

    /// Kills bibkit while it writes its output over an existing file (as soon as its
    /// temporary file appears), and checks that the existing file is intact. A kill that
    /// arrives after bibkit finished proves nothing, so it is tried again (up to 8 times);
    /// at least one kill must land mid-write.
    @Test(arguments: [SIGKILL, SIGINT])
    func killedMidWriteLeavesThePreviousOutput(_ sig: Int32) throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.bigInput(in: dir)
        let outDir = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        let out = outDir.appendingPathComponent("refs.json")
        var killedMidWrite = 0
        for _ in 0..<8 where killedMidWrite == 0 {
            try Data(Self.previous.utf8).write(to: out)
            for name in Self.temporaries(in: outDir) { try? FileManager.default.removeItem(at: outDir.appendingPathComponent(name)) }
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["convert", input.path, "--to", "csl-json", "-o", out.path, "-q"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait for the temporary file, then kill at once.
            let deadline = Date().addingTimeInterval(300)
            while process.isRunning && Self.temporaries(in: outDir).isEmpty && Date() < deadline { usleep(100) }
            let sawTemporary = !Self.temporaries(in: outDir).isEmpty
            kill(process.processIdentifier, sig)
            process.waitUntilExit()
            let after = try String(contentsOf: out, encoding: .utf8)
            if process.terminationReason == .uncaughtSignal {
                #expect(process.terminationStatus == sig)
                #expect(sawTemporary)
                #expect(after == Self.previous, "killed by signal \(sig): the previous output was changed")
                if sig == SIGINT {
                    #expect(Self.temporaries(in: outDir).isEmpty, "SIGINT leaves no temporary file")
                }
                killedMidWrite += 1
            } else {
                // It finished first: then the output is the whole new file, never a part.
                #expect(process.terminationStatus == 0)
                #expect(after.hasPrefix("[") && after.hasSuffix("]\n"), "a finished run wrote the whole file")
            }
        }
        #expect(killedMidWrite > 0, "no kill landed while bibkit was writing")
    }

    /// A run that fails (an input with errors under --strict; an output format that does
    /// not validate) leaves the existing output untouched and no temporary file.
    @Test func failedRunLeavesTheOutputAndNoTemporary() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.json")
        try Data(Self.previous.utf8).write(to: out)
        let broken = MalformedInputTests.fixtures.appendingPathComponent("bibtex/truncated-value.bib").path
        let r = try CLI.run(["convert", broken, "--strict", "-o", out.path])
        #expect(r.status == 1)
        #expect(try String(contentsOf: out, encoding: .utf8) == Self.previous)
        // The output is a directory: nothing can be written, and nothing is left behind.
        let asDir = dir.appendingPathComponent("dir.json")
        try FileManager.default.createDirectory(at: asDir, withIntermediateDirectories: true)
        let good = MalformedInputTests.fixtures.appendingPathComponent("bibtex/utf8-bom.bib").path
        let d = try CLI.run(["convert", good, "-o", asDir.path])
        #expect(d.status == 2)
        #expect(d.stderr.contains("bibkit: error: cannot write '\(asDir.path)': it is a directory; nothing was written"), "\(d.stderr)")
        #expect(Self.temporaries(in: dir).isEmpty)
    }

    // MARK: - -o naming an input

    @Test func outputNamingAnInputIsRefused() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("refs.bib")
        let original = "@article{a, title = {One}, year = 2020}\n"
        try Data(original.utf8).write(to: file)
        let other = dir.appendingPathComponent("other.ris")
        try Data("TY  - BOOK\nTI  - Two\nER  - \n".utf8).write(to: other)
        // The same file by another spelling and through a symbolic link is still the same file.
        let link = dir.appendingPathComponent("link.bib")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        let spellings = [file.path, dir.path + "/./refs.bib", link.path]
        for spelling in spellings {
            let c = try CLI.run(["convert", file.path, "-o", spelling])
            #expect(c.status == 64, "convert -o \(spelling)")
            #expect(c.stderr.contains("is also an input and would be overwritten; add --in-place"), "\(c.stderr)")
            let m = try CLI.run(["merge", other.path, spelling, "-o", file.path])
            #expect(m.status == 64, "merge -o \(spelling)")
            let t = try CLI.run(["tidy", spelling, "-o", file.path])
            #expect(t.status == 64, "tidy -o \(spelling)")
            #expect(t.stderr.contains("use --in-place"), "\(t.stderr)")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == original)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".bak"))
        // --in-place without -o naming an input is a usage error too.
        #expect(try CLI.run(["convert", file.path, "--to", "ris", "--in-place"]).status == 64)
        #expect(try CLI.run(["convert", other.path, "-o", file.path, "--in-place"]).status == 64)
    }

    @Test func inPlaceKeepsABackup() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("refs.bib")
        let original = "@article{a, title = {One}, year = 2020}\n"
        try Data(original.utf8).write(to: file)
        let other = dir.appendingPathComponent("other.ris")
        try Data("TY  - BOOK\nTI  - Two\nPY  - 2019\nER  - \n".utf8).write(to: other)
        let r = try CLI.run(["merge", file.path, other.path, "-o", file.path, "--in-place"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: URL(fileURLWithPath: file.path + ".bak"), encoding: .utf8) == original)
        let merged = try String(contentsOf: file, encoding: .utf8)
        #expect(merged.contains("title = {One}") && merged.contains("title = {Two}"), "\(merged)")
        #expect(r.stderr.contains("backup in \(file.path).bak"), "\(r.stderr)")
    }

    @Test func inPlaceRefusesAnInputWithErrors() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("refs.bib")
        let original = "@article{a, title = {One}, year = 2020}\n@article{b, title = {Tw"
        try Data(original.utf8).write(to: file)
        let r = try CLI.run(["convert", file.path, "-o", file.path, "--in-place"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("left as it is: an input has errors"), "\(r.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == original)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".bak"))
        // The output written so far (into a temporary file) is removed.
        #expect(Self.temporaries(in: dir).isEmpty)
    }

    // MARK: - pipes and permissions

    /// `bibkit convert big.bib --to csl-json | head -c 10`: bibkit ends quietly (status 0,
    /// nothing on standard error), not killed by SIGPIPE.
    @Test func closedPipeEndsQuietly() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("many.bib")
        let entries = (0..<3000).map { "@article{k\($0), title = {Title \($0)}, author = {Doe, Jane}, year = 2020}\n" }
        try Data(entries.joined().utf8).write(to: file)
        let errFile = dir.appendingPathComponent("stderr.txt")
        let status = try Shell.run(
            [
                "bash", "-c", "\"$0\" convert \"$1\" --to csl-json 2>\"$2\" | head -c 10 >/dev/null; echo \"${PIPESTATUS[0]}\"",
                CLI.binary.path, file.path, errFile.path,
            ], stdoutOnly: true
        ).output
        #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "bibkit's status in the pipeline")
        #expect(try String(contentsOf: errFile, encoding: .utf8) == "")
    }

    /// Runs bibkit as an unprivileged user when the tests run as root (root reads and
    /// writes everything), so permission errors are real.
    static func runUnprivileged(_ arguments: [String]) throws -> CLI.Result {
        if getuid() != 0 { return try CLI.run(arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary.path] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Small outputs: read one pipe after the other.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
    }

    static let canDropPrivileges = getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")

    @Test(.enabled(if: canDropPrivileges, "running as root without setpriv(1): permissions cannot be tested"))
    func unwritableDirectoryAndUnreadableFile() throws {
        let dir = try CLI.tempDir()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
            try? FileManager.default.removeItem(at: dir)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let good = dir.appendingPathComponent("good.bib")
        try Data("@article{a, title = {One}, year = 2020}\n".utf8).write(to: good)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: good.path)
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
        let target = locked.appendingPathComponent("out.json")

        let w = try Self.runUnprivileged(["convert", good.path, "-o", target.path])
        #expect(w.status == 2)
        #expect(w.stderr.contains("bibkit: error: cannot write '\(target.path)': Permission denied; nothing was written"), "\(w.stderr)")
        #expect(!w.stderr.contains("Fatal error") && !w.stderr.contains("Stack"))
        #expect(!FileManager.default.fileExists(atPath: target.path))

        let secret = dir.appendingPathComponent("secret.bib")
        try Data("@article{s, title = {S}}\n".utf8).write(to: secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: secret.path)
        let r = try Self.runUnprivileged(["convert", secret.path, "--to", "bibtex"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: cannot read '\(secret.path)': Permission denied [io.cannot-read]"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
