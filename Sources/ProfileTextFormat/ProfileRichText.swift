import BibModel

/// Titles and abstracts: `$…$` math spans, and the links found in the text.
enum ProfileRichText {
    /// The text as rich text: `$…$` and `$$…$$` spans become ``Inline/math(_:)`` (TeX source
    /// without the dollars), everything else stays plain. Like pandoc, an opening `$` must
    /// be followed by a non-blank and a closing `$` preceded by a non-blank and not
    /// followed by a digit, so `$5 and $10` stays text. `\$` is a literal dollar. Linear.
    static func make(_ text: String) -> RichText {
        let bytes = Array(text.utf8)
        let n = bytes.count
        let dollar = UInt8(ascii: "$")
        let backslash = UInt8(ascii: "\\")
        var inlines: [Inline] = []
        var plainStart = 0
        var i = 0
        // Once a search for a closer fails, no later opener can find one either (a closer's
        // validity does not depend on its opener), so searching stops: linear time.
        var inlineCloserExists = true
        var displayCloserExists = true

        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func emitPlain(upTo end: Int) {
            if end > plainStart { inlines.append(.text(typographicDashes(bytes[plainStart..<end]))) }
        }

        while i < n {
            let b = bytes[i]
            if b == backslash, i + 1 < n, bytes[i + 1] == dollar {
                i += 2
                continue
            }
            guard b == dollar else {
                i += 1
                continue
            }
            // Display math `$$…$$`.
            if i + 1 < n, bytes[i + 1] == dollar {
                if displayCloserExists {
                    var j = i + 2
                    var found = -1
                    while j + 1 < n {
                        if bytes[j] == dollar, bytes[j + 1] == dollar, bytes[j - 1] != backslash {
                            found = j
                            break
                        }
                        j += 1
                    }
                    if found > i + 2 {
                        emitPlain(upTo: i)
                        inlines.append(.math(String(decoding: bytes[(i + 2)..<found], as: UTF8.self)))
                        i = found + 2
                        plainStart = i
                        continue
                    }
                    if found < 0 { displayCloserExists = false }
                }
                i += 2
                continue
            }
            // Inline math `$…$`.
            guard inlineCloserExists, i + 1 < n, !isBlank(bytes[i + 1]) else {
                i += 1
                continue
            }
            var j = i + 1
            var found = -1
            while j < n {
                if bytes[j] == dollar, bytes[j - 1] != backslash, !isBlank(bytes[j - 1]),
                    !(j + 1 < n && ProfileBytes.isDigit(bytes[j + 1]))
                {
                    found = j
                    break
                }
                j += 1
            }
            if found < 0 {
                inlineCloserExists = false
                i += 1
                continue
            }
            emitPlain(upTo: i)
            inlines.append(.math(String(decoding: bytes[(i + 1)..<found], as: UTF8.self)))
            i = found + 1
            plainStart = i
        }
        emitPlain(upTo: n)
        return RichText(inlines)
    }

