import BibModel
import Testing

@testable import ProfileTextFormat
import TestSupport

/// Property test: random profiles rendered as text (random line endings, blank lines,
/// trailing blanks, optional parts) read back to exactly what was generated.
@Suite struct GeneratedProfileTests {
    struct Paper {
        var score: String?
        var subject: String?
        var month: Int
        var day: Int
        var year: Int?
        var code: Bool
        var title: String
        var authors: [(given: String?, family: String)]
        var etAl: Bool
        var abstract: String?
        var url: String?
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let words = ["Sparse", "Neural", "Networks", "Pruning", "via", "Frank-Wolfe", "Learning", "of", "the", "Deep", "LLMs", "Über", "Models", "at", "Scale", "Dynamics"]
    static let givens = ["Max", "Christoph", "Una M.", "Sree Harsha", "Zoë", "Jan", "David W.", "Ada"]
    static let families = ["Zimmer", "Spiegel", "Kelly", "Nelaturu", "Schrödter", "Wäldchen", "Pokutta", "Lovelace"]

    static func pick<T>(_ xs: [T], _ g: inout SplitMix64) -> T { xs[Int(g.next() % UInt64(xs.count))] }
    static func chance(_ g: inout SplitMix64, _ percent: UInt64) -> Bool { g.next() % 100 < percent }

    static func paper(_ g: inout SplitMix64) -> Paper {
        let month = Int(g.next() % 12) + 1
        let day = Int(g.next() % 28) + 1
        var title = (0..<Int(g.next() % 6 + 1)).map { _ in pick(words, &g) }.joined(separator: " ")
        if chance(&g, 20) { title += " with $O(n)$ Cost" }
        let authorCount = Int(g.next() % 4) + 1
        let authors = (0..<authorCount).map { _ in (given: chance(&g, 90) ? pick(givens, &g) : nil, family: pick(families, &g)) }
        var abstract: String?
        var url: String?
        if chance(&g, 80) {
            var a = (0..<Int(g.next() % 30 + 5)).map { _ in pick(words, &g) }.joined(separator: " ") + "."
            if chance(&g, 30) {
                url = "https://github.com/x/" + pick(families, &g)
                a += " Code is available at \(url ?? "")."
            }
            abstract = a
        }
        return Paper(
            score: chance(&g, 40) ? "\(g.next() % 100).\(g.next() % 10)" : nil,
            subject: chance(&g, 90) ? pick(["LG", "CV", "CL", "AG", "ML", "OC"], &g) : nil,
            month: month, day: day, year: chance(&g, 60) ? 2000 + Int(g.next() % 26) : nil,
            code: chance(&g, 30), title: title, authors: authors, etAl: chance(&g, 50),
            abstract: abstract, url: url)
    }

    static func render(_ papers: [Paper], _ g: inout SplitMix64) -> String {
        let eol = pick(["\n", "\r\n", "\r"], &g)
        func blank() -> String { String(repeating: eol, count: Int(g.next() % 3) + 1) }
        func pad() -> String { pick(["", " ", "\t", "  \t"], &g) }
        var out = "Max Zimmer" + pad() + eol + blank() + "LG" + eol + "h-index29" + eol + "\(papers.count)papers" + eol
            + blank() + "\(papers.count) Papers" + eol + blank()
        for p in papers {
            var meta = (p.score ?? "") + (p.subject ?? "") + "\(months[p.month - 1]) \(p.day)"
            if let y = p.year { meta += ", \(y)" }
            if p.code { meta += "Code" }
            out += meta + pad() + eol
            if chance(&g, 15) { out += blank() }
            // Titles wrap at a space now and then.
            if chance(&g, 20), let space = p.title.firstIndex(of: " ") {
                out += p.title[..<space] + pad() + eol + p.title[p.title.index(after: space)...] + eol
            } else {
                out += p.title + pad() + eol
            }
            out += blank()
            let names = p.authors.map { [$0.given, $0.family].compactMap { $0 }.joined(separator: " ") }
            out += names.joined(separator: ", ") + (p.etAl ? " et al." : "") + pad() + eol + blank()
            if let a = p.abstract { out += a + pad() + eol + blank() }
        }
        return out
    }

    @Test(arguments: 0..<40)
    func readsWhatWasGenerated(seed: Int) throws {
        var g = SplitMix64(seed: UInt64(seed) &* 7919 &+ 17)
        let papers = (0..<Int(g.next() % 8)).map { _ in Self.paper(&g) }
        let text = Self.render(papers, &g)
        let r = Support.read(text)
        let expectedCodes = papers.isEmpty ? ["profile.no-papers"] : []
        #expect(r.codes() == expectedCodes, "\(r.diagnostics.map(\.message))\n\(text)")
        try #require(r.entries.count == papers.count, "\(text)")
        #expect(r.library.metadata.properties[FieldKey("profile", "paper-count")] == "\(papers.count)")
        for (p, e) in zip(papers, r.entries) {
            #expect(e.title?.plainText == p.title.replacingOccurrences(of: "$", with: "").precomposedStringWithCanonicalMapping)
            #expect(e.authors.truncated == p.etAl)
            #expect(e.authors.names.map(\.family) == p.authors.map { $0.family.precomposedStringWithCanonicalMapping })
            #expect(e.authors.names.map(\.given) == p.authors.map { $0.given?.precomposedStringWithCanonicalMapping })
            #expect(e.profile("score") == p.score)
            #expect(e.profile("subject") == p.subject)
            #expect(e.profile("code") == (p.code ? "yes" : nil))
            let date = try #require(e.issued?.typed?.start)
            #expect(date.month == p.month && date.day == p.day)
            if let y = p.year {
                #expect(date.year == y)
                #expect(e.profile("date") == nil)
            } else {
                #expect(date <= Support.asOf && date > DateParts(year: 2025, month: 11, day: 24))
                #expect(e.profile("date") == "\(Self.months[p.month - 1]) \(p.day)")
            }
            #expect(e.abstract?.plainText == p.abstract?.precomposedStringWithCanonicalMapping)
            #expect(e.links.map(\.url) == (p.url.map { [$0] } ?? []))
            #expect(e.links.allSatisfy { $0.kind == .code })
        }
    }
}
