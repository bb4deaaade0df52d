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

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"a":[1,-2.5e3,"s",true,false,null,{"b":[]}],"c":"\u0000"}"#
        var p = JSONParser(bytes: Array(text.utf8))
        let node = try p.parseValue()
        #expect(JSONEmitter.compactText(JSONOutput(node)) == text)
    }
}
