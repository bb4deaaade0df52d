import BibModel

/// CSL-JSON, the format Zotero, pandoc and citeproc exchange: the plug-in with its reader,
/// writer and content sniff.
public enum CSLJSONFormat {
    /// The plug-in for the registry.
    public static let plugin = FormatPlugin(
        FormatDescriptor(
            id: .cslJSON, aliases: ["csljson", "csl", "json"], extensions: ["json"],
            summary: "CSL-JSON 1.0.2 (Zotero, pandoc, citeproc)",
            lossiness: "CSL has no variables for some fields (institution, howpublished, arXiv ids, extra links): "
                + "they are kept in each item's `custom` object; open and uncertain dates are written as literals "
                + "with their EDTF in `custom`; collection metadata is not written",
            sniff: sniff),
        reader: CSLJSONReader(), writer: CSLJSONWriter()
    ).streaming(writer: { CSLJSONWriter.Stream(options: $0) })

    /// How likely the first bytes are CSL-JSON (0–100): high for `[` or `{` soon followed by
    /// an `"id"`, `"type"` or other CSL key; low for other JSON; zero for anything else.
    @Sendable public static func sniff(_ prefix: ArraySlice<UInt8>) -> Int {
        var i = prefix.startIndex
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { i += 3 }
        while i < prefix.endIndex, prefix[i] == 0x20 || prefix[i] == 0x09 || prefix[i] == 0x0A || prefix[i] == 0x0D {
            i += 1
        }
        guard i < prefix.endIndex, prefix[i] == UInt8(ascii: "[") || prefix[i] == UInt8(ascii: "{") else { return 0 }
        // Look for a CSL key among the first few hundred bytes.
        let window = prefix[i..<min(prefix.endIndex, i + 2048)]
        let keys: [[UInt8]] = ["\"id\"", "\"type\"", "\"title\"", "\"author\"", "\"issued\"", "\"citation-key\""].map { Array($0.utf8) }
        for key in keys where contains(window, key) { return 90 }
        return 30
    }

    private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
