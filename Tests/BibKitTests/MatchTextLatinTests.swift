import Foundation
import TestSupport
import Testing

@testable import BibKit

/// `MatchText.words` reads ASCII and Latin letters (U+00C0–U+024F) from a table instead of
/// decomposing the text; it must give what decomposing gives.
@Suite struct MatchTextLatinTests {
    @Test func latinTableAgreesWithDecomposing() {
        var pool: [Unicode.Scalar] = (0x20..<0x7F).compactMap { Unicode.Scalar($0) }
        pool += (0xC0..<0x250).compactMap { Unicode.Scalar($0) }
        let others: [UInt32] = [0x301, 0x308, 0x2019, 0x2BC, 0xB5, 0x3B1, 0xAC00, 0x2160, 0xFB01, 0xB2, 0xA0]
        pool += others.compactMap { Unicode.Scalar($0) }
        var rng = SplitMix64(seed: 7)
        var fast = 0
        for _ in 0..<4000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 12) { text.unicodeScalars.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            let expected = MatchText.decomposedWords(text)
            if let words = MatchText.latinWords(text) {
                fast += 1
                #expect(words == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            #expect(MatchText.words(text) == MatchText.words(text.precomposedStringWithCanonicalMapping) || text.contains("\\"))
        }
        #expect(fast > 1000, "the fast path should take most of these texts")
        // Every letter of the range, alone and between others.
        for value in 0xC0..<0x250 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for (before, after) in [("", ""), ("x", ""), ("", "y"), ("Ab ", " 9"), ("&", "'")] {
                var text = before
                text.unicodeScalars.append(scalar)
                text += after
                if let words = MatchText.latinWords(text) { #expect(words == MatchText.decomposedWords(text), "U+\(String(value, radix: 16))") }
            }
        }
        #expect(MatchText.words("Schrödinger’s Ærø & Łukasz") == ["schrodingers", "aero", "and", "lukasz"])
    }
}
