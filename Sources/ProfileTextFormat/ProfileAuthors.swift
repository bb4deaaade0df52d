import BibModel

/// The author line of a paper: names separated by commas (or semicolons), possibly ending
/// in `et al.`, and the split of each name into given names, particle, family and suffix.
enum ProfileAuthors {
    /// An author list as read: the names and whether it ended in `et al.`.
    struct Parsed: Hashable, Sendable {
        /// The names in order.
        var names: [PersonName]
        /// True when the list ended in `et al.` (or `and others`).
        var truncated: Bool
        /// Items that were empty (`A, , B`), counted for a diagnostic.
        var emptyItems: Int
    }

    /// Suffixes split off the end of a name.
    static let suffixes: Set<String> = ["Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"]

    /// Words that mark a whole item as an organisation, kept as a literal name.
    static let organisationWords: Set<String> = [
        "Team", "Consortium", "Collaboration", "Project", "Initiative", "Group", "Committee",
        "Inc.", "Ltd.", "Laboratory", "Institute",
    ]

    /// Splits the text of an author block into names.
    static func parse(_ text: String) -> Parsed {
        let (body, truncated) = strippingEtAl(text)
        var names: [PersonName] = []
        var empty = 0
        for item in items(body) {
            if item.isEmpty {
                empty += 1
                continue
            }
            // `King, Jr.`: a suffix on its own belongs to the name before it.
            if suffixes.contains(item), let last = names.last, !last.isLiteral, last.suffix == nil {
                names[names.count - 1].suffix = item
                continue
            }
            names.append(name(item))
        }
        return Parsed(names: names, truncated: truncated, emptyItems: empty)
    }

    /// The text without a trailing `et al.` / `and others`, and whether there was one.
    static func strippingEtAl(_ text: String) -> (String, Bool) {
        var t = Substring(text)
        while let last = t.last, last == " " || last == "," || last == ";" { t = t.dropLast() }
        for marker in ["et al.", "et al", "et. al.", "et.al.", "and others", "et al.,"] {
            guard t.count >= marker.count else { continue }
            let tail = t.suffix(marker.count)
            guard tail.lowercased() == marker else { continue }
            let before = t.dropLast(marker.count)
            // The marker must stand alone: start of the list, a space or a comma before it.
            if let c = before.last, !(c == " " || c == "," || c == ";") { continue }
            var rest = before
            while let c = rest.last, c == " " || c == "," || c == ";" { rest = rest.dropLast() }
            return (String(rest), true)
        }
        return (String(t), false)
    }

    /// The items of a list: split on commas and semicolons, then on ` and ` / ` & `, trimmed.
    static func items(_ body: String) -> [String] {
        var out: [String] = []
        for raw in body.split(separator: ",", omittingEmptySubsequences: false)
            .flatMap({ $0.split(separator: ";", omittingEmptySubsequences: false) })
        {
            var piece = raw.trimmingBlanks
            // `A, B, and C`: a leading conjunction.
            if piece.hasPrefix("and ") { piece = String(piece.dropFirst(4)).trimmingBlanks }
            if piece.hasPrefix("& ") { piece = String(piece.dropFirst(2)).trimmingBlanks }
            let words = piece.split(separator: " ", omittingEmptySubsequences: true)
            var current: [Substring] = []
            var split = false
            for w in words {
                if (w == "and" || w == "&") && !current.isEmpty {
                    out.append(current.joined(separator: " "))
                    current = []
                    split = true
                } else {
                    current.append(w)
                }
            }
            if !current.isEmpty || !split { out.append(current.joined(separator: " ")) }
        }
        if out.count == 1, out[0].isEmpty { return [] }
        return out
    }