    /// Plain text with typed dashes made typographic, as a reader of the page sees them:
    /// a lone `--` becomes an en dash (–) and `---` an em dash (—), the TeX conventions,
    /// so BibTeX output writes them back as `--` and `---`. Runs of four or more hyphens
    /// and hyphens inside URLs (`http://…` up to the next blank) are left alone.
    static func typographicDashes(_ text: ArraySlice<UInt8>) -> String {
        let hyphen = UInt8(ascii: "-")
        guard text.count >= 2, text.contains(hyphen) else { return String(decoding: text, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = text.startIndex
        var inURL = false
        while i < text.endIndex {
            let b = text[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                inURL = false
            } else if !inURL, b == UInt8(ascii: "h"), text[i...].starts(with: "http://".utf8) || text[i...].starts(with: "https://".utf8) {
                inURL = true
            }
            guard b == hyphen, !inURL else {
                out.append(b)
                i += 1
                continue
            }
            var j = i
            while j < text.endIndex, text[j] == hyphen { j += 1 }
            switch j - i {
            case 2: out.append(contentsOf: "\u{2013}".utf8)
            case 3: out.append(contentsOf: "\u{2014}".utf8)
            default: out.append(contentsOf: text[i..<j])
            }
            i = j
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A URL found in text, with whether its sentence speaks of code.
    struct FoundURL: Hashable, Sendable {
        /// The URL without trailing punctuation.
        var url: String
        /// True when the sentence around it mentions code or an implementation.
        var sentenceMentionsCode: Bool
    }

    /// The `http://` and `https://` URLs in a text, in order, with trailing punctuation that
    /// is not part of the URL removed (`.` `,` `;` `:` `!` `?` `'` `"` and unbalanced
    /// closing brackets). Linear in the text (the look-around for "code" is bounded).
    static func urls(in text: String) -> [FoundURL] {
        let bytes = Array(text.utf8)
        let n = bytes.count
        var out: [FoundURL] = []
        var sentenceStart = 0
        var i = 0
        while i < n {
            let b = bytes[i]
            // A sentence ends at `.`, `!` or `?` followed by a blank.
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                if i + 1 >= n || bytes[i + 1] == 0x20 { sentenceStart = i + 1 }
                i += 1
                continue
            }
            guard b == UInt8(ascii: "h") || b == UInt8(ascii: "H") else {
                i += 1
                continue
            }
            let schemeLength: Int
            if ProfileBytes.matches(bytes, at: i, "https://", caseInsensitive: true) {
                schemeLength = 8
            } else if ProfileBytes.matches(bytes, at: i, "http://", caseInsensitive: true) {
                schemeLength = 7
            } else {
                i += 1
                continue
            }
            // Part of a longer word (`xhttps://`) is not a URL start.
            if i > 0, isWordByte(bytes[i - 1]) {
                i += 1
                continue
            }
            var end = i + schemeLength
            while end < n, !isURLTerminator(bytes, end) { end += 1 }
            let trimmedEnd = trimTrailingPunctuation(bytes, i, end)
            if trimmedEnd > i + schemeLength {
                let url = String(decoding: bytes[i..<trimmedEnd], as: UTF8.self)
                let mentions = mentionsCode(bytes, from: sentenceStart, before: i, after: trimmedEnd)
                out.append(FoundURL(url: url, sentenceMentionsCode: mentions))
            }
            i = max(end, i + 1)
        }
        return out
    }

    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        ProfileBytes.isDigit(b) || ProfileBytes.isUpper(b) || ProfileBytes.isLower(b)
    }

    /// Bytes that end a URL: blanks, controls, `<`, `>`, `"`, backtick, and the typographic
    /// quotes and no-break space (U+201C, U+201D, U+2018, U+2019, U+00A0).
    static func isURLTerminator(_ bytes: [UInt8], _ i: Int) -> Bool {
        let b = bytes[i]
        if b <= 0x20 || b == 0x7F { return true }
        if b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "`") {
            return true
        }
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { return true }
        if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80,
            [0x98, 0x99, 0x9C, 0x9D].contains(bytes[i + 2])
        {
            return true
        }
        return false
    }

    /// The end of the URL once trailing punctuation and unbalanced closers are removed.
    /// Brackets are counted once, then updated as bytes are stripped: linear.
    static func trimTrailingPunctuation(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int {
        let opens: [UInt8] = Array("([{".utf8)
        let closes: [UInt8] = Array(")]}".utf8)
        var balance = [0, 0, 0]  // closers minus openers, per bracket kind
        for k in start..<end {
            if let p = opens.firstIndex(of: bytes[k]) {
                balance[p] -= 1
            } else if let p = closes.firstIndex(of: bytes[k]) {
                balance[p] += 1
            }
        }
        var e = end
        while e > start {
            let last = bytes[e - 1]
            if trailingPunctuation.contains(last) {
                e -= 1
                continue
            }
            if let p = closes.firstIndex(of: last), balance[p] > 0 {
                balance[p] -= 1
                e -= 1
                continue
            }
            break
        }
        return e
    }

    /// Punctuation that ends a sentence rather than a URL.
    static let trailingPunctuation: Set<UInt8> = Set(".,;:!?'\"".utf8)

    /// True when the words `code`, `codes`, `codebase` or `implementation` occur in the
    /// sentence around a URL (looking at most 400 bytes either side).
    static func mentionsCode(_ bytes: [UInt8], from sentenceStart: Int, before urlStart: Int, after urlEnd: Int) -> Bool {
        let lo = max(sentenceStart, urlStart - 400)
        if containsCodeWord(bytes, lo..<urlStart) { return true }
        // Forward to the end of the sentence.
        var hi = urlEnd
        let limit = min(bytes.count, urlEnd + 400)
        while hi < limit {
            let b = bytes[hi]
            if (b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?")),
                hi + 1 >= bytes.count || bytes[hi + 1] == 0x20
            {
                break
            }
            hi += 1
        }
        return containsCodeWord(bytes, urlEnd..<hi)
    }

    private static func containsCodeWord(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        var i = range.lowerBound
        while i < range.upperBound {
            // Start of a word.
            guard isWordByte(bytes[i]), i == range.lowerBound || !isWordByte(bytes[i - 1]) else {
                i += 1
                continue
            }
            var e = i
            while e < range.upperBound, isWordByte(bytes[e]) { e += 1 }
            if e - i <= 14 {
                var word = ""
                for k in i..<e {
                    var c = bytes[k]
                    if ProfileBytes.isUpper(c) { c += 32 }
                    word.unicodeScalars.append(Unicode.Scalar(c))
                }
                if codeWords.contains(word) { return true }
            }
            i = e
        }
        return false
    }

    static let codeWords: Set<String> = ["code", "codes", "codebase", "implementation", "implementations"]

    /// True when the URL's host is a code forge (GitHub, GitLab, Bitbucket, Codeberg,
    /// SourceForge) or a Hugging Face Space.
    static func isCodeHost(_ url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let afterScheme = url[schemeEnd.upperBound...]
        let hostEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var host = afterScheme[..<hostEnd].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        if host.hasPrefix("www.") { host = String(host.dropFirst(4)) }
        let path = afterScheme[hostEnd...]
        let forges = ["github.com", "gist.github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net"]
        if forges.contains(host) || host.hasSuffix(".github.com") || host.hasPrefix("gitlab.") { return true }
        if host == "huggingface.co" || host == "hf.co" {
            return path.lowercased().hasPrefix("/spaces/")
        }
        return false
    }
}
