import BibKit
import Foundation
import Testing
import TestSupport

/// Samples/gallery holds every sample converted to every writable format
/// (scripts/gen-gallery.sh); README's commands run against the samples; the install and
/// docs scripts produce what README says.
@Suite struct SamplesGalleryTests {
    static let samples = CLI.root.appendingPathComponent("Samples")
    static let gallery = samples.appendingPathComponent("gallery")

    /// The sample inputs: the files directly in Samples/.
    static func inputs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: samples, includingPropertiesForKeys: [.isRegularFileKey])
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// `<format>.<first extension>` for every format bibkit writes.
    static func outputs() -> [(format: String, file: String)] {
        FormatRegistry.plugins.filter { $0.writer != nil }.map {
            ($0.descriptor.id.rawValue, $0.descriptor.id.rawValue + "." + ($0.descriptor.extensions.first ?? "out"))
        }
    }

    @Test func everyFormatHasASample() throws {
        let inputs = try Self.inputs()
        for plugin in FormatRegistry.plugins where plugin.reader != nil {
            let ok = inputs.contains { url in
                let bytes = (try? Data(contentsOf: url)).map { [UInt8]($0) } ?? []
                return (try? Pipeline.detectFormat(of: InputSpec(path: url.path), bytes: bytes))?.descriptor.id == plugin.descriptor.id
            }
            // bibtex and biblatex share .bib; one BibTeX sample serves both.
            #expect(ok || plugin.descriptor.id == .biblatex, "Samples/ has no input in \(plugin.descriptor.id)")
        }
        // The profile sample and its golden file stay where README and the stop hook expect them.
        #expect(FileManager.default.fileExists(atPath: Self.samples.appendingPathComponent("profile-max-zimmer.txt").path))
        #expect(FileManager.default.fileExists(atPath: Self.samples.appendingPathComponent("expected/profile-max-zimmer.bib").path))
    }

    @Test func galleryIsWhatBibkitWritesToday() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var expected = Set<String>()
        for input in try Self.inputs() {
            let stem = input.deletingPathExtension().lastPathComponent
            for (format, file) in Self.outputs() {
                let relative = "\(stem)/\(file)"
                expected.insert(relative)
                let out = dir.appendingPathComponent(stem + "-" + file)
                let r = try CLI.run([
                    "convert", "Samples/" + input.lastPathComponent, "--to", format, "--as-of", "2026-11-24", "-q", "-o", out.path,
                ])
                #expect(r.status == 0, "converting \(input.lastPathComponent) to \(format): \(r.stderr)")
                let made = try Data(contentsOf: out)
                let kept = try? Data(contentsOf: Self.gallery.appendingPathComponent(relative))
                #expect(made == kept, "Samples/gallery/\(relative) differs from what bibkit writes now: run scripts/gen-gallery.sh and review the diff")
            }
        }
        let present = Set(
            (FileManager.default.enumerator(atPath: Self.gallery.path)?.allObjects as? [String] ?? [])
                .filter { $0.contains("/") })
        #expect(present == expected, "stray or missing gallery files: run scripts/gen-gallery.sh")
        // The profile's BibTeX in the gallery is the golden file.
        let golden = try Data(contentsOf: Self.samples.appendingPathComponent("expected/profile-max-zimmer.bib"))
        #expect(try Data(contentsOf: Self.gallery.appendingPathComponent("profile-max-zimmer/bibtex.bib")) == golden)
    }

    // MARK: README

    /// One `bibkit` command from a README `sh` block, with the exit status it expects
    /// (`# exit N` at the end of the line; 0 otherwise).
    struct ReadmeCommand: CustomStringConvertible {
        var line: String
        var status: Int32
        var description: String { line }
    }

    static func readmeCommands() throws -> [ReadmeCommand] {
        let text = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        var commands: [ReadmeCommand] = []
        var inShell = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inShell = !inShell && (line == "```sh" || line == "```bash" || line == "```shell")
                continue
            }
            guard inShell else { continue }
            var command = line
            if command.hasPrefix("$ ") { command.removeFirst(2) }
            for prefix in ["swift run bibkit ", ".build/release/bibkit ", ".build/debug/bibkit "] where command.hasPrefix(prefix) {
                command = "bibkit " + command.dropFirst(prefix.count)
            }
            guard command.hasPrefix("bibkit ") else { continue }
            var status: Int32 = 0
            if let mark = command.range(of: "# exit ", options: .backwards) {
                status = Int32(command[mark.upperBound...].trimmingCharacters(in: .whitespaces)) ?? 0
                command = String(command[..<mark.lowerBound])
            } else if let comment = command.range(of: "  #") {
                command = String(command[..<comment.lowerBound])
            }
            commands.append(ReadmeCommand(line: command.trimmingCharacters(in: .whitespaces), status: status))
        }
        return commands
    }

    /// Every `bibkit` line in README's `sh` blocks runs, in order, in a directory holding a
    /// copy of Samples/, with `bibkit` on PATH, and exits as README says.
    @Test func everyReadmeCommandRuns() throws {
        let commands = try Self.readmeCommands()
        #expect(commands.count >= 10, "README shows fewer bibkit commands than expected: \(commands)")
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.samples, to: dir.appendingPathComponent("Samples"))
        let bin = dir.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("bibkit"), withDestinationURL: CLI.binary)
        for command in commands {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", command.line]
            p.currentDirectoryURL = dir
            var env = ProcessInfo.processInfo.environment
            env["PATH"] = bin.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            env["NO_COLOR"] = "1"
            p.environment = env
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(
                p.terminationStatus == command.status,
                "README command `\(command.line)` exited \(p.terminationStatus), README expects \(command.status) (README sh blocks are run by this test: use files from Samples/, end a line with '# exit N' for another status, or mark the block ```text): \(stderr)")
        }
        // The walkthrough's merge really merged, and the key map was written.
        let merged = dir.appendingPathComponent("merged.bib")
        if FileManager.default.fileExists(atPath: merged.path) {
            let text = try String(contentsOf: merged, encoding: .utf8)
            #expect(text.components(separatedBy: "@article{lecun2015deep,").count == 2)
        }
    }

    /// The README's "Quick start" is exactly the two commands, in one block.
    @Test func quickStartIsTwoCommands() throws {
        let text = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(text.range(of: "## Quick start"))
        let next = text[section.upperBound...].range(of: "\n## ")?.lowerBound ?? text.endIndex
        let rest = text[section.upperBound..<next]
        #expect(rest.components(separatedBy: "```").count == 3, "Quick start holds one code block only")
        let open = try #require(rest.range(of: "```sh\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        let lines = rest[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
        #expect(lines == [
            "swift run bibkit convert Samples/profile-max-zimmer.txt --as-of 2026-11-24 --to bibtex", "scripts/test.sh",
        ])
    }

    /// The help topics' example lines run against the samples too.
    @Test func topicExamplesRun() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Self.samples, to: dir.appendingPathComponent("Samples"))
        let topics = try CLI.run(["topics"]).stdout
        let names = topics.split(separator: "\n").filter { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count >= 5)
        var ran = 0
        for name in names {
            for line in try CLI.run(["topics", name]).stdout.split(separator: "\n") where line.hasPrefix("  bibkit ") {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/sh")
                p.arguments = ["-c", "'\(CLI.binary.path)' " + line.dropFirst("  bibkit ".count)]
                p.currentDirectoryURL = dir
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                #expect(p.terminationStatus == 0, "`bibkit help \(name)` example fails: \(line)")
                ran += 1
            }
        }
        #expect(ran >= 8)
    }

    // MARK: Install and generated docs

    static let hasPython = CLI.has("python3")

    @Test(.enabled(if: hasPython, "needs python3 for scripts/gen-manpage.py"))
    func installScriptHonoursPrefix() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = dir.appendingPathComponent("prefix")
        let install = try Shell.run(
            ["bash", CLI.root.appendingPathComponent("scripts/install.sh").path],
            environment: ["PREFIX": prefix.path, "BIBKIT_BIN": CLI.binary.path])  // BIBKIT_BIN skips the release build
        let log = install.output
        #expect(install.status == 0, "\(log)")
        let installed = prefix.appendingPathComponent("bin/bibkit")
        #expect(FileManager.default.isExecutableFile(atPath: installed.path))
        for (path, shell) in [
            ("share/bash-completion/completions/bibkit", "bash"), ("share/zsh/site-functions/_bibkit", "zsh"),
            ("share/fish/vendor_completions.d/bibkit.fish", "fish"),
        ] {
            let made = try CLI.run(["--generate-completion-script", shell]).stdoutBytes
            #expect(try Data(contentsOf: prefix.appendingPathComponent(path)) == made, "\(path) is not bibkit's \(shell) completion")
        }
        let man = try String(contentsOf: prefix.appendingPathComponent("share/man/man1/bibkit.1"), encoding: .utf8)
        #expect(man.contains(".TH BIBKIT 1"))
        #expect(log.contains("installed bibkit \(try CLI.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) into \(prefix.path)"))
    }

    /// The man page names every command, option and help topic the binary has.
    @Test(.enabled(if: hasPython, "needs python3 for scripts/gen-manpage.py"))
    func manPageCoversEveryOption() throws {
        let generated = try Shell.run(
            ["python3", CLI.root.appendingPathComponent("scripts/gen-manpage.py").path, CLI.binary.path], stdoutOnly: true)
        let man = generated.output
        #expect(generated.status == 0)
        let dump = try CLI.run(["--experimental-dump-help"]).stdout
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        let root = try #require(json["command"] as? [String: Any])
        for command in root["subcommands"] as? [[String: Any]] ?? [] {
            let name = command["commandName"] as? String ?? ""
            guard name != "help" else { continue }
            #expect(man.contains(".SS bibkit \(name)"), "man page lacks bibkit \(name)")
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                guard let long = (argument["names"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                    long != "help", long != "version"
                else { continue }
                let roff = "\\fB\\-\\-" + long.replacingOccurrences(of: "-", with: "\\-") + "\\fR"
                #expect(man.contains(roff), "man page lacks \(name) --\(long)")
            }
        }
        for topic in ["profile-text", "keys", "merging", "filters", "diagnostics"] {
            #expect(man.contains(".SS " + topic.replacingOccurrences(of: "-", with: "\\-")))
        }
        #expect(!man.unicodeScalars.contains { $0.value > 127 }, "non-ASCII is escaped for roff")
    }
}
