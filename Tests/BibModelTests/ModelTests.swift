import Testing

@testable import BibModel

@Suite struct LineIndexTests {
    @Test func locatesOffsetsAcrossLineEndings() {
        let bytes = Array("ab\ncd\r\nef\rgh".utf8)
        let index = LineIndex(file: "f", bytes: bytes)
        #expect(index.lineStarts == [0, 3, 7, 10])
        #expect(index.location(ofOffset: 0).description == "f:1:1")
        #expect(index.location(ofOffset: 4).description == "f:2:2")
        #expect(index.location(ofOffset: 7).description == "f:3:1")
        #expect(index.location(ofOffset: 11).description == "f:4:2")
        #expect(index.byteRange(ofLine: 2, in: bytes) == 3..<5)
        #expect(index.byteRange(ofLine: 9, in: bytes) == nil)
    }

    @Test func columnsCountUTF8Bytes() {
        let bytes = Array("é x".utf8)
        let index = LineIndex(file: "f", bytes: bytes)
        #expect(index.location(ofOffset: 3).column == 4)
    }
}

@Suite struct DateTests {
    @Test(arguments: [
        ("2023", DateParts(year: 2023)),
        ("2023-06", DateParts(year: 2023, month: 6)),
        ("2023-06-29", DateParts(year: 2023, month: 6, day: 29)),
        ("2024-02-29", DateParts(year: 2024, month: 2, day: 29)),
    ])
    func parsesISO(text: String, expected: DateParts) {
        #expect(DateParts(iso8601: text) == expected)
        #expect(DateParts(iso8601: text)?.iso8601 == text)
    }

    @Test(arguments: ["", "23", "2023-6", "2023-13", "2023-02-29", "2023-06-31", "2023-06-29-1", "abcd", "2023/06"])
    func rejectsBadISO(text: String) {
        #expect(DateParts(iso8601: text) == nil)
    }

    @Test func edtfForms() {
        #expect(BibDate(year: 2020).edtf == "2020")
        #expect(BibDate(from: DateParts(year: 2019), to: DateParts(year: 2021)).edtf == "2019/2021")
        #expect(BibDate(from: DateParts(year: 2019), to: nil).edtf == "2019/..")
        #expect(BibDate(DateParts(year: 2020), circa: true).edtf == "2020~")
        #expect(BibDate(DateParts(year: 2020), uncertain: true).edtf == "2020?")
        #expect(BibDate(from: nil, to: DateParts(year: 1990)).year == 1990)
    }

    @Test func dayWithoutMonthIsDropped() {
        #expect(DateParts(year: 2020, month: nil, day: 5).day == nil)
    }
}

@Suite struct RichTextTests {
    @Test func mergesAdjacentTextAndFlattens() {
        let t = RichText([.text("a"), .text("b"), .italic([.text("c")]), .math("x^2"), .text("")])
        #expect(t.inlines == [.text("ab"), .italic([.text("c")]), .math("x^2")])
        #expect(t.plainText == "abcx^2")
        #expect(!t.isPlain)
        #expect(RichText("plain").isPlain)
        #expect(RichText("").isEmpty)
    }
}

@Suite struct NameTests {
    @Test func displayAndParticles() {
        let n = PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'")
        #expect(n.familyWithParticle == "d'Aspremont")
        #expect(n.displayName == "Alexandre d'Aspremont")
        let v = PersonName(family: "Beethoven", given: "Ludwig", nonDroppingParticle: "van")
        #expect(v.displayName == "Ludwig van Beethoven")
        let j = PersonName(family: "King", given: "Martin Luther", suffix: "Jr.")
        #expect(j.displayName == "Martin Luther King Jr.")
        #expect(PersonName.literal("World Health Organization").displayName == "World Health Organization")
    }
}

@Suite struct KeyTests {
    func entry(_ family: String, _ year: Int?, _ title: String) -> Entry {
        var e = Entry(type: EntryType(.article), title: RichText(title))
        e.authors = NameList([PersonName(family: family, given: "A")])
        if let year { e.issued = .typed(BibDate(year: year)) }
        return e
    }

    @Test(arguments: [
        ("Zimmer", 2023, "Sparse Model Soups: A Recipe", "zimmer2023sparse"),
        ("Muhtar", 2026, "When Does Sparsity Mitigate the Curse of Depth in LLMs", "muhtar2026sparsity"),
        ("Schrödter", 2024, "The ECHOSAT map", "schrodter2024echosat"),
        ("Wäldchen", 2022, "Interpretability Guarantees", "waldchen2022interpretability"),
        ("Erdős", 1947, "On a Problem", "erdos1947problem"),
    ])
    func baseKeys(family: String, year: Int, title: String, expected: String) {
        #expect(CitationKeyGenerator().baseKey(for: entry(family, year, title)) == expected)
    }

    @Test func keyWithoutAnything() {
        #expect(CitationKeyGenerator().baseKey(for: Entry(type: EntryType(.book))) == "entry")
    }

