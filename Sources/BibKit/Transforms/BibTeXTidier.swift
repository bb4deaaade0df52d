/// Tidying a BibTeX or BibLaTeX file as `bibkit tidy` does: read it in its own dialect
/// (without lending `crossref`/`xdata` parents' fields to their children), run a transform
/// chain (clean by default), write it back in the same dialect.
public struct BibTeXTidier: Sendable {
    /// The transforms to run.
    public var chain: TransformChain
    /// The dialect to read and write; nil detects it with ``dialect(of:)``.
    public var dialect: FormatID?
    /// Options for the writer.
    public var writeOptions: WriteOptions

    /// Creates a tidier; by default it runs the safe clean set.
    public init(chain: TransformChain = TransformChain(clean: Clean()), dialect: FormatID? = nil, writeOptions: WriteOptions = WriteOptions()) {
        self.chain = chain
        self.dialect = dialect
        self.writeOptions = writeOptions
    }

    /// What reading gave: the library, the dialect, whether the reader reported errors.
    public struct ReadResult: Sendable {
        /// The entries read.
        public var library: Library
        /// The dialect read (and to write).
        public var dialect: FormatID
        /// True when the reader reported errors (some of the file may not have been read).
        public var readErrors: Bool
    }

    /// Reads the bytes in the given or detected dialect.
    public func read(_ bytes: [UInt8], source: String, diagnostics: inout Diagnostics) -> ReadResult {
        let dialect = self.dialect ?? Self.dialect(of: bytes)
        let before = diagnostics.hasErrors
        var library = Library()
        if let plugin = FormatRegistry.plugin(named: dialect.rawValue) {
            // Each entry keeps its own fields and its `crossref`: inherited values written into
            // the children would change the file (and, where a parent's field is renamed on
            // writing, change it again on the next tidy).
            let pipeline = Pipeline(readOptions: ReadOptions(inheritCrossReferences: false))
            library = (try? pipeline.read(bytes, as: plugin, source: source, diagnostics: &diagnostics)) ?? Library()
        }
        return ReadResult(library: library, dialect: dialect, readErrors: diagnostics.hasErrors && !before)
    }

    /// Runs the chain and writes the library in `dialect`.
    public func tidy(_ library: inout Library, dialect: FormatID, diagnostics: inout Diagnostics) throws(BibKitError) -> (bytes: [UInt8], report: TransformReport) {
        let report = chain.apply(to: &library, diagnostics: &diagnostics)
        let bytes = try Pipeline(writeOptions: writeOptions).write(library, as: dialect, diagnostics: &diagnostics)
        return (bytes, report)
    }

    /// Reads, tidies and writes in one go.
    public func tidy(_ bytes: [UInt8], source: String, diagnostics: inout Diagnostics) throws(BibKitError) -> (bytes: [UInt8], report: TransformReport) {
        let read = read(bytes, source: source, diagnostics: &diagnostics)
        var library = read.library
        return try tidy(&library, dialect: read.dialect, diagnostics: &diagnostics)
    }

    /// BibLaTeX when BibLaTeX-only entry types (`@online`, `@thesis`, …) and fields
    /// (`journaltitle`, `date`, `urldate`, …) outnumber BibTeX-only ones (`journal`, `year`,
    /// `address`, `school`, `@phdthesis`, …); else BibTeX. Fields both dialects accept (and
    /// `location`, which BibTeX exports from ACM carry) do not count. With no marker either
    /// way at all, a file with UTF-8 text is BibLaTeX.
    public static func dialect(of bytes: [UInt8]) -> FormatID {
        let biblatexTypes: Set<String> = [
            "online", "thesis", "report", "dataset", "software", "mvbook", "mvcollection", "mvproceedings",
            "mvreference", "bookinbook", "collection", "inreference", "reference", "suppbook", "suppcollection",
            "suppperiodical", "xdata",
        ]
        let bibtexTypes: Set<String> = ["phdthesis", "mastersthesis", "techreport", "conference"]
        let biblatexFields: Set<String> = [
            "journaltitle", "date", "urldate", "eventdate", "origdate", "eprinttype", "eprintclass", "langid",
            "maintitle", "booksubtitle", "journalsubtitle",
        ]
        let bibtexFields: Set<String> = ["journal", "year", "address", "school"]
        var score = 0
        var bibtexOnly = false
        var biblatexOnly = false
        var i = 0
        var afterSeparator = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "@") {
                var j = i + 1
                while j < bytes.count, isASCIILetter(bytes[j]) { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self).lowercased()
                if biblatexTypes.contains(name) { score += 1; biblatexOnly = true } else if bibtexTypes.contains(name) { score -= 1; bibtexOnly = true }
                i = j
                afterSeparator = false
                continue
            }
            if afterSeparator && isASCIILetter(b) {
                var j = i
                while j < bytes.count, isASCIILetter(bytes[j]) { j += 1 }
                var k = j
                while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
                if k < bytes.count, bytes[k] == UInt8(ascii: "=") {
                    let name = String(decoding: bytes[i..<j], as: UTF8.self).lowercased()
                    if biblatexFields.contains(name) { score += 1; biblatexOnly = true } else if bibtexFields.contains(name) { score -= 1; bibtexOnly = true }
                }
                i = j
                afterSeparator = false
                continue
            }
            afterSeparator = b == 0x0A || b == 0x0D || b == 0x20 || b == 0x09 || b == UInt8(ascii: ",")
            i += 1
        }
        // No marker of either dialect at all: raw UTF-8 text is for biber (classic BibTeX files
        // escape it), and it is what tidying a BibLaTeX file left whose only marker was
        // `langid` (written as `language`).
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if !bibtexOnly, !biblatexOnly, bytes.dropFirst(bom).contains(where: { $0 >= 0x80 }) { return .biblatex }
        return score > 0 ? .biblatex : .bibtex
    }

    private static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
}
