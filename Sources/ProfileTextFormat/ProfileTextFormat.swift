import BibModel

/// The profile-text format: plain text copied from a researcher's profile page (name,
/// h-index, then each paper as a `LGJun 29, 2023` line, title, authors and abstract).
///
/// What the reader produces:
/// - `Library.metadata`: `title` and `owner` from the name line; `properties` in the
///   `profile` namespace: `subject`, `h-index`, `papers`, `citations`, `novelty`,
///   `ai-score`, `paper-count` (from the `24 Papers` heading); unknown header lines in
///   `comments`.
/// - Each paper: type `article` (original `profile:paper`, genre `preprint`); `title` and
///   `abstract` as rich text with `$…$` as math; `author` list with `truncated` for
///   `et al.`; `issued` date; `keywords` = the arXiv class (`cs.LG`); `links` from the
///   title and abstract (`code` or `related`); `extra` in the `profile` namespace:
///   `subject`, `score`, `code` (`yes`), `date` (the text shown when the year was
///   inferred), `flags` (other flags); `origin` from the paper line to its last line.
///
/// Diagnostic codes: errors `profile.bad-date`, `profile.bad-meta-line`,
/// `profile.missing-title`, `profile.missing-authors`, `profile.not-text` (fatal);
/// warnings `profile.count-mismatch`, `profile.no-papers`, `profile.invalid-utf8`,
/// `profile.nul-byte`, `profile.unknown-header-line`, `profile.duplicate-header-line`,
/// `profile.missing-blank-line`, `profile.extra-paragraph`, `profile.empty-author`,
/// `profile.bad-meta-line` (a damaged paper line read as text); notes
/// `profile.unknown-subject`, `profile.unknown-flag`, `profile.utf16`.
public enum ProfileTextFormat {
    /// The registry entry: descriptor and reader (the format is read-only).
    public static let plugin = FormatPlugin(descriptor, reader: ProfileTextReader())

    /// Names, extensions and content sniffing for the registry.
    public static let descriptor = FormatDescriptor(
        id: .profile, aliases: ["profile-text", "txt"], extensions: ["txt"],
        summary: "Plain text copied from a researcher profile page (read only)",
        lossiness: "read only",
        sniff: { sniff($0) })

    /// How likely the first bytes of a file are profile text (0–100): 80 when a line has
    /// the paper-line grammar (`99.8CLMar 16Code`) and a title follows, or when a header
    /// line such as `h-index29` or `24papers` is present; 0 for text that starts like
    /// BibTeX (`@`), RIS (`TY  -`), JSON (`[`, `{`) or XML (`<`).
    public static func sniff(_ prefix: ArraySlice<UInt8>) -> Int {
        let bytes = Array(prefix.prefix(64 * 1024))
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A
            || bytes[start] == 0x0D
        {
            start += 1
        }
        guard start < bytes.count else { return 0 }
        switch bytes[start] {
        case UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "<"): return 0
        default: break
        }
        if ProfileBytes.matches(bytes, at: start, "TY  -") { return 0 }

        let index = LineIndex(file: "", bytes: bytes)
        let lines = ProfileBytes.lines(bytes, index: index).prefix(400)
        var previousWasMeta = false
        for line in lines {
            if line.isBlank {
                previousWasMeta = false
                continue
            }
            if previousWasMeta, MetaLine.parse(bytes, line.content) == nil { return 80 }
            if case .stat(let name, _) = HeaderLine.parse(bytes, line.content), name == "h-index" || name == "papers" {
                return 80
            }
            previousWasMeta = MetaLine.parse(bytes, line.content)?.isWellFormed ?? false
        }
        return 0
    }
}
