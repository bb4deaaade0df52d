@_exported import BibModel
import BibSchemas
import BibTeXFormat
import CSLJSONFormat
import JATSFormat
import ProfileTextFormat
import RISFormat

/// The formats bibkit knows, listed by hand: adding a format is its module plus one line here.
public enum FormatRegistry {
    /// Every registered format, in the order `bibkit formats` lists them.
    public static let plugins: [FormatPlugin] = [
        ProfileTextFormat.plugin,
        BibTeXFormat.bibtexPlugin,
        BibTeXFormat.biblatexPlugin,
        RISFormat.plugin,
        CSLJSONFormat.plugin.validated { CSLJSONValidation.validate($0, against: BibSchemas.cslJSON, source: $1) },
        JATSFormat.plugin.validated { JATSValidation.validate(bytes: $0, source: $1) },
    ]

    /// An extra read as text by the plug-in whose namespace it is in (see
    /// ``BibModel/WriteOptions/extraText``), or nil.
    public static func extraText(_ key: FieldKey, _ value: String) -> RichText? {
        for plugin in plugins {
            if let read = plugin.extraText, let text = read(key, value) { return text }
        }
        return nil
    }

    /// The plug-in for a name or alias (case-insensitive), or nil.
    public static func plugin(named name: String) -> FormatPlugin? {
        let wanted = name.lowercased()
        return plugins.first { $0.descriptor.id.rawValue == wanted || $0.descriptor.aliases.contains(wanted) }
    }

    /// The plug-in for a name, or an error listing the valid names.
    public static func plugin(named name: String, for capability: Capability) throws(BibKitError) -> FormatPlugin {
        guard let plugin = plugin(named: name) else {
            throw .unknownFormat(name, valid: names(for: capability))
        }
        switch capability {
        case .read where plugin.reader == nil, .write where plugin.writer == nil:
            throw .unsupported(plugin.descriptor.id, capability, valid: names(for: capability))
        default:
            return plugin
        }
    }

    /// The canonical names of the formats that can be read or written.
    public static func names(for capability: Capability) -> [String] {
        plugins.filter { capability == .read ? $0.reader != nil : $0.writer != nil }
            .map { $0.descriptor.id.rawValue }
    }

    /// The readable format for a file extension (`bib`, `txt`), if exactly one claims it.
    public static func readableFormat(forExtension ext: String) -> FormatPlugin? {
        let ext = ext.lowercased()
        return plugins.first { $0.reader != nil && $0.descriptor.extensions.contains(ext) }
    }

    /// The writable format for a file extension, used when the output path names it.
    public static func writableFormat(forExtension ext: String) -> FormatPlugin? {
        let ext = ext.lowercased()
        return plugins.first { $0.writer != nil && $0.descriptor.extensions.contains(ext) }
    }

    /// Guesses the format of content from its first bytes: the readable plug-in whose sniff
    /// scores highest (above zero), or nil.
    public static func sniff(_ bytes: [UInt8]) -> FormatPlugin? {
        let prefix = bytes.prefix(64 * 1024)
        var best: (score: Int, plugin: FormatPlugin)?
        for plugin in plugins where plugin.reader != nil {
            let score = plugin.descriptor.sniff(prefix)
            if score > 0, score > (best?.score ?? 0) { best = (score, plugin) }
        }
        return best?.plugin
    }

    /// Reading or writing.
    public enum Capability: Sendable, Equatable {
        /// The format can be read.
        case read
        /// The format can be written.
        case write
    }
}
