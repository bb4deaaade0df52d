import Foundation
import Testing

/// Transforms on the command line: convert options, `merge`, key maps, reports, `tidy`.
@Suite struct TransformCommandTests {
    let ris = "Tests/BibKitCLITests/Fixtures/merge/publisher.ris"
    let json = "Tests/BibKitCLITests/Fixtures/merge/zotero.json"

    func items(_ url: URL) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]] ?? []
    }

    @Test func mergeRISWithCSLJSONGivesTheUnionAndAKeyMap() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("all.json")
        let map = dir.appendingPathComponent("keys.json")
        let r = try CLI.run(["merge", ris, json, "-o", out.path, "--key-map", map.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote 4 entries of 7 read as csl-json"), "\(r.stderr)")
        // A merge reports its clusters and key map even without --report.
        #expect(r.stderr.contains("duplicates: Lee2019 (\(ris):18:1), lee_deep_2019 (\(json):14:3, same title) → kept Lee2019\n"), "\(r.stderr)")
        #expect(r.stderr.contains("key map: lee_deep_2019 → Lee2019\n"))
        #expect(!r.stderr.contains("merge: Lee2019: volume"))
        let merged = try items(out)
        #expect(merged.map { $0["id"] as? String } == ["Federico2004", "Lee2019", "Nguyen2018", "nguyen_graph_2021"])
        // Federico: the RIS record had volume and issue, the CSL-JSON one the ISSN, full names and the month.
        let federico = merged[0]
        #expect(federico["volume"] as? String == "52")
        #expect(federico["ISSN"] as? String == "0022-5096")
        #expect(federico["DOI"] as? String == "10.1016/j.jmps.2004.03.010")
        #expect((federico["author"] as? [[String: String]])?.first?["given"] == "Salvatore")
        #expect(federico["keyword"] as? String == "Composite, Inclusions, Transverse isotropy")
        // Lee: the full journal title beats the abbreviation, which is kept as the short title.
        #expect(merged[1]["container-title"] as? String == "IEEE Transactions on Signal Processing")
        #expect(merged[1]["container-title-short"] as? String == "IEEE Trans. Signal Process.")
        #expect(merged[1]["volume"] as? String == "67")
        // The second edition is another work.
        #expect(merged[3]["edition"] as? String == "2")
        let keyMap = try JSONSerialization.jsonObject(with: Data(contentsOf: map)) as? [String: String]
        #expect(keyMap == ["federico_transversely_2004": "Federico2004", "lee_deep_2019": "Lee2019", "nguyen_graph_2018": "Nguyen2018"])
    }

    @Test func quietMergePrintsNothing() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["merge", ris, json, "-o", dir.appendingPathComponent("all.ris").path, "-q"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func keyMapAsCSVAndMergeAcrossFormatsToBibTeX() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("all.bib")
        let map = dir.appendingPathComponent("keys.csv")
        let r = try CLI.run(["merge", json, ris, "-o", out.path, "--key-map", map.path, "--merge", "first"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOf: map, encoding: .utf8)
        #expect(csv == "old,new\r\nFederico2004,federico_transversely_2004\r\nLee2019,lee_deep_2019\r\nNguyen2018,nguyen_graph_2018\r\n")
        let bib = try String(contentsOf: out, encoding: .utf8)
        #expect(bib.components(separatedBy: "\n@").count - (bib.hasPrefix("@") ? 0 : 1) == 4)
        #expect(bib.contains("@article{federico_transversely_2004,"))
    }

    @Test func dedupeWithoutMergeReportsAndKeepsEverything() throws {
        let r = try CLI.run(["convert", ris, json, "--dedupe", "--to", "csl-json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [[String: Any]] != nil)
        #expect(r.stderr.contains("\(json):2:3: warning: federico_transversely_2004: likely a duplicate of Federico2004 at \(ris):1:1 (same doi 10.1016/j.jmps.2004.03.010) [dedupe.duplicate]"), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "[dedupe.duplicate]").count - 1 == 3)
        #expect(r.stderr.contains("3 duplicate clusters found"))
    }

    @Test func reportListsEveryChange() throws {
        let r = try CLI.run(["convert", ris, "--clean", "--report", "--to", "ris"])
        #expect(r.status == 0)
        #expect(r.stderr.contains(#"clean: Lee2019: title: "DEEP RESIDUAL LEARNING FOR SPARSE SIGNAL RECOVERY" → "Deep Residual Learning for Sparse Signal Recovery" (was ALL CAPS)"#))
        #expect(r.stdout.contains("TI  - Deep Residual Learning for Sparse Signal Recovery\r\n"))
        let quiet = try CLI.run(["convert", ris, "--clean", "--to", "ris"])
        #expect(!quiet.stderr.contains("clean:"))
    }

    @Test func reportFileAsJSON() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["merge", ris, json, "-o", dir.appendingPathComponent("out.ris").path, "--report-file", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        #expect((object?["clusters"] as? [Any])?.count == 3)
        #expect((object?["keyMap"] as? [String: String])?["lee_deep_2019"] == "Lee2019")
    }

    @Test func generateKeysBareAndWithPattern() throws {
        let bare = try CLI.run(["convert", json, "--generate-keys", "--to", "csl-json"])
        #expect(bare.status == 0, "\(bare.stderr)")
        let ids = (try JSONSerialization.jsonObject(with: bare.stdoutBytes) as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(ids == ["federico2004transversely", "lee2019deep", "nguyen2018graph", "nguyen2021graph"])
        let pattern = try CLI.run(["convert", json, "--generate-keys=[auth][year][journal:abbr]", "--to", "csl-json"])
        let ids2 = (try JSONSerialization.jsonObject(with: pattern.stdoutBytes) as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(ids2 == ["Federico2004JMPS", "Lee2019IToSP", "Nguyen2018HoCL", "Nguyen2021HoCL"])
        let spaced = try CLI.run(["convert", json, "--generate-keys", "[auth:upper]", "--to", "csl-json"])
        #expect(spaced.stdout.contains("\"id\": \"NGUYENa\""), "\(spaced.stderr)")
        let bad = try CLI.run(["convert", json, "--generate-keys=[autor]", "--to", "csl-json"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("unknown marker '[autor]'"))
    }

    @Test func sortAndFilter() throws {
        let r = try CLI.run(["convert", json, "--filter", "year=2018..", "--filter", "type=chapter", "--sort", "-year", "--to", "csl-json"])
        let equals = try CLI.run(["convert", json, "--filter", "year=2018..", "--filter", "type=chapter", "--sort=-year", "--to", "csl-json"])
        #expect(equals.stdout == r.stdout)
        #expect(r.status == 0, "\(r.stderr)")
        let ids = (try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [[String: Any]])?.map { $0["id"] as? String }
        #expect(ids == ["nguyen_graph_2021", "nguyen_graph_2018"])
        #expect(r.stderr.contains("2 filtered out"))
        for bad in [["--filter", "colour=red"], ["--sort", "colour"], ["--merge", "best"], ["--max-authors", "0"], ["--key-map", "k.txt"]] {
            let u = try CLI.run(["convert", json, "--to", "ris"] + bad)
            #expect(u.status == 64, "\(bad): \(u.stderr)")
        }
    }

    @Test func cleanPartsSwitchOff() throws {
        let on = try CLI.run(["convert", ris, "--clean", "--to", "ris"])
        #expect(on.stdout.contains("TI  - Deep Residual"))
        let off = try CLI.run(["convert", ris, "--clean", "--no-drop-all-caps", "--to", "ris"])
        #expect(off.stdout.contains("TI  - DEEP RESIDUAL"))
        let one = try CLI.run(["convert", ris, "--drop-all-caps", "--omit", "keywords", "--max-authors", "1", "--to", "ris"])
        #expect(one.stdout.contains("TI  - Deep Residual"))
        #expect(!one.stdout.contains("KW  -"))
        #expect(!one.stdout.contains("AU  - Grillo"))
    }

    @Test func failedRunLeavesOutputAndKeyMapUntouched() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("all.json")
        try "keep me".write(to: out, atomically: true, encoding: .utf8)
        let r = try CLI.run(["merge", dir.appendingPathComponent("missing.ris").path, "-o", out.path, "--key-map", dir.appendingPathComponent("k.json").path])
        #expect(r.status == 2)
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep me")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("k.json").path))
    }

    @Test func tidyUsage() throws {
        let both = try CLI.run(["tidy", "x.bib", "-o", "y.bib", "--in-place"])
        #expect(both.status == 64)
        let stdin = try CLI.run(["tidy", "-", "--in-place"])
        #expect(stdin.status == 64)
    }
}
