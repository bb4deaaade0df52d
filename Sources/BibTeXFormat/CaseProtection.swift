/// Better-BibTeX-style case protection for titles: brace the words a style must not recase,
/// never the whole title.
///
/// A word (a run between spaces; hyphenated parts stay one word) is protected when it has a
/// capital letter after its first letter (`LLMs`, `iPhone`, `Frank-Wolfe`, `ECHOSAT`) or mixes
/// digits and letters (`3D`, `GPT4`). Only its alphanumeric core is braced, so punctuation
/// such as the colon of `ECHOSAT:` stays outside and styles still see it.
public enum CaseProtection {
    /// Whether a word needs protection.
    public static func needsProtection(_ word: String) -> Bool {
        var w = word
        return w.withUTF8 { buf in protectedCore(buf, 0..<buf.count) != nil }
    }

    /// The byte range to brace inside `range` of `buf`, or nil when the word needs none.
    static func protectedCore(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var seenLetter = false
        var capitalAfterFirst = false
        var hasDigit = false
        var coreStart: Int?
        var coreEnd = range.lowerBound
        var i = range.lowerBound
        while i < range.upperBound {
            let b = buf[i]
            if b < 0x80 {
                if isASCIILetter(b) {
                    if seenLetter && b <= UInt8(ascii: "Z") { capitalAfterFirst = true }
                    seenLetter = true
                    if coreStart == nil { coreStart = i }
                    coreEnd = i + 1
                } else if isASCIIDigit(b) {
                    hasDigit = true
                    if coreStart == nil { coreStart = i }
                    coreEnd = i + 1
                }
                i += 1
                continue
            }
            guard let (scalar, len) = UTF8Scalar.decode(buf, at: i, end: range.upperBound) else {
                i += 1
                continue
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .titlecaseLetter:
                if seenLetter { capitalAfterFirst = true }
                fallthrough
            case .lowercaseLetter, .modifierLetter, .otherLetter:
                seenLetter = true
                if coreStart == nil { coreStart = i }
                coreEnd = i + len
            case .decimalNumber:
                hasDigit = true
                if coreStart == nil { coreStart = i }
                coreEnd = i + len
            case .nonspacingMark, .spacingMark, .enclosingMark:
                // A combining mark belongs to the letter before it.
                if coreStart != nil && coreEnd == i { coreEnd = i + len }
            default:
                break
            }
            i += len
        }
        guard let start = coreStart, capitalAfterFirst || (hasDigit && seenLetter) else { return nil }
        return start..<coreEnd
    }
}
