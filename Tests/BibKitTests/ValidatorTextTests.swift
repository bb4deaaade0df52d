import Foundation
import TestSupport
import Testing

@testable import BibKit

/// `validate`'s HTML check works on bytes: it must find what a search of the lower-cased
/// text for each marker finds, and also a marker followed by a combining mark (which a
/// search by Characters misses: `>` and the mark are one Character).
@Suite struct ValidatorTextTests {
    static func reference(_ text: String) -> Bool {
        let lower = text.lowercased()
        return EntryChecker.htmlMarkers.contains { lower.contains(String(decoding: $0, as: UTF8.self)) }
    }

    @Test func findsMarkersInAnyCase() {
        #expect(EntryChecker.hasHTML("Deep &amp; wide"))
        #expect(EntryChecker.hasHTML("Journal of <I>Tests</I>"))
        #expect(EntryChecker.hasHTML("line<BR/>break"))
        #expect(EntryChecker.hasHTML("x&#233;"))
        #expect(!EntryChecker.hasHTML("Salt & pepper < 3 <i"))
        #expect(!EntryChecker.hasHTML(""))
        #expect(!EntryChecker.hasHTML("&am"))
        #expect(EntryChecker.hasHTML("<i>\u{301}x</i>"))
    }

    @Test func agreesWithSearchingTheLowercasedText() {
        let pieces = ["a", "Z", " ", "&", "<", ">", "/", "#", "amp;", "AMP;", "lt;", "Gt;", "quot;", "i>", "I>", "b>", "sub>",
            "SUP>", "em>", "br", "é", "İ", "ß", "K", "&a", "<s", "u", "\u{2126}"]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 8) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            #expect(EntryChecker.hasHTML(s) == Self.reference(s), "\(s.debugDescription) \(Array(s.unicodeScalars).map { String($0.value, radix: 16) })")
        }
    }
}


/// `trimmedSpaces` returns an ASCII-bounded string at once: the same as cutting white
/// space scalar by scalar.
@Suite struct TrimmedSpacesTests {
    @Test func agreesWithTheScalarPath() {
        let pieces = ["a", "Z", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}", "é", "x\u{301}", "中", "-", "\u{7F}"]
        var rng = SplitMix64(seed: 13)
        for _ in 0..<20_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 7) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            #expect(s.trimmedSpaces == s.trimmedSpacesByScalars, "\(s.debugDescription)")
        }
    }
}

