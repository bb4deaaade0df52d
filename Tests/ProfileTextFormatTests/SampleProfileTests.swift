import BibModel
import Testing

@testable import ProfileTextFormat

/// The real profile in `Samples/profile-max-zimmer.txt`, read with as-of 2026-11-24.
@Suite struct SampleProfileTests {
    let r = Support.sample()

    func entry(titled prefix: String) throws -> Entry {
        try #require(r.entries.first { $0.title?.plainText.hasPrefix(prefix) == true }, "no entry titled \(prefix)")
    }

    @Test func readsAll24PapersWithoutProblems() {
        #expect(r.entries.count == 24)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { "\($0.code) \($0.message)" })")
        for e in r.entries {
            #expect(e.key == nil)
            #expect(e.type == EntryType(.article, original: FieldKey("profile", "paper"), genre: "preprint"))
            #expect(e.title?.isEmpty == false)
            #expect(e.authors.names.isEmpty == false)
            #expect(e.abstract?.isEmpty == false, "every paper in the sample has an abstract")
            #expect(e.issued?.typed != nil)
            #expect(e.keywords.count == 1)
            #expect(e.origin != nil)
        }
    }

    @Test func etAlCounts() {
        #expect(r.entries.filter { $0.authors.truncated }.count == 18)
        #expect(r.entries.filter { !$0.authors.truncated }.count == 6)
        let everyone = r.entries.flatMap { $0.authors.names }
        #expect(!everyone.contains { ($0.family ?? "").lowercased().contains("al.") || $0.displayName.contains("et al") })
    }

    @Test func headerMetadata() {
        let md = r.library.metadata
        #expect(md.title == "Max Zimmer")
        #expect(md.owner == PersonName(family: "Zimmer", given: "Max"))
        let p = { (name: String) in md.properties[FieldKey("profile", name)] }
        #expect(p("subject") == "LG")
        #expect(p("h-index") == "29")
        #expect(p("papers") == "24")
        #expect(p("citations") == "177")
        #expect(p("novelty") == "57%")
        #expect(p("ai-score") == "60")
        #expect(p("paper-count") == "24")
        #expect(md.properties.keys.map(\.name) == ["subject", "h-index", "papers", "citations", "novelty", "ai-score", "paper-count"])
        #expect(md.comments.isEmpty)
    }

