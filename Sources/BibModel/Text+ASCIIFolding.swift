import Foundation

extension String {
    /// The text folded to ASCII for keys and matching: accents removed (`Schrödter` →
    /// `Schrodter`), special letters spelled out (`ß` → `ss`, `ø` → `o`, `æ` → `ae`);
    /// characters without an ASCII form are dropped.
    public var asciiFolded: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in self.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.isASCII {
                out.unicodeScalars.append(scalar)
            } else if let spelled = asciiSpellings[scalar] {
                out += spelled
            }
            // Combining marks and scripts without an ASCII form fall away here.
        }
        return out
    }

    /// Unicode NFC normalisation.
    public var nfc: String { precomposedStringWithCanonicalMapping }
}

private let asciiSpellings: [Unicode.Scalar: String] = [
    "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i", "ȷ": "j", "ŋ": "ng", "Ŋ": "NG", "ħ": "h", "Ħ": "H", "ŀ": "l", "Ŀ": "L",
    "‘": "'", "’": "'", "‚": "'", "“": "\"", "”": "\"", "„": "\"", "–": "-", "—": "-",
    "\u{00A0}": " ", "…": "...",
]
