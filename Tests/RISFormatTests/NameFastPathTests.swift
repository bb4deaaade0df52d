import Foundation
import BibModel
import Testing

@testable import RISFormat

/// RISNames' byte paths (`fastCommaName`, `isEtAl`) against the Character/String paths they
/// stand in for, on generated names that mix the cases each path tells apart.
@Suite struct NameFastPathTests {
    /// Words chosen for what the paths test: case of the first Character (ASCII, Latin-1,
    /// Greek, a letter followed by a combining mark, digits), particles, suffixes in several
    /// cases, initials, apostrophes (`'` and `’`), and a Kelvin sign.
    static let words = [
        "Smith", "smith", "van", "der", "de", "la", "Berg", "Jan", "J.", "J.-P.", "Jr.", "JR", "jr", "III", "iii",
        "Ii", "2nd", "Sr", "Öztürk", "öztürk", "Érdős", "élodie", "Ångström", "ß", "Ωmega", "ωmega",
        "e\u{301}mile", "E\u{301}mile", "a\u{308}", "d'Aspremont", "d’Alembert", "O'Brien", "l'", "x", "X",
        "1999", "-", "\u{212A}", "\u{0130}i", "ʼa", "Ʃx", "ǅx", "ǆx",
    ]

    /// A name of up to four comma-separated parts of up to three words each.
    static func name(_ seed: inout UInt64) -> String {
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        var parts: [String] = []
        for _ in 0..<(1 + next(4)) {
            parts.append((0..<next(4)).map { _ in words[next(words.count)] }.joined(separator: " "))
        }
        let spacing = [",", ", ", " , ", " ,"]
        var out = parts[0]
        for p in parts.dropFirst() { out += spacing[next(spacing.count)] + p }
        return out
    }

    @Test func commaNameOnBytesMatchesTheCharacterPath() {
        var seed: UInt64 = 7
        var compared = 0
        for _ in 0..<20_000 {
            let value = RISText.collapsed(Self.name(&seed))
            guard value.utf8.contains(UInt8(ascii: ",")) else { continue }
            guard let fast = RISNames.fastCommaName(value) else { continue }
            #expect(fast == RISNames.commaName(value), "\(value)")
            compared += 1
        }
        #expect(compared > 10_000)
    }

    @Test(arguments: [
        "de la Fontaine, Jean, Jr.", "Smith, Jr., John", "Beethoven, Ludwig van", "Beethoven, Ludwig van der",
        "van, Jan", "Smith,", ", John", "Smith, John, Jr., III", "Smith, , Jr.", "e\u{301}mile dupont, x",
        "Öztürk, Chloé E.", "du Pont, Marie", "Kumar, Miloš, Sr.", "ɑbc de, Fgh ijk",
    ])
    func knownNamesMatch(_ value: String) {
        #expect(RISNames.fastCommaName(value) == RISNames.commaName(value))
    }

    @Test func apostrophesInTheFamilyTakeTheCharacterPath() {
        #expect(RISNames.fastCommaName("d'Aspremont, Alexandre") == nil)
        #expect(RISNames.fastCommaName("d’Alembert, Jean") == nil)
        #expect(RISNames.parse("d'Aspremont, Alexandre")
            == [.name(PersonName(family: "Aspremont", given: "Alexandre", nonDroppingParticle: "d'"))])
    }

    @Test func etAlOnBytesMatchesLowercased() {
        var values = RISNames.etAlForms.flatMap { [$0, $0.uppercased(), $0.capitalized] }
        values += ["et al.x", "others ", "ET  AL", "\u{212A}", "et a\u{212A}", "and other", "AND OTHERS", "Et Al.", "u. A."]
        var seed: UInt64 = 3
        for _ in 0..<2_000 { values.append(String(Self.name(&seed).prefix(11))) }
        for v in values {
            #expect(RISNames.isEtAl(v) == RISNames.etAlForms.contains(v.lowercased()), "\(v)")
        }
    }
}
