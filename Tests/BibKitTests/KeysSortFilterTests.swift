import Testing

@testable import BibKit

@Suite struct KeyPatternTests {
    let entry: Entry = {
        var e = Make.entry(
            "old", title: "An Awesome Paper on Sparse Neural Networks", authors: [("Schrödter", "Max"), ("Jones", "A."), ("Brown", nil)],
            year: 2023, journal: "Journal of Machine Learning Research", fields: [.volume: "24", .page: "101-120"])
        e.authors.names[0].nonDroppingParticle = nil
        return e
    }()

    func key(_ pattern: String, _ e: Entry? = nil) throws -> String {
        try CitationKeyPattern(pattern).baseKey(for: e ?? entry)
    }

    @Test func markers() throws {
        #expect(try key("[auth][year]") == "Schrodter2023")
        #expect(try key("[auth:lower][year][veryshorttitle:lower]") == "schrodter2023awesome")
        #expect(try key("[authEtAl]") == "SchrodterEtAl")
        #expect(try key("[authors2]") == "SchrodterJonesEtAl")
        #expect(try key("[authors]") == "SchrodterJonesBrown")
        #expect(try key("[auth3]") == "Sch")
        #expect(try key("[authorLast]") == "Brown")
        #expect(try key("[shorttitle]") == "AwesomePaperSparse")
        #expect(try key("[veryshorttitle]") == "Awesome")
        #expect(try key("[title]") == "AnAwesomePaperonSparseNeuralNetworks")
        #expect(try key("[journal:abbr][volume]") == "JoMLR24")
        #expect(try key("[journal]") == "JournalOfMachineLearningResearch")
        #expect(try key("[auth:upper]_[shortyear]-[firstpage]") == "SCHRODTER_23-101")
        #expect(try key("[year][auth:abbr]") == "2023S")
        let two = Make.entry("x", title: "T", authors: [("Smith", nil), ("Jones", nil)])
        #expect(try key("[authEtAl]", two) == "SmithJones")
        let none = Make.entry("x", title: "T")
        #expect(try key("[auth:(anon)][year:(nd)]", none) == "anonnd")
        #expect(try key("[auth]", none) == "entry")
    }

    @Test func badPatternsNameTheMarkers() {
        #expect(throws: CitationKeyPattern.ParseError.self) { try CitationKeyPattern("[autor][year]") }
        #expect(throws: CitationKeyPattern.ParseError.self) { try CitationKeyPattern("[auth:shout]") }
        #expect(throws: CitationKeyPattern.ParseError.self) { try CitationKeyPattern("[auth") }
        do {
            _ = try CitationKeyPattern("[autor]")
        } catch {
            #expect(error.description.contains("authEtAl"))
        }
    }

    @Test func defaultPatternMatchesTheGenerator() {
        let entries = [
            entry, Make.entry(nil, title: "The art of war", authors: [("Sun", nil)], year: -500),
            Make.entry(nil, title: "A study", editors: [("Editor", "E.")]), Make.entry(nil, title: "Ω"),
        ]
        for e in entries {
            #expect(CitationKeyPattern.default.baseKey(for: e) == CitationKeyGenerator().baseKey(for: e))
        }
    }

    @Test func uniqueWithSuffixesIgnoringCase() {
        let es = (0..<4).map { _ in Make.entry(nil, title: "Same title", authors: [("Smith", nil)], year: 2020) }
        var with = es
        with[0].key = "Smith2020same"
        let (lib, report, _) = Make.run(GenerateKeys(keepExisting: true), with)
        #expect(lib.entries.map(\.key) == ["Smith2020same", "smith2020samea", "smith2020sameb", "smith2020samec"])
        #expect(report.keyMap.isEmpty)
        #expect(report.changes.count == 3)
    }

    @Test func regeneratingRecordsTheKeyMap() {
        var es = [entry, Make.entry("kept", title: "Other work", authors: [("Lee", nil)], year: 2021)]
        es[1].key = "lee2021other"
        let (lib, report, _) = Make.run(GenerateKeys(), es)
        #expect(lib.entries.map(\.key) == ["schrodter2023awesome", "lee2021other"])
        #expect(report.keyMap == [KeyRename(old: "old", new: "schrodter2023awesome")])
    }

    @Test func keepKeysFillsGapsAndCollisions() {
        let es = [
            Make.entry("a", title: "One", authors: [("X", nil)]), Make.entry("a", title: "Two", authors: [("Y", nil)]),
            Make.entry(nil, title: "Three", authors: [("Z", nil)], year: 2001),
        ]
        let (lib, report, _) = Make.run(GenerateKeys(keepExisting: true), es)
        #expect(lib.entries.map(\.key) == ["a", "ytwo", "z2001three"])
        #expect(report.changes.map(\.reason) == ["key used by an earlier entry", "no key"])
    }
}

