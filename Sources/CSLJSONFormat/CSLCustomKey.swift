/// The keys bibkit writes into an item's `custom` object for what CSL 1.0.2 has no
/// variable for, and reads back so that model → CSL-JSON → model is the identity.
///
/// Two kinds of key live there:
/// - the names below (no colon) carry model data, in this order;
/// - `namespace:name` keys carry the entry's ``BibModel/Entry/extra`` fields verbatim, in
///   their order (`bibtex:timestamp`, `csl:journal`, …). A namespace ending in `-json`
///   holds a JSON value rather than a string. A foreign `custom` key `k` without a colon is
///   read as `custom:k` (`custom-json:k` when not a string) and written back as `k`.
///
/// Values written at the top level only *for the reader's benefit* — e.g. `publisher` taken
/// from a thesis institution, `URL` made from an arXiv id — are listed in `derived`, and the
/// reader ignores those variables because the model data is elsewhere.
public enum CSLCustomKey {
    /// The source format's own type (`bibtex:inproceedings`), when it is not the CSL type.
    public static let originalType = "original-type"
    /// ``BibModel/EntryType/genre`` (`phd`, `preprint`).
    public static let typeGenre = "type-genre"
    /// Degree-granting or issuing institution (``BibModel/Field/institution``).
    public static let institution = "institution"
    /// Organisation (``BibModel/Field/organization``).
    public static let organization = "organization"
    /// BibTeX `howpublished` (``BibModel/Field/howPublished``).
    public static let howPublished = "howpublished"
    /// Copyright or licence (``BibModel/Field/rights``; CSL 1.0.2 lacks `license`).
    public static let rights = "rights"
    /// The number of the container (``BibModel/Level/number``).
    public static let containerNumber = "container-number"
    /// The series' abbreviated title.
    public static let collectionTitleShort = "collection-title-short"
    /// Identifiers the top-level variables do not carry: `[{"kind", "value", "qualifier"?, "level"?}]`.
    /// When `derived` lists the identifier variables, this is the complete list.
    public static let identifiers = "identifiers"
    /// Links other than `URL`: `[{"url", "kind"}]`; the complete list when `derived` has `URL`.
    public static let links = "links"
    /// The keywords, when `keyword` (comma-joined) cannot carry them exactly.
    public static let keywords = "keywords"
    /// The notes (CSL markup each), when there is more than one.
    public static let notes = "notes"
    /// Contributors in roles CSL has no variable for: `{role: [name objects]}`.
    public static let names = "names"
    /// Name variables filled from a level: `{"editor": "container", "collection-editor": "series"}`.
    public static let namesFrom = "names-from"
    /// Container contributors not written at the top level: `{role: [name objects]}`.
    public static let containerNames = "container-names"
    /// Series contributors not written at the top level: `{role: [name objects]}`.
    public static let seriesNames = "series-names"
    /// Name lists cut short ("et al."): top-level variables (`author`) or `names/role`,
    /// `container-names/role`, `series-names/role`.
    public static let truncated = "truncated"
    /// Dates in roles CSL has no variable for: `{role: date object}`.
    public static let dates = "dates"
    /// The exact EDTF of dates CSL 1.0 cannot express (open ranges, uncertain): `{role: edtf}`.
    public static let edtf = "edtf"
    /// The lossless markup (math as TeX between `$` signs) of rich-text variables whose
    /// top-level value has math typeset for readers: `{"abstract": "… <span class=\"nocase\">$d \\cdot Δ_2$</span> …"}`.
    /// Those variables are listed in `derived`; the reader takes these values instead.
    public static let tex = "tex"
    /// Top-level variables written only for consumers; the reader ignores them.
    public static let derived = "derived"

    /// The model keys, in the order they are written.
    public static let all: [String] = Slot.allCases.map(\.key)

    /// The model keys by position in ``all`` (the writer keeps them by position, not by name).
    enum Slot: Int, CaseIterable {
        case originalType, typeGenre, institution, organization, howPublished, rights, containerNumber
        case collectionTitleShort, identifiers, links, keywords, notes, names, namesFrom, containerNames
        case seriesNames, truncated, dates, edtf, tex, derived

        /// The key.
        var key: String {
            switch self {
            case .originalType: return CSLCustomKey.originalType
            case .typeGenre: return CSLCustomKey.typeGenre
            case .institution: return CSLCustomKey.institution
            case .organization: return CSLCustomKey.organization
            case .howPublished: return CSLCustomKey.howPublished
            case .rights: return CSLCustomKey.rights
            case .containerNumber: return CSLCustomKey.containerNumber
            case .collectionTitleShort: return CSLCustomKey.collectionTitleShort
            case .identifiers: return CSLCustomKey.identifiers
            case .links: return CSLCustomKey.links
            case .keywords: return CSLCustomKey.keywords
            case .notes: return CSLCustomKey.notes
            case .names: return CSLCustomKey.names
            case .namesFrom: return CSLCustomKey.namesFrom
            case .containerNames: return CSLCustomKey.containerNames
            case .seriesNames: return CSLCustomKey.seriesNames
            case .truncated: return CSLCustomKey.truncated
            case .dates: return CSLCustomKey.dates
            case .edtf: return CSLCustomKey.edtf
            case .tex: return CSLCustomKey.tex
            case .derived: return CSLCustomKey.derived
            }
        }
    }

    /// The rich-text variables `tex` may hold, in the order they are written.
    public static let texVariables: [String] = [
        "title", "title-short", "container-title", "collection-title", "abstract", "note", "volume-title",
    ]

    /// The model keys as a set.
    static let reserved: Set<String> = Set(all)
}
