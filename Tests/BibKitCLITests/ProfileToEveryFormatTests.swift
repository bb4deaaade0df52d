import Foundation
import Testing

/// The sample profile through every writer, each output judged by its independent oracle.
@Suite struct ProfileToEveryFormatTests {
    let sample = "Samples/profile-max-zimmer.txt"

    func convert(to format: String, _ extra: [String] = []) throws -> (CLI.Result, URL, URL) {
        let dir = try CLI.tempDir()
        let ext = ["csl-json": "json", "jats": "xml", "ris": "ris"][format] ?? "bib"
        let out = dir.appendingPathComponent("out.\(ext)")
        let r = try CLI.run(["convert", sample, "--as-of", "2026-11-24", "--to", format, "-o", out.path] + extra)
        return (r, out, dir)
    }

    @Test func cslJSONKeepsEveryPaperSubjectAndCodeLinks() throws {
        let (r, out, dir) = try convert(to: "csl-json", ["--validate"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        let items = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [[String: Any]] ?? []
        #expect(items.count == 24)
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(text.contains("cs.LG"))
        #expect(text.contains("https://github.com/pUmpKin-Co/SparsityAndCoD\""))
        #expect(text.contains("https://github.com/ZIB-IOL/The-Agentic-Researcher\""))
    }

    @Test(.enabled(if: CLI.has("python3") && CLI.has("pandoc"), "needs python3 + pandoc: run ../shared/oracles/install.sh"))
    func cslJSONPassesTheOracle() throws {
        let (r, out, dir) = try convert(to: "csl-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        let o = try CLI.oracle("csljson_valid.py", [out.path], interpreter: "python3")
        #expect(o.status == 0, "\(o.output)")
    }

    @Test(.enabled(if: CLI.has("xmllint"), "needs xmllint: run ../shared/oracles/install.sh"))
    func jatsPassesTheOfficialDTD() throws {
        for extra in [["--validate"], ["--validate", "--jats-article"]] {
            let (r, out, dir) = try convert(to: "jats", extra)
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(r.status == 0, "\(r.stderr)")
            let xml = try String(contentsOf: out, encoding: .utf8)
            #expect(xml.components(separatedBy: "<ref id=").count - 1 == 24)
            #expect(xml.contains("https://github.com/pUmpKin-Co/SparsityAndCoD\""))
            let o = try CLI.oracle("jats_valid.sh", [out.path])
            #expect(o.status == 0, "\(o.output)")
        }
    }

    @Test(.enabled(if: CLI.has("python3") && CLI.has("ris2xml"), "needs rispy + bibutils: run ../shared/oracles/install.sh"))
    func risPassesTheOracle() throws {
        let (r, out, dir) = try convert(to: "ris")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(r.status == 0, "\(r.stderr)")
        let ris = try String(contentsOf: out, encoding: .utf8)
        #expect(ris.components(separatedBy: "TY  - ").count - 1 == 24)
        #expect(ris.contains("UR  - https://github.com/pUmpKin-Co/SparsityAndCoD\r\n"))
        let o = try CLI.oracle("ris_parses.py", [out.path], interpreter: "python3")
        #expect(o.status == 0, "\(o.output)")
    }

    @Test func validateReportsSchemaErrorsWithLocations() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.json")
        try "[\n  {\"id\": \"a\", \"type\": \"book\", \"title\": 5}\n]\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["validate", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.json:2:"), "\(r.stderr)")
        let (ok, out, dir2) = try convert(to: "jats")
        defer { try? FileManager.default.removeItem(at: dir2) }
        #expect(ok.status == 0)
        let v = try CLI.run(["validate", out.path])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stderr.contains("24 entries checked: 0 errors"))
    }
}
