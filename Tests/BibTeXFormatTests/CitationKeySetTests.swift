import BibModel
import Testing

@testable import BibTeXFormat
import TestSupport

/// ``CitationKeySet`` must hold what a dictionary of ``BibTeXKeys/folded(_:)`` keys holds (the
/// tables it replaced): the same keys equal (ASCII case ignored, otherwise string equality,
/// canonical equivalence included), the first spelling of each, on many generated keys
/// through the table's growth, with colliding hashes, and past the table's limit.
@Suite("Citation key set")
struct CitationKeySetTests {
    /// Pieces keys are made of: ASCII of both cases (`;` and `` ` `` have a non-ASCII
    /// equivalent), and characters that are not ASCII, some equal to others as strings
    /// (`é` and `e` + U+0301, U+212A KELVIN SIGN and `K`, U+037E and `;`, U+1FEF and `` ` ``).
    static let pieces: [String] = [
        "a", "A", "b", "B", "z", "Z", "0", "9", ":", "-", "_", ";", "`", "@", "[", "{", "\u{7F}",
        "é", "e\u{301}", "É", "E\u{301}", "\u{212A}", "k", "K", "\u{037E}", "\u{1FEF}", "ß", "İ", "ı",
        "日本", "🙂", "Huang2019:", "smith", "SMITH", "VeryLongKeyPrefixForTheEightByteWords",
    ]

