import BibModel
import Foundation
import Testing

@testable import BibTeXFormat
import TestSupport

@Suite("Case protection in titles")
struct CaseProtectionTests {
    static let titles: [(String, String)] = [
        ("Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging",
         "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"),
        ("When Does Sparsity Mitigate the Curse of Depth in LLMs", "When Does Sparsity Mitigate the Curse of Depth in {LLMs}"),
        ("ECHOSAT: Estimating Canopy Height Over Space And Time", "{ECHOSAT}: Estimating Canopy Height Over Space And Time"),
        ("Training on the GPU", "Training on the {GPU}"),
        ("Compression-aware Training using Frank-Wolfe", "Compression-aware Training using {Frank-Wolfe}"),
        ("Merlin-Arthur Classifiers", "{Merlin-Arthur} Classifiers"),
        ("T-Curves and Their Uses", "{T-Curves} and Their Uses"),
        ("Using an iPhone", "Using an {iPhone}"),
        ("3D Reconstruction from 2D Images", "{3D} Reconstruction from {2D} Images"),
        ("state-of-the-art results", "state-of-the-art results"),
        ("A Title", "A Title"),
        ("Results of 2023", "Results of 2023"),
        ("What are (LLMs), really?", "What are ({LLMs}), really?"),
        ("GPT-4 and ResNet50", "{GPT-4} and {ResNet50}"),
        ("McDonald's Theorem", "{McDonald's} Theorem"),
        ("ALL CAPS TITLE", "{ALL} {CAPS} {TITLE}"),
        ("Schrödinger Equations in QFT", #"Schr{\"o}dinger Equations in {QFT}"#),
        ("ÉCOLE and Über", #"{{\'E}COLE} and {\"U}ber"#),
        ("R&D for AI", #"{R\&D} for {AI}"#),
    ]

    @Test("words with inner capitals, all-caps words and digit-letter words are protected", arguments: titles)
    func protection(_ pair: (String, String)) {
        let out = encoded(pair.0, title: true)
        #expect(out == pair.1)
        // Never the whole title: some space stays outside all braces.
        var depth = 0
        var topLevelSpace = false
        for b in out.utf8 {
            if b == UInt8(ascii: "{") { depth += 1 } else if b == UInt8(ascii: "}") { depth -= 1 }
            if b == 0x20 && depth == 0 { topLevelSpace = true }
        }
        #expect(topLevelSpace)
    }

    @Test("the word test on its own")
    func needsProtection() {
        #expect(CaseProtection.needsProtection("LLMs"))
        #expect(CaseProtection.needsProtection("Frank-Wolfe"))
        #expect(CaseProtection.needsProtection("x86"))
        #expect(!CaseProtection.needsProtection("Model"))
        #expect(!CaseProtection.needsProtection("I"))
        #expect(!CaseProtection.needsProtection("2023"))
        #expect(!CaseProtection.needsProtection("--"))
    }

    @Test("title and shorttitle are protected; journal and booktitle are not")
    func whichFields() {
        let entry = Entry(
            key: "k", type: EntryType(.articleJournal), title: "Deep Learning for NLP", shortTitle: "NLP",
            container: Level(title: "IEEE Transactions on Pattern Analysis"))
        let f = fields(of: entry)
        #expect(f["title"] == "Deep Learning for {NLP}")
        #expect(f["shorttitle"] == "{NLP}")
        #expect(f["journal"] == "IEEE Transactions on Pattern Analysis")
        let chapter = Entry(
            key: "c", type: EntryType(.paperConference), title: "X", container: Level(title: "Proceedings of ICML"))
        #expect(fields(of: chapter)["booktitle"] == "Proceedings of ICML")
    }

    /// BibTeX itself, with plain.bst's title handling (`"t" change.case$`), must keep the
    /// protected words and lower-case the rest.
    @Test("BibTeX's change.case$ keeps exactly the protected words", .enabled(if: onPath("bibtex")))
    func realBibTeX() throws {
        let entry = Entry(
            key: "k", type: EntryType(.articleJournal),
            contributors: [.author: NameList([person("Doe", "Jane")])],
            title: RichText([
                .text("ECHOSAT and LLMs via Frank-Wolfe: A "), .math(#"\Delta"#), .text("-Method for α-Stable "),
                .caseProtected([.text("Python")]), .text(" Code on the iPhone"),
            ]),
            dates: [.issued: .typed(BibDate(year: 2020))], container: Level(title: "J"),
            fields: [.volume: "1", .page: "1"])
        let bbl = try runBibTeX(style: "plain", bib: written([entry]).text)
        let expected =
            #"{ECHOSAT} and {LLMs} via {Frank-Wolfe}: A {$\Delta$}-method for {{\ensuremath{\alpha}}-Stable} {Python} code on the {iPhone}"#
        let flat = bbl.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(flat.contains(expected), "\(bbl)")
    }
}

/// Runs BibTeX on a `.bib` text with a style (a file name in the TeX tree, or a `.bst` text
/// to write beside it) and returns the `.bbl`.
func runBibTeX(style: String, bib: String, bst: String? = nil) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bibkit-bibtex-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try bib.write(to: dir.appendingPathComponent("refs.bib"), atomically: true, encoding: .utf8)
    if let bst { try bst.write(to: dir.appendingPathComponent(style + ".bst"), atomically: true, encoding: .utf8) }
    try "\\relax\n\\citation{*}\n\\bibstyle{\(style)}\n\\bibdata{refs}\n"
        .write(to: dir.appendingPathComponent("doc.aux"), atomically: true, encoding: .utf8)
    let result = try Shell.run(["bibtex", "doc"], in: dir)
    let log = result.output
    #expect(result.status == 0, "\(log)")
    #expect(!log.contains("Warning--"), "\(log)")
    return try String(contentsOf: dir.appendingPathComponent("doc.bbl"), encoding: .utf8)
}