    /// Splits one name: the last word is the family name; lower-case words before it are
    /// its particle (`van der`, `d'`); a trailing `Jr.`, `II`… is the suffix; the words
    /// before are the given names. A single word is a family name only.
    static func name(_ item: String) -> PersonName {
        var words = item.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !words.isEmpty else { return PersonName(literal: item) }
        if words.count >= 2, words.first == "The" || words.last.map(organisationWords.contains) == true {
            return .literal(words.joined(separator: " "))
        }
        var suffix: String?
        if words.count >= 2, let last = words.last, suffixes.contains(last) {
            suffix = last
            words.removeLast()
        }
        guard let familyWord = words.last else { return PersonName(literal: item) }
        let before = words.dropLast()
        var given: [String] = []
        var particle: [String] = []
        var family: [String] = [familyWord]
        if let firstLower = before.firstIndex(where: isParticleWord),
            let lastLower = before.lastIndex(where: isParticleWord)
        {
            given = Array(before[before.startIndex..<firstLower])
            particle = Array(before[firstLower...lastLower])
            // `Jean de La Fontaine`: capitalised words after the particle join the family.
            family = Array(before[(lastLower + 1)...]) + [familyWord]
        } else {
            given = Array(before)
        }
        // `d'Aspremont`: a lower-case prefix ending in an apostrophe is a particle.
        if let first = family.first, let (prefix, rest) = apostropheParticle(first) {
            particle.append(prefix)
            family[0] = rest
        }
        let joinedParticle = particle.isEmpty ? nil : joinParticle(particle)
        return PersonName(
            family: family.joined(separator: " "),
            given: given.isEmpty ? nil : given.joined(separator: " "),
            nonDroppingParticle: joinedParticle, suffix: suffix)
    }

    /// A word starting with a lower-case letter (`van`, `de`, `d'`).
    static func isParticleWord(_ word: String) -> Bool {
        guard let c = word.first else { return false }
        return c.isLowercase
    }

    /// `d'Aspremont` → (`d'`, `Aspremont`); nil when the word has no such prefix.
    static func apostropheParticle(_ word: String) -> (String, String)? {
        guard let idx = word.firstIndex(where: { $0 == "'" || $0 == "’" }) else { return nil }
        let prefix = word[..<idx]
        let rest = word[word.index(after: idx)...]
        guard !prefix.isEmpty, prefix.count <= 4, prefix.allSatisfy({ $0.isLowercase }),
            let r = rest.first, r.isUppercase
        else { return nil }
        return (String(word[...idx]), String(rest))
    }

    /// Joins particle words; one ending in an apostrophe is attached to the family by the
    /// model, so the words are simply space-separated.
    static func joinParticle(_ words: [String]) -> String { words.joined(separator: " ") }

    /// True when the text reads like a list of personal names rather than prose: short
    /// items without digits or sentence punctuation.
    static func looksLikeAuthors(_ text: String) -> Bool {
        let (body, truncated) = strippingEtAl(text)
        guard body.utf8.count <= 4000 else { return false }
        let list = items(body)
        if list.isEmpty { return truncated }
        var nonEmpty = 0
        for item in list where !item.isEmpty {
            nonEmpty += 1
            guard isNameLike(item) else { return false }
        }
        return nonEmpty > 0
    }

    /// True when the text is almost certainly an author list: it ends in `et al.`, or it
    /// has three or more items each of two to four capitalised words.
    static func isStronglyAuthors(_ text: String) -> Bool {
        guard looksLikeAuthors(text) else { return false }
        let (body, truncated) = strippingEtAl(text)
        if truncated { return true }
        let list = items(body).filter { !$0.isEmpty }
        guard list.count >= 3 else { return false }
        return list.allSatisfy { item in
            let words = item.split(separator: " ")
            return (2...4).contains(words.count)
                && words.allSatisfy { w in
                    guard let c = w.first else { return false }
                    return c.isUppercase || isParticleWord(String(w))
                }
        }
    }

    /// One name: 1–6 words, no digits or sentence punctuation, abbreviations only as initials.
    static func isNameLike(_ item: String) -> Bool {
        let words = item.split(separator: " ")
        guard (1...6).contains(words.count), item.count <= 80 else { return false }
        for scalar in item.unicodeScalars {
            switch scalar {
            case "0"..."9", ":", "?", "!", "(", ")", "[", "]", "{", "}", "\"", "<", ">", "/",
                "\\", "=", "+", "*", "#", "@", "$", "%", "|", "“", "”":
                return false
            default: continue
            }
        }
        for w in words where w.hasSuffix(".") {
            if w.filter({ $0.isLetter }).count > 3 { return false }
        }
        return true
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
