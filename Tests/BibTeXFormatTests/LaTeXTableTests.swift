import BibModel
import Foundation
import Testing

@testable import BibTeXFormat

@Suite("Unicode → LaTeX table")
struct LaTeXTableTests {
    static let allRows: [LaTeXCharacterTable.Symbol] =
        LaTeXCharacterTable.accentedLetters + LaTeXCharacterTable.letters + LaTeXCharacterTable.symbols
        + LaTeXCharacterTable.greek

    @Test("every row encodes to its text form, ASCII and brace-balanced", arguments: allRows)
    func everyRow(_ row: LaTeXCharacterTable.Symbol) {
        let out = encoded(String(row.scalar))
        #expect(out == row.text, "U+\(String(row.scalar.value, radix: 16))")
        #expect(out.utf8.allSatisfy { $0 < 0x80 })
        #expect(bibtexBalanced(out))
    }

    @Test("every text form that is a command is a brace group BibTeX treats as one special character")
    func commandsAreSpecialCharacters() {
        for row in Self.allRows where row.text.contains("\\") && row.text != #"\,"# && row.text != #"\-"# {
            #expect(row.text.hasPrefix("{") && row.text.hasSuffix("}"), "\(row.text)")
        }
    }

    @Test("the table covers Latin-1, Latin Extended-A and the Vietnamese letters")
    func coverage() {
        #expect(LaTeXCharacterTable.accentedLetters.count > 300)
        for value: UInt32 in 0xC0...0x17F where value != 0xD7 && value != 0xF7 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            // No LaTeX text command (T1) exists for these; they stay UTF-8 with a warning:
            // Ħ ħ ĸ ŉ Ŧ ŧ ſ.
            if [0x126, 0x127, 0x138, 0x149, 0x166, 0x167, 0x17F].contains(value) { continue }
            #expect(LaTeXCharacterTable.textForms[scalar] != nil, "U+\(String(value, radix: 16))")
        }
    }

    @Test("the written-out canonical decompositions are Foundation's NFD of every Latin letter with diacritics")
    func decompositionsAreNFD() {
        var derived: [(UInt32, [UInt32])] = []
        for range: ClosedRange<UInt32> in [0x00C0...0x024F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let decomposed = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.map(\.value)
                if decomposed.count >= 2 { derived.append((value, decomposed)) }
            }
        }
        let table = LaTeXCharacterTable.canonicalDecompositions.map { ($0.0.value, $0.1.map(\.value)) }
        #expect(table.count == derived.count)
        for (a, b) in zip(table, derived) {
            #expect(a.0 == b.0 && a.1 == b.1, "U+\(String(b.0, radix: 16)): \(a.1) vs \(b.1)")
        }
    }

    @Test("an ASCII letter with any accent mark composes as Unicode normalisation does (table vs NFC)")
    func asciiAccentTable() {
        let marks = Set(LaTeXDecoder.accentMarks.values)
        #expect(marks.count >= 16)
        for mark in marks {
            for b in UInt8(ascii: "A")...UInt8(ascii: "z") where isASCIILetter(b) {
                let letter = String(Character(Unicode.Scalar(b)))
                let fromTable = LaTeXDecoderStyle.asciiAccented(b, mark)
                #expect(fromTable != nil)
                #expect(fromTable == LaTeXDecoderStyle.composedAccent(letter, mark), "\(letter) + \(mark.unicodeScalars.map(\.value))")
                #expect(LaTeXDecoderStyle.accent(letter, mark) == (letter + mark).precomposedStringWithCanonicalMapping)
            }
        }
        #expect(LaTeXDecoderStyle.accent("e", "\u{0301}") == "é")
        #expect(LaTeXDecoderStyle.accent("q", "\u{0307}") == "q\u{0307}")
    }

    static let expected: [(String, String)] = [
        ("ö", #"{\"o}"#), ("Ö", #"{\"O}"#), ("é", #"{\'e}"#), ("è", #"{\`e}"#), ("ê", #"{\^e}"#), ("ñ", #"{\~n}"#),
        ("ā", #"{\=a}"#), ("ż", #"{\.z}"#), ("ů", #"{\r{u}}"#), ("ç", #"{\c{c}}"#), ("ą", #"{\k{a}}"#),
        ("č", #"{\v{c}}"#), ("ő", #"{\H{o}}"#), ("ű", #"{\H{u}}"#), ("ğ", #"{\u{g}}"#), ("ạ", #"{\d{a}}"#),
        ("ḇ", #"{\b{b}}"#), ("ễ", #"{\~{\^e}}"#), ("ǿ", #"{\'{\o}}"#), ("ǽ", #"{\'{\ae}}"#),
        ("ß", #"{\ss}"#), ("ø", #"{\o}"#), ("Ø", #"{\O}"#), ("æ", #"{\ae}"#), ("œ", #"{\oe}"#), ("Œ", #"{\OE}"#),
        ("ł", #"{\l}"#), ("Ł", #"{\L}"#), ("å", #"{\aa}"#), ("Å", #"{\AA}"#), ("ı", #"{\i}"#),
        ("í", #"{\'i}"#), ("ì", #"{\`i}"#), ("î", #"{\^i}"#), ("ï", #"{\"i}"#), ("İ", #"{\.I}"#),
        ("–", "--"), ("—", "---"), ("“", "``"), ("”", "''"), ("‘", "`"), ("’", "'"), ("…", #"{\ldots}"#),
        ("\u{00A0}", "~"), ("§", #"{\S}"#), ("©", #"{\copyright}"#), ("®", #"{\textregistered}"#),
        ("°", #"{\textdegree}"#), ("€", #"{\texteuro}"#), ("±", #"{\textpm}"#),
        ("α", #"{\ensuremath{\alpha}}"#), ("Δ", #"{\ensuremath{\Delta}}"#), ("Α", #"{\ensuremath{\mathrm{A}}}"#),
        ("≤", #"{\ensuremath{\leq}}"#), ("ﬁ", "fi"),
    ]

    @Test("named forms", arguments: expected)
    func namedForms(_ pair: (String, String)) {
        #expect(encoded(pair.0) == pair.1)
    }

    @Test("dotless i is never used as an accent base (biber turns {\\'\\i} into ı + U+0301)")
    func noDotlessBase() {
        for row in LaTeXCharacterTable.accentedLetters {
            #expect(!row.text.contains(#"\i}"#) && !row.text.contains(#"{\i"#), "\(row.text)")
        }
    }

    @Test("decomposed input is normalised first; a letter + mark without precomposed form is composed")
    func combiningMarks() {
        #expect(encoded("Schro\u{0308}dter") == #"Schr{\"o}dter"#)
        #expect(encoded("q\u{0307}") == #"{\.q}"#)
        #expect(encoded("e\u{0302}\u{0303}") == #"{\~{\^e}}"#)
    }

    static let latinText = [
        "Schrödter", "Wäldchen", "Erdős", "Łukasiewicz", "Dvořák", "São Paulo", "Ærøskøbing",
        "Œuvres complètes", "İstanbul", "Straße", "Þórr Ðorđević", "naïve café façade",
        "“quoted” — dash… ‘single’", "€ 5 ± 0.1 °C § 3 © ®", "Nguyễn Thị Minh Khai",
    ]

    @Test("Latin text becomes pure ASCII", arguments: latinText)
    func latinIsASCII(_ text: String) {
        var encoder = LaTeXEncoder(asciiOnly: true)
        var out: [UInt8] = []
        encoder.appendText(text, to: &out)
        #expect(out.allSatisfy { $0 < 0x80 })
        #expect(encoder.unmapped.isEmpty)
        #expect(bibtexBalanced(String(decoding: out, as: UTF8.self)))
    }

    @Test("characters without a LaTeX form are kept as UTF-8 and reported once with a count")
    func unmappedKept() {
        #expect(encoded("Жуков 北京") == "Жуков 北京")
        let entries = [
            Entry(key: "a", type: EntryType(.book), title: "Война и мир"),
            Entry(key: "b", type: EntryType(.book), title: "Мир"),
        ]
        let (text, diagnostics) = written(entries)
        #expect(text.contains("title = {Война и мир}"))
        let codes = diagnostics.filter { $0.code == "bibtex.no-latex-form" }
        // One diagnostic per distinct character, with the entries counted.
        #expect(codes.count == Set("Война и мир Мир".unicodeScalars.filter { !$0.isASCII }).count)
        #expect(codes.contains { $0.message.contains("'и'") && $0.message.contains("2 entries (a, b)") })
    }

    @Test("keepUnicode and the dialect decide between UTF-8 and LaTeX")
    func unicodeModes() {
        let entry = Entry(key: "k", type: EntryType(.book), title: "Schrödter – ein Überblick")
        #expect(fields(of: entry)["title"] == #"Schr{\"o}dter -- ein {\"U}berblick"#)
        #expect(fields(of: entry, keepUnicode: true)["title"] == "Schrödter – ein Überblick")
        #expect(fields(of: entry, .biblatex)["title"] == "Schrödter – ein Überblick")
        #expect(fields(of: entry, .biblatex, keepUnicode: false)["title"] == #"Schr{\"o}dter -- ein {\"U}berblick"#)
    }
}