@Suite struct SortFilterTests {
    let entries = [
        Make.entry("c", .book, title: "Gamma", authors: [("Zed", "A.")], year: 2021, keywords: ["optimization"]),
        Make.entry("a", title: "Alpha", authors: [("Émile", "B.")], year: 2019),
        Make.entry("b", title: "Beta", year: nil, keywords: ["Deep Learning"]),
        Make.entry("d", title: "delta", authors: [("Adams", "C.")], year: 2021),
    ]

    func sorted(_ spec: String) throws -> [String?] {
        try Make.run(Sort(parsing: spec), entries).0.entries.map(\.key)
    }

    @Test func sortKeys() throws {
        #expect(try sorted("key") == ["a", "b", "c", "d"])
        #expect(try sorted("year") == ["a", "c", "d", "b"])
        #expect(try sorted("-year") == ["c", "d", "a", "b"])
        #expect(try sorted("year,-key") == ["a", "d", "c", "b"])
        #expect(try sorted("author") == ["d", "a", "c", "b"])
        #expect(try sorted("title") == ["a", "b", "d", "c"])
        #expect(try sorted("type") == ["a", "b", "d", "c"])
        #expect(throws: TransformOptionError.self) { try Sort(parsing: "colour") }
    }

    func filtered(_ specs: String...) throws -> [String?] {
        let conditions = try specs.map { text throws(TransformOptionError) in try Filter.Condition(parsing: text) }
        return Make.run(Filter(conditions), entries).0.entries.map(\.key)
    }

    @Test func filterConditions() throws {
        #expect(try filtered("year=2020..2023") == ["c", "d"])
        #expect(try filtered("year=..2019") == ["a"])
        #expect(try filtered("year=2019,2021..") == ["c", "a", "d"])
        #expect(try filtered("type=book") == ["c"])
        #expect(try filtered("type!=book") == ["a", "b", "d"])
        #expect(try filtered("author=emile") == ["a"])
        #expect(try filtered("author~ada") == ["d"])
        #expect(try filtered("keyword=deep learning") == ["b"])
        #expect(try filtered("title~ta") == ["b", "d"])
        #expect(try filtered("year=2021", "author=Adams") == ["d"])
        #expect(try filtered("has=year") == ["c", "a", "d"])
        #expect(throws: TransformOptionError.self) { try Filter.Condition(parsing: "colour=red") }
        #expect(throws: TransformOptionError.self) { try Filter.Condition(parsing: "year=soon") }
        #expect(throws: TransformOptionError.self) { try Filter.Condition(parsing: "year") }
    }
}

@Suite struct ChainTests {
    @Test func fixedOrderAndComposedKeyMap() throws {
        var a = Make.entry("Smith:2020", title: "  Learning  things ", authors: [("Smith", "J.")], year: 2020, doi: "10.1000/x")
        a.fields[.page] = "1--10"
        let b = Make.entry("smith-dup", title: "Learning things", authors: [("Smith", "John")], year: 2020, doi: "https://doi.org/10.1000/X")
        let c = Make.entry("old", title: "Zebras", authors: [("Adams", nil)], year: 2018)
        let chain = TransformChain(
            clean: Clean(), filter: Filter([try Filter.Condition(parsing: "year=2019..")]), dedupe: Dedupe(options: .init(merge: .combine)),
            keys: GenerateKeys(), sort: Sort([Sort.Criterion(.key)]))
        #expect(TransformChain.order == ["clean", "filter", "dedupe", "keys", "sort"])
        var lib = Library(entries: [c, a, b])
        var d = Diagnostics()
        let report = chain.apply(to: &lib, diagnostics: &d)
        #expect(lib.entries.map(\.key) == ["smith2020learning"])
        #expect(lib.entries[0].fields[.page] == "1-10")
        #expect(lib.entries[0].authors.names[0].given == "John")
        // Both the merged-away key and the survivor's old key map to the final key.
        #expect(report.keyMap == [KeyRename(old: "smith-dup", new: "smith2020learning"), KeyRename(old: "Smith:2020", new: "smith2020learning")])
        #expect(report.removed.map(\.step) == ["filter", "merge"])
        #expect(report.renderText().contains("key map: smith-dup → smith2020learning"))
        #expect(report.keyMapCSV() == "old,new\r\nsmith-dup,smith2020learning\r\nSmith:2020,smith2020learning\r\n")
        #expect(report.keyMapJSON() == "{\n  \"smith-dup\": \"smith2020learning\",\n  \"Smith:2020\": \"smith2020learning\"\n}\n")
    }
}
