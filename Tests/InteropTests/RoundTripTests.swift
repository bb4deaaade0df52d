import BibKit
import Testing

/// Cross-format round trips over every corpus file, in process, through the registry's
/// plug-ins: what one format writes, the other reads back with every value both can hold.
/// Each check has a known-exception list in `Fixtures/` (a ratchet: it may only shrink).
@Suite(.enabled(if: Corpus.available, Corpus.absent))
struct RoundTripTests {
    /// CSL-JSON keeps every value (what has no variable goes to `custom`), but its markup
    /// has no raw LaTeX commands, link targets or monospace, and it has no `@string` macros
    /// (values are written expanded), so those are not compared.
    static let cslProjection = Projection(text: .portable, excluding: ["extra:bibtex-macro:"])

    /// BibTeX writes what it has no field for as a field of its own, but collapses white
    /// space, writes page ranges with `--`, has one `von` part for both kinds of particle,
    /// braces a family-only name like an organisation, and keeps a thesis's publisher as its
    /// `school`.
    static let bibtexProjection = Projection(
        names: .particlesMerged, standardNumbers: .levelsMerged, collapseWhitespace: true, normalizePages: true, publisherIsInstitution: true,
        familyOnlyIsLiteral: true)

    /// RIS keeps the values and their formatting (what it has no tag for goes to `N1` notes
    /// and comes back), but has no raw LaTeX, link targets or `@string` macros, one `SN`
    /// for ISBN and ISSN, one `PB` for publisher and institution, `Last, First` names that
    /// cannot mark particles, and link tags that do not say which link is the file.
    static let risProjection = Projection(
        text: .portable, excluding: ["extra:bibtex-macro:"], names: .particlesFolded, standardNumbers: .oneSet,
        linkKinds: false, collapseWhitespace: true, publisherIsInstitution: true)

    /// JATS has no "no case change" markup and one surname (particles are folded into it);
    /// a citation key that is not an XML name cannot be a `ref id`; an ISBN is the book's
    /// whether the work is the book or a chapter; `<pub-id>` holds no arXiv class and
    /// `<lpage>` is whole; XML text collapses white space. Everything else the writer cannot place it reports
    /// (`jats.unwritable-field`); those fields are left out, so the comparison proves that
    /// nothing is lost silently.
    static func jatsProjection(unwritable: [String]) -> Projection {
        var excluding: [String] = []
        for field in unwritable {
            switch field {
            case "genre": excluding += ["genre", "field:genre"]
            case "abstract", "keyword", "language", "title-short": excluding.append(field)
            case "container-title-short": excluding.append("container.title-short")
            case "container number": excluding.append("container.number")
            case "collection-number": excluding.append("series.number")
            case "collection-title-short": excluding.append("series.title-short")
            case "collection identifiers": excluding.append("series.id")
            case let f where f.contains(":"): excluding.append("extra:" + f)
            default: excluding.append("field:" + field)
            }
        }
        return Projection(
            text: .portableWithoutCaseProtection, excluding: excluding, names: .particlesFolded,
            standardNumbers: .levelsMerged, identifierQualifiers: false, keysAsXMLIDs: true, collapseWhitespace: true,
            normalizePages: true)
    }

    static let bibCSLExceptions = ExceptionList("roundtrip-bibtex-csljson.txt")
    static let bibRISExceptions = ExceptionList("roundtrip-bibtex-ris.txt")
    static let cslBibExceptions = ExceptionList("roundtrip-csljson-bibtex.txt")
    static let jatsExceptions = ExceptionList("roundtrip-jats.txt")

    /// BibTeX → CSL-JSON → BibTeX and BibTeX → RIS → BibTeX: the BibTeX written after the
    /// detour holds the same values as the BibTeX written directly (so only the detour's own
    /// losses can show), compared on what the detour format can hold.
    @Test(arguments: Corpus.bibtex)
    func bibtexThroughCSLAndRIS(_ path: String) throws {
        let original = try Convert.readCorpus(path).library
        let direct = try Convert.through(original, "bibtex", source: path)

        let viaCSL = try Convert.through(try Convert.through(original, "csl-json", source: path), "bibtex", source: path)
        let csl = LibraryComparison(direct, viaCSL, projection: Self.cslProjection)
        Self.check(csl, path: path, list: Self.bibCSLExceptions, name: "roundtrip-bibtex-csljson.txt")

        let viaRIS = try Convert.through(try Convert.through(original, "ris", source: path), "bibtex", source: path)
        let ris = LibraryComparison(direct, viaRIS, projection: Self.risProjection)
        Self.check(ris, path: path, list: Self.bibRISExceptions, name: "roundtrip-bibtex-ris.txt")
    }

    /// CSL-JSON → BibTeX → CSL-JSON keeps every value: BibTeX writes what it has no field
    /// for as a field of its own.
    @Test(arguments: Corpus.cslJSON)
    func cslJSONThroughBibTeX(_ path: String) throws {
        let original = try Convert.readCorpus(path).library
        let back = try Convert.through(original, "bibtex", source: path)
        let comparison = LibraryComparison(original, back, projection: Self.bibtexProjection)
        Self.check(comparison, path: path, list: Self.cslBibExceptions, name: "roundtrip-csljson-bibtex.txt")
    }

    /// model → JATS → model keeps every value JATS can hold, for every BibTeX, RIS and
    /// CSL-JSON corpus file. JATS holds biblatex's subtitles joined to their titles: the
    /// model read back is compared with the model so joined.
    @Test(arguments: Corpus.bibtex + Corpus.ris + Corpus.cslJSON)
    func modelThroughJATS(_ path: String) throws {
        var original = try Convert.readCorpus(path).library
        let (bytes, diagnostics) = try Convert.write(original, as: "jats")
        original.entries = original.entries.map { TitleParts.joiningParts(of: $0, read: FormatRegistry.extraText) }
        let back = try Convert.read(bytes, as: "jats", source: path).0
        let unwritable = diagnostics.all.filter { $0.code == "jats.unwritable-field" }.compactMap(\.field)
        let comparison = LibraryComparison(original, back, projection: Self.jatsProjection(unwritable: unwritable))
        Self.check(comparison, path: path, list: Self.jatsExceptions, name: "roundtrip-jats.txt")
    }

    /// A difference must be listed; a listed file must still differ.
    static func check(
        _ comparison: LibraryComparison, path: String, list: ExceptionList, name: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        if list.contains(path) {
            #expect(!comparison.isEqual, "\(path) now round-trips: remove it from Fixtures/\(name)", sourceLocation: sourceLocation)
        } else {
            #expect(comparison.isEqual, "\(path): \(comparison.summary)", sourceLocation: sourceLocation)
        }
    }
}