    @Test func uniqueSuffixesAndExistingKeysKept() {
        var lib = Library(entries: [
            entry("Zimmer", 2023, "Sparse Soups"), entry("Zimmer", 2023, "Sparse Models"),
            entry("Zimmer", 2023, "Sparse again"),
        ])
        var kept = entry("Zimmer", 2023, "Sparse")
        kept.key = "zimmer2023sparse"
        lib.entries.insert(kept, at: 0)
        CitationKeyGenerator().assignMissingKeys(in: &lib)
        #expect(lib.entries.map { $0.key } == ["zimmer2023sparse", "zimmer2023sparsea", "zimmer2023sparseb", "zimmer2023sparsec"])
    }

    @Test func uniqueKeysCountPerBase() {
        var keys = UniqueKeys()
        #expect(keys.unique("k") == "k")
        #expect(keys.unique("K") == "Ka")
        let reserved = keys.reserve("kb")
        #expect(reserved)
        #expect(keys.unique("k") == "kc")
        var sensitive = UniqueKeys(caseSensitive: true)
        #expect(sensitive.unique("k") == "k")
        #expect(sensitive.unique("K") == "K")
    }

    @Test func suffixSequence() {
        #expect(CitationKeyGenerator.suffix(0) == "a")
        #expect(CitationKeyGenerator.suffix(25) == "z")
        #expect(CitationKeyGenerator.suffix(26) == "aa")
        #expect(CitationKeyGenerator.suffix(27) == "ab")
    }

    @Test func asciiFolding() {
        #expect("Schrödter Wäldchen Erdős straße Øster Łódź".asciiFolded == "Schrodter Waldchen Erdos strasse Oster Lodz")
    }
}

@Suite struct EntryEqualityTests {
    @Test func originIsIgnored() {
        var a = Entry(key: "k", type: EntryType(.book), title: "T")
        var b = a
        a.origin = SourceRange(start: SourceLocation(file: "a", line: 1, column: 1, offset: 0), endOffset: 5)
        b.origin = nil
        #expect(a == b)
        b.title = "U"
        #expect(a != b)
    }
}

@Suite struct EnumOrdinalTests {
    /// `ordinal` reads the case number; it must be the declaration order, which is what
    /// `Field`'s ordering, equality and hashing (and the writers' canonical order) rely on.
    @Test func fieldOrdinalsAreDeclarationOrder() {
        #expect(MemoryLayout<Field>.size == 1)
        #expect(Field.allCases.map(\.ordinal) == Array(0..<Field.allCases.count))
        #expect(Field.volume < Field.issue && !(Field.issue < Field.volume) && !(Field.page < Field.page))
        #expect(Field.allCases.sorted(by: >).reversed().elementsEqual(Field.allCases))
        #expect(Set(Field.allCases).count == Field.allCases.count)
        #expect(Field(rawValue: "publisher") == .publisher && Field.publisher != .publisherPlace)
    }

    @Test func workTypeOrdinalsAreDeclarationOrder() {
        #expect(MemoryLayout<WorkType>.size == 1)
        #expect(WorkType.allCases.map(\.ordinal) == Array(0..<WorkType.allCases.count))
        #expect(Set(WorkType.allCases).count == WorkType.allCases.count)
        let byType = Dictionary(uniqueKeysWithValues: WorkType.allCases.map { ($0, $0.rawValue) })
        #expect(WorkType.allCases.allSatisfy { byType[$0] == $0.rawValue })
        #expect(WorkType(rawValue: "thesis") == .thesis && WorkType.thesis != .treaty)
    }
}

/// Several inputs read into one library: the comments of each stay in order; the leading
/// ones of the second still lead only when nothing of the first came before them.
@Suite struct LibraryCommentMergeTests {
    static func library(comments: [BibComment], leading: Int, trailing: [BibComment], macros: Bool = false) -> Library {
        Library(
            entries: [Entry(key: "k", type: EntryType(.document), precedingComments: ["before k"])],
            metadata: CollectionMetadata(
                macros: macros ? ["j": "J"] : [:], comments: comments, leadingComments: leading, trailingComments: trailing))
    }

    @Test func appendKeepsEveryCommentInOrder() {
        var a = Self.library(comments: ["a1", "a2"], leading: 2, trailing: ["a-end"])
        a.append(contentsOf: Self.library(comments: ["b1", "b2"], leading: 1, trailing: ["b-end"]))
        #expect(a.metadata.comments == ["a1", "a2", "b1", "b2"])
        // All of a's comments lead and a has no @preamble or @string: b's leading one leads too.
        #expect(a.metadata.leadingComments == 3)
        #expect(a.metadata.trailingComments == ["a-end", "b-end"])
        #expect(a.metadata.commentCount == 6)
        #expect(a.entries.map(\.precedingComments) == [["before k"], ["before k"]])

        // After a's @string (or a comment of a's that does not lead) nothing of b's leads.
        var withMacros = Self.library(comments: ["a1"], leading: 1, trailing: [], macros: true)
        withMacros.append(contentsOf: Self.library(comments: ["b1"], leading: 1, trailing: []))
        #expect(withMacros.metadata.leadingComments == 1)
        var notLeading = Self.library(comments: ["a1", "a2"], leading: 1, trailing: [])
        notLeading.append(contentsOf: Self.library(comments: ["b1"], leading: 1, trailing: []))
        #expect(notLeading.metadata.leadingComments == 1)
    }
}