    /// A key of 0 to `maxPieces` pieces.
    static func key(_ rng: inout SplitMix64, maxPieces: Int) -> String {
        let n = Int(rng.next() % UInt64(maxPieces + 1))
        var key = ""
        for _ in 0..<n { key += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return key
    }

    /// What the set must say: the dictionary of folded keys it replaced (first index and
    /// spelling of each).
    struct Reference {
        var first: [String: (index: Int, spelling: String)] = [:]
        var count = 0
        mutating func insert(_ key: String) -> (inserted: Bool, index: Int, spelling: String) {
            let folded = BibTeXKeys.folded(key)
            if let found = first[folded] { return (false, found.index, found.spelling) }
            first[folded] = (count, key)
            count += 1
            return (true, count - 1, key)
        }
        func contains(_ key: String) -> Bool { first[BibTeXKeys.folded(key)] != nil }
    }

    /// Inserts `count` generated keys in `set` and the reference, half of them as bytes, and
    /// checks every answer; returns how many keys were new.
    @discardableResult
    static func compare(_ set: inout CitationKeySet, count: Int, seed: UInt64, maxPieces: Int) -> Int {
        var rng = SplitMix64(seed: seed)
        var reference = Reference()
        var spellings: [String] = []
        for i in 0..<count {
            let key = key(&rng, maxPieces: maxPieces)
            let expected = reference.insert(key)
            let got: (inserted: Bool, index: Int)
            if i % 2 == 0 {
                got = set.insert(key)
            } else {
                got = Array(key.utf8).withUnsafeBufferPointer { set.insert($0) { key } }
            }
            #expect(got.inserted == expected.inserted, "key \(i) \(key.debugDescription)")
            #expect(got.index == expected.index, "key \(i) \(key.debugDescription)")
            #expect(set.spelling(at: got.index) == expected.spelling, "key \(i) \(key.debugDescription)")
            if expected.inserted { spellings.append(key) }
            // A probe that may or may not be in the set.
            let probe = Self.key(&rng, maxPieces: maxPieces)
            let found = i % 3 == 0 ? set.contains(probe) : Array(probe.utf8).withUnsafeBufferPointer { set.contains($0) { probe } }
            #expect(found == reference.contains(probe), "probe \(i) \(probe.debugDescription)")
        }
        #expect(set.count == reference.count)
        #expect(set.isEmpty == (reference.count == 0))
        #expect(set.spellings == spellings)
        return reference.count
    }

    @Test("many generated keys: the same answers as a dictionary of folded keys, through the table's growth")
    func generated() {
        var set = CitationKeySet()
        let distinct = Self.compare(&set, count: 40_000, seed: 1, maxPieces: 4)
        // Enough distinct keys for the table to grow many times, and enough repeats to check
        // the keys met before.
        #expect(distinct > 5_000 && distinct < 39_000, "\(distinct) distinct keys")
    }

    @Test("short keys, mostly repeated, and the empty key")
    func short() {
        var set = CitationKeySet()
        Self.compare(&set, count: 5_000, seed: 2, maxPieces: 2)
        #expect(set.contains(""))
        #expect(set.insert("").inserted == false)
    }

    @Test("keys whose hashes collide (only a few bits of the hash kept)", arguments: [UInt32(0), 1, 0xF])
    func collisions(mask: UInt32) {
        var set = CitationKeySet(limit: .max, hashMask: mask)
        Self.compare(&set, count: 3_000, seed: 3, maxPieces: 3)
    }

    @Test("past the table's limit, keys are kept in the dictionary and still found", arguments: [0, 1, 50, 700])
    func limit(_ limit: Int) {
        var set = CitationKeySet(limit: limit)
        Self.compare(&set, count: 4_000, seed: 4, maxPieces: 3)
    }

    @Test("ASCII case is ignored, the first spelling kept; other case and canonical equivalence as strings")
    func equality() {
        var set = CitationKeySet()
        #expect(set.insert("Smith2020") == (true, 0))
        #expect(set.insert("SMITH2020") == (false, 0))
        #expect(set.spelling(at: 0) == "Smith2020")
        // Not ASCII: only the ASCII letters' case is ignored.
        #expect(set.insert("café") == (true, 1))
        #expect(set.insert("CAFé") == (false, 1))
        #expect(set.insert("CAFÉ") == (true, 2))
        #expect(set.insert("cafe\u{301}") == (false, 1))
        // Equal as strings to an ASCII key, in both orders, with the first spelling kept.
        #expect(set.insert("a;b") == (true, 3))
        #expect(set.insert("A\u{037E}B") == (false, 3))
        #expect(set.insert("x\u{1FEF}y") == (true, 4))
        #expect(set.insert("X`Y") == (false, 4))
        #expect(set.spelling(at: 4) == "x\u{1FEF}y")
        #expect(set.contains("x`y") && set.contains("X\u{1FEF}Y") && set.contains("a\u{037E}b"))
        // The KELVIN SIGN is a capital K: equal to "K…", never to a folded ASCII key.
        #expect(set.insert("key") == (true, 5))
        #expect(set.insert("\u{212A}ey") == (true, 6))
        #expect(set.insert("\u{212A}EY") == (false, 6))
        #expect(set.insert("KEY") == (false, 5))
        #expect(set.spellings == ["Smith2020", "café", "CAFÉ", "a;b", "x\u{1FEF}y", "key", "\u{212A}ey"])
        #expect(CitationKeySet.asciiForm("a\u{037E}\u{1FEF}") == Array("a;`".utf8))
        #expect(CitationKeySet.asciiForm("\u{212A}") == nil)
        #expect(CitationKeySet.asciiForm("é") == nil)
    }

    @Test("the hash folds ASCII case, eight bytes at a time and in the tail, and tells ASCII from not")
    func hash() {
        for key in ["", "a", "AbCdEfGh", "AbCdEfGhI", "@[`{Zz", "Huang2019:12345-LONGER-THAN-SIXTEEN"] {
            let lower = Array(key.lowercased().utf8)
            let upper = Array(key.uppercased().utf8)
            let l = lower.withUnsafeBufferPointer { CitationKeySet.hash($0) }
            let u = upper.withUnsafeBufferPointer { CitationKeySet.hash($0) }
            #expect(l.hash == u.hash && l.ascii && u.ascii, "\(key)")
        }
        // `@` `[` `` ` `` `{` are next to the capitals and must not be folded into them.
        let pairs: [(String, String)] = [("@", "`"), ("[", "{"), ("a@", "a`"), ("12345678[", "12345678{")]
        for (a, b) in pairs {
            let ha = Array(a.utf8).withUnsafeBufferPointer { CitationKeySet.hash($0).hash }
            let hb = Array(b.utf8).withUnsafeBufferPointer { CitationKeySet.hash($0).hash }
            #expect(ha != hb, "\(a) \(b)")
        }
        #expect(Array("abcdefgé".utf8).withUnsafeBufferPointer { CitationKeySet.hash($0).ascii } == false)
        #expect(Array("abcdefghé".utf8).withUnsafeBufferPointer { CitationKeySet.hash($0).ascii } == false)
    }

    /// A file whose keys repeat: ignoring ASCII case, and as strings (U+037E is `;`).
    static let repeated = """
        @misc{Doe2020, title = {A}}
        @misc{doe2020, title = {B}}
        @misc{a;b, title = {C}}
        @misc{A\u{037E}B, title = {D}}
        @misc{caf\u{E9}, title = {E}}
        @misc{cafe\u{301}, title = {F}}
        @misc{CAF\u{C9}, title = {G}}

        """

    static let repeatedWarnings = [
        "2:1 citation key 'doe2020' is used by an earlier entry ('Doe2020'; BibTeX compares keys ignoring case); both are kept",
        "4:1 citation key 'A\u{037E}B' is used by an earlier entry ('a;b'; BibTeX compares keys ignoring case); both are kept",
        "6:1 citation key 'cafe\u{301}' is used by an earlier entry; both are kept",
    ]

    static func duplicateKeyWarnings(_ diagnostics: Diagnostics) -> [String] {
        diagnostics.all.filter { $0.code == "bibtex.duplicate-key" }.map {
            "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)"
        }
    }

    @Test("the readers warn about repeated keys with the first spelling, whole and in pieces")
    func readers() throws {
        let bytes = Array(Self.repeated.utf8)
        var whole = Diagnostics()
        _ = try BibTeXReader().read(bytes, source: "k.bib", options: ReadOptions(), diagnostics: &whole)
        #expect(Self.duplicateKeyWarnings(whole) == Self.repeatedWarnings)
        // In pieces cut after each line: the table goes from piece to piece.
        var reader = BibTeXStreamReader(source: "k.bib")
        var streamed = Diagnostics()
        var rest: [UInt8] = []
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            rest += line
            if i < lines.count - 1 { rest.append(0x0A) }
            let used = try reader.read(rest, atEnd: i == lines.count - 1, diagnostics: &streamed) { _ in }
            rest.removeFirst(used)
        }
        #expect(Self.duplicateKeyWarnings(streamed) == Self.repeatedWarnings)
    }

    @Test("the writer suffixes a key equal to an earlier one as a string, as BibTeX compares keys")
    func writerKeys() {
        let keys = ["a;b", "A\u{037E}B", "Doe2020", "DOE2020", "doe2020a", "caf\u{E9}", "cafe\u{301}"]
        let entries = keys.map { Entry(key: $0, type: EntryType(.document), title: "T") }
        let (text, diagnostics) = written(entries, .biblatex)
        #expect(KeyAndLibraryTests.keys(text) == ["a;b", "A\u{037E}Ba", "Doe2020", "DOE2020a", "doe2020aa", "caf\u{E9}", "cafe\u{301}a"])
        #expect(diagnostics.filter { $0.code == "bibtex.duplicate-key" }.count == 4)
    }
}