    @Test func firstPaperInFull() throws {
        let e = try #require(r.entries.first)
        #expect(e.title == RichText("When Does Sparsity Mitigate the Curse of Depth in LLMs"))
        #expect(e.authors == NameList(
            [Support.person("Dilxat", "Muhtar"), Support.person("Xinyuan", "Song"), Support.person("Sebastian", "Pokutta")],
            truncated: true))
        #expect(Support.issued(e) == "2026-03-16")
        #expect(e.keywords == ["cs.CL"])
        #expect(Array(e.extra.keys) == [
            FieldKey("profile", "subject"), FieldKey("profile", "score"), FieldKey("profile", "code"), FieldKey("profile", "date"),
        ])
        #expect(Array(e.extra.values) == ["CL", "99.8", "yes", "Mar 16"])
        #expect(e.links == [Link("https://github.com/pUmpKin-Co/SparsityAndCoD", kind: .code)])
        let abstract = try #require(e.abstract?.plainText)
        #expect(abstract.hasPrefix("Recent work has demonstrated the curse of depth"))
        #expect(abstract.hasSuffix("Code is available at https://github.com/pUmpKin-Co/SparsityAndCoD."))
        #expect(e.abstract?.isPlain == true)
        let origin = try #require(e.origin)
        #expect(origin.start.line == 12)
        #expect(origin.start.column == 1)
        #expect(origin.start.file == "profile-max-zimmer.txt")
    }

    @Test func echosat() throws {
        let e = try entry(titled: "ECHOSAT")
        #expect(e.title?.plainText == "ECHOSAT: Estimating Canopy Height Over Space And Time")
        #expect(e.authors.names.map(\.displayName) == ["Jan Pauls", "Karsten Schrödter", "Sven Ligensa"])
        #expect(e.authors.names[1].family == "Schrödter".precomposedStringWithCanonicalMapping)
        #expect(Support.issued(e) == "2026-02-24")
        #expect(e.profile("subject") == "CV")
        #expect(e.profile("score") == nil)
        #expect(e.profile("code") == "yes")
        #expect(e.keywords == ["cs.CV"])
        #expect(e.links == [Link("https://github.com/ai4forest/echosat", kind: .code)])
    }

    @Test func paperWithYearShown() throws {
        let e = try entry(titled: "Sparse Model Soups")
        #expect(e.title?.plainText == "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging")
        #expect(e.authors == NameList(
            [Support.person("Max", "Zimmer"), Support.person("Christoph", "Spiegel"), Support.person("Sebastian", "Pokutta")]))
        #expect(e.issued == .typed(BibDate(year: 2023, month: 6, day: 29)))
        #expect(e.profile("date") == nil, "the year was shown")
        #expect(Array(e.extra.keys.map(\.name)) == ["subject"])
        #expect(e.links.isEmpty)
    }

    @Test func agenticResearcher() throws {
        let e = try entry(titled: "The Agentic Researcher")
        #expect(e.profile("score") == "87.0")
        #expect(e.profile("code") == "yes")
        #expect(Support.issued(e) == "2026-03-16")
        #expect(e.links == [Link("https://github.com/ZIB-IOL/The-Agentic-Researcher", kind: .code)])
        #expect(e.authors.truncated)
        #expect(e.authors.names.first == Support.person("Max", "Zimmer"))
    }

    @Test func evolutionaryCodingAgents() throws {
        let e = try entry(titled: "What Do Evolutionary Coding Agents Evolve?")
        #expect(e.profile("score") == "97.5")
        #expect(e.profile("subject") == "NE")
        #expect(e.keywords == ["cs.NE"])
        #expect(Support.issued(e) == "2026-05-19")
        #expect(e.profile("date") == "May 19")
        #expect(e.profile("code") == nil)
        #expect(e.links.isEmpty)
        #expect(e.authors.names.map(\.displayName) == ["Nico Pelleriti", "Sree Harsha Nelaturu", "Zhanke Zhou"])
    }

    @Test func tCurvesHasInlineMath() throws {
        let e = try entry(titled: "Fast Isotopy Computation for T-Curves")
        #expect(e.keywords == ["math.AG"])
        #expect(e.profile("score") == "91.2")
        #expect(Support.issued(e) == "2026-04-10")
        let inlines = try #require(e.abstract?.inlines)
        #expect(Array(inlines.prefix(4)) == [
            .text("A T-curve of degree "), .math("d"),
            .text(" is given by a regular unimodular triangulation of "), .math("d \\cdot Δ_2"),
        ])
        #expect(inlines.filter { if case .math = $0 { true } else { false } }.count == 2)
    }

    @Test func mathElsewhere() throws {
        let recon = try entry(titled: "RECON")
        let maths = recon.abstract?.inlines.compactMap { if case .math(let m) = $0 { m } else { nil } }
        #expect(maths == ["G", "g\\in G", "\\textit{canonical orientation normalization}", "\\textit{natural}"])
        let last = try entry(titled: "Deep Neural Network Training with Frank-Wolfe")
        #expect(last.abstract?.inlines.contains(.math("L^2")) == true)
        #expect(last.issued == .typed(BibDate(year: 2020, month: 10, day: 14)))
        let sos = try entry(titled: "Neural Sum-of-Squares")
        #expect(sos.abstract?.inlines.contains(.math("100\\times")) == true)
        // Text without math stays one plain run.
        let soups = try entry(titled: "Sparse Model Soups")
        #expect(soups.abstract?.isPlain == true)
    }

    @Test func namesWithParticlesAndInitials() throws {
        let greedy = try entry(titled: "Don't Be Greedy")
        #expect(greedy.authors.names.last == Support.person("Alexandre", "Aspremont", particle: "d'"))
        let canopy = try entry(titled: "Estimating Canopy Height at Scale")
        #expect(canopy.authors.names.last == Support.person("Una M.", "Kelly"))
        #expect(Support.issued(canopy) == "2024-06-03")
        let recon = try entry(titled: "RECON")
        #expect(recon.authors.names[1] == Support.person("David W.", "Romero"))
        let merlin = try entry(titled: "Interpretability Guarantees")
        #expect(merlin.authors.names.first?.family == "Wäldchen".precomposedStringWithCanonicalMapping)
    }

    @Test func datesAcrossTheProfile() {
        let dates = r.entries.compactMap(Support.issued)
        #expect(dates.count == 24)
        #expect(dates == [
            "2026-03-16", "2026-02-24", "2023-06-29", "2022-05-24", "2026-03-16", "2022-06-01", "2026-05-19",
            "2026-04-10", "2025-05-29", "2025-02-20", "2025-01-31", "2025-01-30", "2024-02-19", "2025-12-11",
            "2025-10-16", "2025-10-15", "2025-10-15", "2025-05-19", "2025-02-24", "2024-06-03", "2024-03-19",
            "2023-12-23", "2021-11-01", "2020-10-14",
        ])
        #expect(r.entries.filter { $0.profile("date") != nil }.count == 5)
        #expect(r.entries.filter { $0.profile("code") == "yes" }.count == 3)
    }

    @Test func asOfChangesOnlyInferredYears() {
        let early = Support.read(bytes: Support.bytes(Support.sampleURL), asOf: DateParts(year: 2026, month: 3, day: 15))
        #expect(Support.issued(early.entries[0]) == "2025-03-16", "Mar 16 is after the capture date")
        #expect(Support.issued(early.entries[1]) == "2026-02-24")
        #expect(Support.issued(early.entries[2]) == "2023-06-29")
    }

    @Test func origins() throws {
        let bytes = Support.bytes(Support.sampleURL)
        for e in r.entries {
            let origin = try #require(e.origin)
            let text = String(decoding: bytes[origin.start.offset..<origin.endOffset], as: UTF8.self)
            #expect(text.first?.isNumber == true || text.first?.isUppercase == true)
            #expect(text.hasSuffix(".") || text.hasSuffix("?"), "ends with the abstract")
        }
        let firstEnd = try #require(r.entries.first?.origin?.endOffset)
        let secondStart = try #require(r.entries.dropFirst().first?.origin?.start.offset)
        #expect(firstEnd < secondStart)
    }
}
