import BibModel
import Testing

@testable import CSLJSONFormat

@Suite struct JSONParserTests {
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(bytes: Array(text.utf8))
        return try p.parseValue()
    }

    @Test func parsesScalarsAndKeepsNumberText() throws {
        #expect(try Self.parse("null").value == .null)
        #expect(try Self.parse(" true ").value == .bool(true))
        #expect(try Self.parse("-0.50e+3").value == .number("-0.50e+3"))
        #expect(try Self.parse("12").isInteger)
        #expect(try !Self.parse("1.0").isInteger)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let node = try Self.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00é""#)
        #expect(node.string == "a\"b\\c/d\n\té😀é")
    }

    @Test func keepsMemberOrderAndOffsets() throws {
        let text = #"{"b": 1, "a": [true, {"x": "y"}]}"#
        let node = try Self.parse(text)
        #expect(node.members?.map(\.key) == ["b", "a"])
        #expect(node.members?[1].keyStart == 9)
        #expect(node["a"]?.start == 14)
        #expect(node.end == text.utf8.count)
    }

    @Test(arguments: [
        (#"{"a" 1}"#, 5, "expected ':'"),
        (#""abc"#, 0, "unterminated string"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("tru", 0, "expected 'true'"),
        ("01", 0, "leading zero"),
        ("1.", 2, "after '.'"),
        (#""\x""#, 1, "invalid escape"),
        ("\"a\nb\"", 2, "control character"),
        (#"{"a": }"#, 6, "expected a value"),
        ("[", 1, "expected a value"),
        (#"{1: 2}"#, 1, "expected a string key"),
        (#""\u12G4""#, 1, "four hexadecimal digits"),
    ])
    func reportsTheExactOffset(text: String, offset: Int, message: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.offset == offset, "\(text): \(error.message)")
            #expect(error.message.contains(message), "\(text): \(error.message)")
        }
    }

    @Test func repairsTrailingCommasInvalidUTF8AndLoneSurrogates() throws {
        var p = JSONParser(bytes: Array(#"[1, {"a": "\ud800x",}, ]"#.utf8))
        let node = try p.parseValue()
        #expect(node.elements?.count == 2)
        #expect(node.elements?[1]["a"]?.string == "\u{FFFD}x")
        #expect(p.repaired.count == 3)

        var bad = JSONParser(bytes: [0x22, 0x61, 0xFF, 0x62, 0x22])
        #expect(try bad.parseValue().string == "a\u{FFFD}b")
        #expect(bad.repaired.first?.message.contains("UTF-8") == true)
    }

    @Test func capsNesting() {
        let deep = String(repeating: "[", count: 100_000)
        var p = JSONParser(bytes: Array(deep.utf8))
        do {
            _ = try p.parseValue()
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("nesting deeper than 512"))
            #expect(error.offset == 512)
        }
    }
}

@Suite struct JSONEmitterTests {
    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let text = JSONEmitter.compactText(.string("a\"b\\c\n\r\t\u{8}\u{C}\u{1}\u{1F}/é😀\u{7F}"))
        #expect(text == #""a\"b\\c\n\r\t\b\f\u0001\u001f/é😀"# + "\u{7F}\"")
    }

    @Test func escapesAtEveryPositionAndLength() {
        // The escaper skips eight bytes at a time: a byte to escape must be found wherever it
        // falls, in strings of any length.
        func reference(_ bytes: [UInt8]) -> String {
            var out = "\""
            for b in bytes {
                switch b {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                case 0..<0x20: out += "\\u00" + (b < 0x10 ? "0" : "") + String(b, radix: 16)
                default: out += String(UnicodeScalar(b))
                }
            }
            return out + "\""
        }
        var mismatches: [[UInt8]] = []
        for length in 0...40 {
            for special: UInt8 in [0x22, 0x5C, 0x0A, 0x01, 0x1F] {
                for position in -1..<length {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if position >= 0 { bytes[position] = special }
                    if length > 3 { bytes[length - 1] = position == length - 1 ? special : UInt8(ascii: "z") }
                    var emitter = JSONEmitter(pretty: false)
                    bytes.withUnsafeBufferPointer { emitter.emitEscaped($0) }
                    if String(decoding: emitter.bytes, as: UTF8.self) != reference(bytes) { mismatches.append(bytes) }
                }
            }
        }
        #expect(mismatches.count == 0, "first: \(mismatches.first ?? [])")
    }

    @Test func writesCompactAndPrettyLayouts() {
        let value = JSONOutput.array([
            .object([
                JSONOutputMember("id", .string("x")), JSONOutputMember("parts", .array([.array([.integer(2020), .integer(1)])])),
                JSONOutputMember("names", .array([.object([JSONOutputMember("family", .string("F"))])])),
                JSONOutputMember("empty", .object([])), JSONOutputMember("none", .array([])),
            ])
        ])
        #expect(JSONEmitter.compactText(value) == #"[{"id":"x","parts":[[2020,1]],"names":[{"family":"F"}],"empty":{},"none":[]}]"#)
        var pretty = JSONEmitter(pretty: true)
        pretty.emit(value)
        #expect(String(decoding: pretty.bytes, as: UTF8.self) == """
            [
              {
                "id": "x",
                "parts": [[2020, 1]],
                "names": [
                  {
                    "family": "F"
                  }
                ],
                "empty": {},
                "none": []
              }
            ]
            """)
    }

    @Test func writesKeysUnescapedExactlyAsTheEscapingPathDoes() {
        // The writer writes its member keys without the escaping scan: every key it can
        // write must need none, and `memberKey` must write what the general path writes.
        var keys = Set(CSLVariables.kinds.keys)
        keys.formUnion(CSLVariables.fieldVariables.compactMap(\.variable))
        keys.formUnion(CSLVariables.identifierVariables.map(\.variable))
        keys.formUnion(CSLVariables.levelNameVariables.map(\.variable))
        keys.formUnion(CSLCustomKey.all)
        keys.formUnion(["custom", "date-parts", "family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal"])
        for key in keys.sorted() {
            #expect(JSONEmitter.needsNoEscaping(key), "\(key)")
        }
        #expect(!JSONEmitter.needsNoEscaping("a\"b") && !JSONEmitter.needsNoEscaping("a\\b") && !JSONEmitter.needsNoEscaping("a\tb"))
        for pretty in [false, true] {
            for level in 0...4 {
                for first in [true, false] {
                    for key in keys.sorted() + ["", "é"] {
                        var fast = JSONEmitter(pretty: pretty)
                        fast.byte(UInt8(ascii: "{"))
                        fast.memberKey(key, first: first, level: level)
                        var general = JSONEmitter(pretty: pretty)
                        general.byte(UInt8(ascii: "{"))
                        if !first { general.byte(UInt8(ascii: ",")) }
                        if pretty { general.newline(level) }
                        general.emitString(key)
                        general.byte(UInt8(ascii: ":"))
                        if pretty { general.byte(0x20) }
                        #expect(fast.bytes == general.bytes, "\(key) \(pretty) \(level) \(first)")
                    }
                }
            }
        }
    }

    @Test func growsWhileEscapingAndStartsAgainAfterTake() {
        // Each escaped byte takes more room than the unescaped text planned: long runs of
        // them make the buffer grow in the middle of a string.
        var emitter = JSONEmitter(pretty: false, reserving: 3)
        let controls = [UInt8](repeating: 0x01, count: 1000) + Array("tail\"".utf8)
        controls.withUnsafeBufferPointer { emitter.emitEscaped($0) }
        let expected = "\"" + String(repeating: "\\u0001", count: 1000) + "tail\\\"\""
        #expect(String(decoding: emitter.take(), as: UTF8.self) == expected)
        #expect(emitter.count == 0)
        emitter.emitString("x")
        #expect(emitter.take() == Array("\"x\"".utf8))
        // An emitter that never wrote has no bytes; one made without capacity grows on demand.
        var empty = JSONEmitter(pretty: true)
        #expect(empty.take() == [])
        for i in 0..<300 { empty.appendInteger(i) }
        #expect(String(decoding: empty.bytes, as: UTF8.self) == (0..<300).map(String.init).joined())
    }

    @Test func takeAllHandsOutTheBytesAndFreesTheMemory() {
        var emitter = JSONEmitter(pretty: false, reserving: 8)
        emitter.emitString("a\"b")
        #expect(emitter.takeAll() == Array(#""a\"b""#.utf8))
        #expect(emitter.count == 0 && emitter.bytes.isEmpty)
        emitter.emitString("again")
        #expect(emitter.takeAll() == Array(#""again""#.utf8))
        #expect(emitter.takeAll() == [])
    }

    @Test func aCopyThatGrowsTakesMemoryOfItsOwn() {
        var original = JSONEmitter(pretty: false, reserving: 8)
        original.emitString("ab")
        var copy = original
        // The copy outgrows the shared block (8 bytes) several times over; the original's
        // memory must stay where it was, with its bytes.
        let long = String(repeating: "x", count: 5_000)
        copy.emitString(long)
        #expect(original.writesIntoItsStorage && copy.writesIntoItsStorage)
        #expect(copy.bytes == Array(#""ab""#.utf8) + Array("\"\(long)\"".utf8))
        #expect(original.bytes == Array(#""ab""#.utf8))
        original.emitString(long)
        #expect(original.bytes == copy.bytes)
        // The original now grows alone (nobody else holds its block) and keeps its bytes.
        original.emitString(long)
        #expect(original.bytes.count == copy.bytes.count + long.utf8.count + 2)
    }

    @Test func writesIntegersAsStringDoes() {
        var values = [0, 1, -1, 9, 10, -10, 99, 100, 2019, -2500, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<200 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Int(truncatingIfNeeded: x) >> Int(x % 60))
        }
        for v in values {
            var emitter = JSONEmitter(pretty: false)
            emitter.appendInteger(v)
            #expect(String(decoding: emitter.bytes, as: UTF8.self) == String(v))
        }
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"a":[1,-2.5e3,"s",true,false,null,{"b":[]}],"c":"\u0000"}"#
        var p = JSONParser(bytes: Array(text.utf8))
        let node = try p.parseValue()
        #expect(JSONEmitter.compactText(JSONOutput(node)) == text)
    }
}

@Suite struct MarkupIntoEmitterTests {
    /// The writer renders rich text straight into the output: the bytes must be those of the
    /// markup string escaped, for every kind of inline, with either math form.
    @Test func directMarkupIsTheEscapedMarkupString() {
        var g = EntryGenerator(seed: 0xC0DE_F00D)
        var texts: [RichText] = (0..<600).map { _ in g.rich() }
        texts += [
            RichText([.code("a\"b"), .link(url: "https://x", [.text("t\\")]), .raw(format: "latex", "\\x\n")]),
            RichText(""), RichText([.math("x^2")]), RichText([.caseProtected([.math("\\alpha")])]),
            RichText([.caseProtected([.math("\\notacommand{")])]), RichText([.math("\\frac{1}{2} \"q\"")]),
            RichText([.smallCaps([.text("Sc")]), .italic([.bold([.superscript([.text("\u{1}")])])])]),
        ]
        var typesetSeen = false
        var cache = MathTypesetCache()
        for text in texts {
            for form in [CSLMarkup.MathForm.tex, .typeset] {
                var stringLosses = CSLMarkup.Losses()
                var stringTypeset = false
                let markup = CSLMarkup.render(text, math: form, losses: &stringLosses, typeset: &stringTypeset)
                var expected = JSONEmitter(pretty: false)
                expected.emitString(markup)
                var directLosses = CSLMarkup.Losses()
                var directTypeset = false
                var direct = JSONEmitter(pretty: false)
                direct.byte(UInt8(ascii: "\""))
                // Through a cache shared by all the texts, as the writer's (the string form
                // typesets without one).
                CSLMarkup.render(text, math: form, losses: &directLosses, typeset: &directTypeset, cache: &cache, into: &direct)
                direct.byte(UInt8(ascii: "\""))
                #expect(direct.bytes == expected.bytes, "\(text)")
                #expect(directLosses.rawValue == stringLosses.rawValue && directTypeset == stringTypeset)
                typesetSeen = typesetSeen || directTypeset
            }
        }
        #expect(typesetSeen)
    }
}

@Suite struct DirectNameObjectTests {
    /// Top-level name variables are written straight from the names; names in roles CSL
    /// has no variable for go through ``JSONOutput`` into `custom.names`. Both must write the
    /// same array for any name (parts missing, empty or present).
    @Test func namesWrittenDirectlyMatchTheTreePath() throws {
        var g = EntryGenerator(seed: 0xA11_CE)
        func part() -> String? {
            switch g.int(4) {
            case 0: return nil
            case 1: return ""
            case 2: return " "
            default: return g.string()
            }
        }
        var lists: [[PersonName]] = []
        for _ in 0..<300 {
            lists.append((0..<(1 + g.int(4))).map { _ in
                PersonName(family: part(), given: part(), droppingParticle: part(), nonDroppingParticle: part(), suffix: part(), literal: part())
            })
        }
        lists.append([PersonName(given: "Only"), PersonName(), PersonName(literal: "")])
        for (i, names) in lists.enumerated() {
            var entry = Entry(type: EntryType(.book))
            entry.key = "k\(i)"
            entry.contributors[.author] = NameList(names)
            entry.contributors[ContributorRole("not-a-csl-role")] = NameList(names)
            let (bytes, diagnostics) = Support.write(Library(entries: [entry]), pretty: false)
            var parser = JSONParser(bytes: bytes)
            let item = try #require(try parser.parseValue().elements?.first)
            let tree = item["custom"]?["names"]?["not-a-csl-role"]
            guard let direct = item["author"] else {
                // Every name skipped: no `author`, and an empty array in `custom`.
                #expect(tree?.elements?.isEmpty == true, "\(names)")
                continue
            }
            let treeNode = try #require(tree)
            #expect(bytes[direct.start..<direct.end] == bytes[treeNode.start..<treeNode.end], "\(names)")
            let byField = Dictionary(grouping: diagnostics.all, by: { $0.field ?? "" })
            func codes(_ field: String) -> [String] { (byField[field] ?? []).map { "\($0.severity) \($0.code)" } }
            #expect(codes("author") == codes("not-a-csl-role"), "\(names)")
        }
    }
}

@Suite struct WriterShortcutTests {
    /// `addExtraCustom` skips the reserved-key lookup for keys with a colon.
    @Test func modelKeysHaveNoColon() {
        for key in CSLCustomKey.all { #expect(!key.contains(":"), "\(key)") }
    }

    /// The ASCII test of `keywordsSplitBack` must agree with splitting the joined text.
    @Test func keywordsSplitBackAgreesWithTheSplit() {
        var g = EntryGenerator(seed: 0xBEEF)
        var lists: [[String]] = [[], [""], [" a"], ["a "], ["a,b"], ["é"], ["a", "b c"], ["\u{85}x"], ["x\u{A0}"], ["a\tb"]]
        for _ in 0..<500 { lists.append((0..<(1 + g.int(4))).map { _ in g.string(6) }) }
        for keywords in lists {
            let joined = keywords.joined(separator: ", ")
            #expect(CSLItemWriter.keywordsSplitBack(keywords, joined: joined) == (CSLItemWriter.splitKeywords(joined) == keywords), "\(keywords)")
        }
    }

    /// The role and field shortcuts agree with the tables they stand for.
    @Test func roleAndFieldShortcutsAgreeWithTheTables() {
        let names = Array(CSLVariables.kinds.keys) + ["", "Author", "authors", "x-editor", "issued ", "container-author"]
        for name in names {
            #expect(CSLItemWriter.isNameVariable(ContributorRole(name)) == (CSLVariables.kinds[name] == .names), "\(name)")
            #expect(CSLItemWriter.isDateVariable(DateRole(name)) == (CSLVariables.kinds[name] == .date), "\(name)")
        }
        // writeFields walks the table by ordinal, lowest bit first.
        #expect(CSLVariables.fieldVariables.count <= 64)
        for (i, row) in CSLVariables.fieldVariables.enumerated() { #expect(row.field.ordinal == i, "\(row.field)") }
        for field in CSLItemWriter.derivableFields { #expect(CSLItemWriter.derivableMask & (1 << UInt64(field.ordinal)) != 0) }
        #expect(CSLItemWriter.derivableMask.nonzeroBitCount == CSLItemWriter.derivableFields.count)
    }

    /// `keyword` is written piece by piece: it must read back as the joined keywords.
    @Test func keywordsWrittenPieceByPieceAreTheJoinedText() throws {
        var g = EntryGenerator(seed: 0xFEED)
        for i in 0..<200 {
            var entry = Entry(type: EntryType(.book))
            entry.key = "k\(i)"
            entry.keywords = (0..<(1 + g.int(4))).map { _ in g.string(6) }
            let (bytes, _) = Support.write(Library(entries: [entry]), pretty: i % 2 == 0)
            var parser = JSONParser(bytes: bytes)
            let item = try #require(try parser.parseValue().elements?.first)
            #expect(item["keyword"]?.string == entry.keywords.joined(separator: ", "))
        }
    }

    /// Typesetting through the cache gives what typesetting does, first time and again.
    @Test func mathCacheGivesTheTypesetterResult() {
        let formulas = ["\\alpha", "\\beta", "\\leq", "O(n \\log n)", "x^2", "\\notacommand", "a_{i}", "{", "", " ",
            "\\frac{1}{2}", String(repeating: "x+", count: 40) + "y"]
        var cache = MathTypesetCache()
        for _ in 0..<3 {
            for tex in formulas { #expect(cache.typeset(tex) == CSLMarkup.typesetMath(tex), "\(tex)") }
        }
        // A full cache still answers.
        for i in 0..<(MathTypesetCache.maxCount + 10) { #expect(cache.typeset("x_\(i)") == CSLMarkup.typesetMath("x_\(i)")) }
    }
}
