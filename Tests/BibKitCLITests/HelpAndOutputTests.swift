import BibKit
@testable import BibKitCLI
import Foundation
import Testing
import TestSupport

/// What a newcomer meets first: --version, help on every command and option, help topics,
/// shell completions, the progress line, colours and --verbose.
@Suite struct HelpAndOutputTests {
    static let sample = "Samples/profile-max-zimmer.txt"

    @Test func versionIsTheConstant() throws {
        let r = try CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == BibKitVersion.string + "\n")
        #expect(BibKitVersion.string.split(separator: ".").allSatisfy { Int($0) != nil })
    }

    /// Every command has an abstract and a discussion with examples, and every option
    /// and argument a help text (from the same definitions the man page is made of).
    @Test func everyCommandAndOptionHasHelp() throws {
        let r = try CLI.run(["--experimental-dump-help"])
        #expect(r.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let root = try #require(json["command"] as? [String: Any])
        let commands = (root["subcommands"] as? [[String: Any]] ?? []).filter { ($0["commandName"] as? String) != "help" }
        #expect(Set(commands.compactMap { $0["commandName"] as? String }) == ["convert", "merge", "tidy", "validate", "formats", "topics"])
        for command in [root] + commands {
            let name = command["commandName"] as? String ?? "?"
            #expect(!(command["abstract"] as? String ?? "").isEmpty, "\(name) has no abstract")
            let discussion = command["discussion"] as? String ?? ""
            #expect(discussion.contains("Example"), "\(name)'s discussion has no examples")
            #expect(discussion.contains("bibkit \(name == "bibkit" ? "" : name)"), "\(name)'s examples do not run it")
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                let label = argument["valueName"] as? String ?? "?"
                #expect(!(argument["abstract"] as? String ?? "").isEmpty, "\(name) \(label) has no help text")
            }
        }
    }

    @Test func helpTopicsPrintAndMatchHelpTopic() throws {
        let list = try CLI.run(["topics"])
        #expect(list.status == 0)
        for topic in HelpTopic.all {
            #expect(list.stdout.contains(topic.name))
            let viaTopics = try CLI.run(["topics", topic.name])
            let viaHelp = try CLI.run(["help", topic.name])
            #expect(viaTopics.status == 0 && viaHelp.status == 0)
            #expect(viaTopics.stdout == viaHelp.stdout)
            #expect(viaTopics.stdout.count > 400, "\(topic.name) is too short to teach anything")
            for line in viaTopics.stdout.split(separator: "\n") where !line.hasPrefix(" ") {
                #expect(line.count <= 80, "\(topic.name): prose line over 80 columns: \(line)")
            }
        }
        // `help COMMAND` is still the command's help.
        let merge = try CLI.run(["help", "merge"])
        #expect(merge.stdout.contains("USAGE: bibkit merge"))
        let unknown = try CLI.run(["topics", "nosuch"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("profile-text"))
    }

    /// The topics name everything the code accepts, so they cannot fall behind it.
    @Test func topicsCoverWhatTheCodeAccepts() {
        let keys = HelpTopic.keys.text
        for marker in CitationKeyPattern.markerNames {
            #expect(keys.contains("[\(marker)]"), "key topic does not explain [\(marker)]")
        }
        #expect(keys.contains(CitationKeyPattern.default.description))
        for policy in Dedupe.MergePolicy.allCases {
            #expect(HelpTopic.merging.text.contains("  \(policy.rawValue) "), "merging topic lacks \(policy)")
        }
        for subject in ["year", "type", "author", "editor", "keyword", "title", "journal", "key", "has"] {
            let shown = ["=", "~", "!=", "!~"].contains { HelpTopic.filters.text.contains(" \(subject)\($0)") }
            #expect(shown, "filters topic has no example of \(subject)")
        }
    }

    /// Every family of diagnostic codes the sources report is explained in the topic.
    @Test func diagnosticsTopicNamesEveryCodeFamily() throws {
        let sources = CLI.root.appendingPathComponent("Sources")
        var families = Set<String>()
        let pattern = try Regex(#"(?:code: |\.(?:warning|error|note)\(\s*)"([a-z]+)\.[a-z0-9-]+"#)
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            for match in text.matches(of: pattern) {
                if let family = match.output[1].substring { families.insert(String(family)) }
            }
        }
        #expect(families.count >= 5)
        for family in families {
            #expect(HelpTopic.diagnostics.text.contains("  \(family).  "), "diagnostics topic lacks \(family).")
        }
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) throws {
        let r = try CLI.run(["--generate-completion-script", shell])
        #expect(r.status == 0)
        for word in ["convert", "merge", "tidy", "validate", "formats", "topics", "generate-keys", "as-of"] {
            #expect(r.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
        // --from/--to complete to the format names (not only mention them in the help text).
        let formatList: [String: String] = [
            "bash": "-W 'profile'$'\\n''bibtex'$'\\n''biblatex'$'\\n''ris'$'\\n''csl-json'$'\\n''jats'",
            "zsh": "('profile' 'bibtex' 'biblatex' 'ris' 'csl-json' 'jats')",
            "fish": "'profile bibtex biblatex ris csl-json jats'",
        ]
        #expect(r.stdout.contains(formatList[shell] ?? "?"), "\(shell) does not complete --from/--to with the format names")
        let syntax: [String: [String]] = ["bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]]
        guard let check = syntax[shell], CLI.has(check[0]) else { return }
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("completion")
        try Data(r.stdout.utf8).write(to: file)
        let p = try Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: check + [file.path])
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(shell) rejects its completion script")
    }

    @Test func verboseSaysWhatEachStepDid() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("merged.json").path
        let r = try CLI.run([
            "convert", "Samples/paper-references.bib", "Samples/zotero-export.json", "--merge", "combine", "--clean",
            "--generate-keys", "--sort", "year", "--filter", "year=1900..", "-o", out, "--verbose",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("bibkit: read 8 entries from Samples/paper-references.bib (bibtex, \(FileSize.text(try size("Samples/paper-references.bib"))))"))
        #expect(lines.contains("bibkit: read 6 entries from Samples/zotero-export.json (csl-json, \(FileSize.text(try size("Samples/zotero-export.json"))))"))
        #expect(lines.contains { $0.hasPrefix("bibkit: clean: ") && $0.contains(" changed in ") })
        #expect(lines.contains("bibkit: filter: kept 13 of 14 entries, 1 removed"))
        #expect(lines.contains("bibkit: dedupe: 2 duplicate clusters merged: 4 entries became 2; 11 left"))
        #expect(lines.contains("bibkit: keys: 11 entries keyed, 3 keys new or changed"))
        #expect(lines.contains { $0.hasPrefix("bibkit: sort: sorted by year") })
        #expect(lines.contains { $0.hasPrefix("bibkit: wrote 11 entries as csl-json to \(out) (") })
        // The steps are told in the order they ran.
        let order = ["read", "clean:", "filter:", "dedupe:", "keys:", "sort:", "wrote"].map { step in
            lines.firstIndex { $0.hasPrefix("bibkit: \(step)") } ?? -1
        }
        #expect(order == order.sorted() && !order.contains(-1), "\(order)")
        // Quiet wins over verbose; without it nothing of this is said.
        let quiet = try CLI.run(["convert", Self.sample, "--as-of", "2026-11-24", "--to", "ris", "-o", out, "-v", "-q"])
        #expect(quiet.stderr.isEmpty)
        let plain = try CLI.run(["convert", Self.sample, "--as-of", "2026-11-24", "--to", "ris", "-o", out])
        #expect(!plain.stderr.contains("bibkit: read "))
    }

    @Test func verboseValidateAndTidy() throws {
        let v = try CLI.run(["validate", "Samples/paper-references.bib", "Samples/endnote-export.ris", "-v"])
        #expect(v.status == 0, "\(v.stderr)")
        let lines = v.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("bibkit: read 8 entries from Samples/paper-references.bib (bibtex, ") && $0.hasSuffix("rules checked: 0 errors, 0 warnings") })
        #expect(lines.contains { $0.hasPrefix("bibkit: read 6 entries from Samples/endnote-export.ris (ris, ") })
        #expect(lines.contains("bibkit: checked across 14 entries (duplicate keys, likely duplicates): 0 errors, 0 warnings"))
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = try CLI.run(["tidy", "Samples/paper-references.bib", "--sort", "year", "-o", dir.appendingPathComponent("t.bib").path, "-v"])
        #expect(t.status == 0, "\(t.stderr)")
        let tidied = t.stderr.split(separator: "\n").map(String.init)
        #expect(tidied.contains { $0.hasPrefix("bibkit: read 8 entries from Samples/paper-references.bib (bibtex, ") })
        #expect(tidied.contains { $0.hasPrefix("bibkit: sorted by year") })
        #expect(tidied.contains { $0.hasPrefix("bibkit: wrote 8 entries as bibtex (") })
        let quiet = try CLI.run(["validate", "Samples/paper-references.bib", "-v", "-q"])
        #expect(quiet.stderr.isEmpty)
    }

    private func size(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: CLI.root.appendingPathComponent(path).path)
        return (attributes[.size] as? NSNumber)?.intValue ?? -1
    }

    // MARK: Terminal behaviour, through a pseudo-terminal made by script(1)

    /// Runs a shell command line under `script`, so bibkit's standard error is a terminal;
    /// returns what the terminal received.
    static func onTerminal(_ command: String, environment: [String: String] = [:]) throws -> String {
        var env: [String: String?] = ["NO_COLOR": nil, "TERM": "xterm"]
        for (k, v) in environment { env[k] = v }
        return try Shell.run(["script", "-qec", command, "/dev/null"], in: CLI.root, environment: env, stdoutOnly: true).output
    }

    /// script(1) is installed and can open a pseudo-terminal here.
    static let hasScript: Bool = {
        guard CLI.has("script"), let output = try? onTerminal("echo pty-ok") else { return false }
        return output.contains("pty-ok")
    }()

    @Test(.enabled(if: hasScript, "needs script(1) (util-linux; Debian: bsdutils) and a pseudo-terminal"))
    func progressLineOnATerminal() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("all.bib").path
        let bin = CLI.binary.path
        // A wide terminal, so the whole line fits.
        let command = "stty cols 200 2>/dev/null; '\(bin)' merge Samples/paper-references.bib Samples/zotero-export.json Samples/endnote-export.ris -o '\(out)'"
        // BIBKIT_PROGRESS_DELAY=0 shows the line at once instead of after a second.
        let shown = try Self.onTerminal(command, environment: ["BIBKIT_PROGRESS_DELAY": "0"])
        #expect(shown.contains("\r[##########] 3/3 inputs, 20 entries, "), "\(shown)")
        #expect(shown.contains(" MB/s, "))
        #expect(shown.contains("reading zotero-export.json (4.6 kB)"))
        #expect(shown.contains("writing bibtex"))
        #expect(shown.contains("\u{1B}[K"), "the line is erased at the end")
        #expect(shown.contains("bibkit: wrote 18 entries of 20 read as bibtex"))
        // Nothing is shown before the delay has passed (an hour here, so this is no timing test).
        let early = try Self.onTerminal(command, environment: ["BIBKIT_PROGRESS_DELAY": "3600"])
        #expect(!early.contains("MB/s"))
        #expect(early.contains("bibkit: wrote 18 entries of 20 read as bibtex"))
        // -q: none.
        let quiet = try Self.onTerminal(command + " -q", environment: ["BIBKIT_PROGRESS_DELAY": "0"])
        #expect(!quiet.contains("MB/s"))
        #expect(quiet.isEmpty, "\(quiet)")
        // validate shows one too.
        let validate = try Self.onTerminal(
            "stty cols 200 2>/dev/null; '\(bin)' validate Samples/paper-references.bib Samples/endnote-export.ris",
            environment: ["BIBKIT_PROGRESS_DELAY": "0"])
        #expect(validate.contains("\r[##########] 2/2 inputs, 14 entries, "), "\(validate)")
        #expect(validate.contains("checking across entries"))
    }

    @Test func noProgressLineWhenPiped() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var env = ProcessInfo.processInfo.environment
        env["BIBKIT_PROGRESS_DELAY"] = "0"
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["merge", "Samples/paper-references.bib", "Samples/zotero-export.json", "-o", dir.appendingPathComponent("all.bib").path]
        process.currentDirectoryURL = CLI.root
        process.environment = env
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.contains("bibkit: wrote"))
        #expect(!text.contains("MB/s") && !text.contains("\r") && !text.contains("\u{1B}"))
    }

    @Test(.enabled(if: hasScript, "needs script(1) (util-linux; Debian: bsdutils) and a pseudo-terminal"))
    func coloursOnATerminalUnlessNoColor() throws {
        let command = "'\(CLI.binary.path)' validate Samples/paper-references.bib Samples/zotero-export.json"
        let coloured = try Self.onTerminal(command)
        #expect(coloured.contains("warning"))
        #expect(coloured.contains("\u{1B}["), "diagnostics on a terminal are coloured")
        let plain = try Self.onTerminal(command, environment: ["NO_COLOR": "1"])
        #expect(plain.contains("warning"))
        #expect(!plain.contains("\u{1B}["), "NO_COLOR switches colours off")
        let piped = try CLI.run(["validate", "Samples/paper-references.bib", "Samples/zotero-export.json"])
        #expect(!piped.stderr.contains("\u{1B}["))
    }
}
