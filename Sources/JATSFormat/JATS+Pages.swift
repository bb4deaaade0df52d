import Foundation

/// Page strings ↔ `<fpage>`/`<lpage>`, `<elocation-id>` or `<page-range>`.
enum JATSPages {
    enum Split: Equatable {
        /// `101-115`: first and (full) last page.
        case range(String, String)
        /// `101`: a single page.
        case single(String)
        /// `e1002345`: an electronic location (article number).
        case elocation(String)
        /// Anything else (`101-115, 120`): kept whole.
        case other(String)
    }

    static func split(_ page: String) -> Split {
        let text = page.trimmingXMLSpace
        let separators: [String] = ["--", "\u{2013}", "\u{2014}", "-"]
        for separator in separators {
            let parts = text.components(separatedBy: separator)
            if parts.count == 2 {
                let first = parts[0].trimmingXMLSpace
                var last = parts[1].trimmingXMLSpace
                guard isToken(first), isToken(last) else { return .other(text) }
                if let f = Int(first), Int(last) != nil, last.count < first.count {
                    // Abbreviated last page (`1234-56`): JATS4R wants it written out in full.
                    last = String(first.prefix(first.count - last.count)) + last
                    if let l = Int(last), l < f { return .other(text) }
                }
                return .range(first, last)
            }
            if parts.count > 2 { return .other(text) }
        }
        guard isToken(text) else { return .other(text) }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) || isRoman(text) { return .single(text) }
        return .elocation(text)
    }

    /// The model's page string for what a reader found.
    static func join(first: String?, last: String?) -> String? {
        guard let first, !first.isEmpty else { return last }
        guard let last, !last.isEmpty, last != first else { return first }
        return first + "-" + last
    }

    private static func isToken(_ s: String) -> Bool {
        !s.isEmpty && !s.contains(where: { $0 == " " || $0 == "," || $0 == ";" || $0 == "\t" || $0 == "\n" })
    }

    private static func isRoman(_ s: String) -> Bool {
        let lower = s.lowercased()
        return lower.allSatisfy { "ivxlcdm".contains($0) }
    }
}

extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF).
    var trimmingXMLSpace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }

    /// The string with runs of XML white space collapsed to one space and trimmed.
    var collapsingXMLSpace: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
