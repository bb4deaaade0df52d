import BibModel
import BibXML

/// JATS XML reference lists: the format plug-in for the registry.
public enum JATSFormat {
    /// The plug-in: reads JATS/NLM articles and reference lists, writes a JATS4R `<ref-list>`.
    public static let plugin = FormatPlugin(descriptor, reader: JATSReader(), writer: JATSWriter())

    /// The plug-in writing a whole minimal `<article>` around the reference list (`--jats-article`).
    public static let articlePlugin = FormatPlugin(descriptor, reader: JATSReader(), writer: JATSWriter(wrapInArticle: true))

    /// Names, extensions and the content sniff.
    public static let descriptor = FormatDescriptor(
        id: .jats, aliases: ["xml", "jats-xml", "nlm"], extensions: ["xml", "nxml", "jats"],
        summary: "JATS XML reference lists (NISO JATS 1.3, JATS4R element-citation)",
        lossiness: "no abstract, keywords, short titles or series numbers; particles are folded into the surname",
        sniff: sniff)

    /// Scores the first bytes: high for `<ref-list`, `<article`, `<element-citation` or a JATS
    /// DOCTYPE near the start, low for other XML.
    @Sendable public static func sniff(_ bytes: ArraySlice<UInt8>) -> Int {
        let head = String(decoding: bytes.prefix(8192), as: UTF8.self)
        var text = Substring(head)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard trimmed.hasPrefix("<") else { return 0 }
        for marker in ["<ref-list", "<element-citation", "<mixed-citation", "JATS", "-//NLM//DTD", "<article"] {
            if head.contains(marker) { return 90 }
        }
        if head.contains("<ref ") || head.contains("<ref>") { return 70 }
        return 20
    }
}
