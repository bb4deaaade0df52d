import BibModel
import Testing

@testable import RISFormat

/// The tag table and the type table, in both directions.
@Suite struct TagTableTests {
    /// A sample value for each target, and where to find it after reading.
    static func sample(_ target: RISTarget, kind: WorkType) -> (set: (inout Entry) -> Void, get: (Entry) -> String?, value: String)? {
        switch target {
        case .type, .end:
            return nil
        case .key:
            return ({ $0.key = "smith2020" }, { $0.key }, "smith2020")
        case .contributor(let role):
            return (
                { $0.contributors[role] = NameList([PersonName(family: "Doe", given: "Jane")]) },
                { $0.contributors[role]?.names.first.map(RISNames.format) }, "Doe, Jane"
            )
        case .title:
            return ({ $0.title = "A Title" }, { $0.title?.plainText }, "A Title")
        case .shortTitle:
            return ({ $0.shortTitle = "Short" }, { $0.shortTitle?.plainText }, "Short")
        case .containerTitle:
            return ({ $0.container = Level(title: "Journal X") }, { $0.container?.title?.plainText }, "Journal X")
        case .containerAbbreviation:
            return ({ $0.container = Level(shortTitle: "J. X") }, { $0.container?.shortTitle }, "J. X")
        case .seriesTitle:
            return ({ $0.series = Level(title: "Series S") }, { $0.series?.title?.plainText }, "Series S")
        case .date(let role):
            return (
                { $0.dates[role] = .typed(BibDate(year: 2020, month: 5, day: 17)) },
                { $0.dates[role]?.typed?.edtf }, "2020-05-17"
            )
        case .year:
            return ({ $0.issued = .typed(BibDate(year: 2020)) }, { $0.issued?.typed?.edtf }, "2020")
        case .field(let f):
            let v: String
            switch f {
            case .page: v = "12-34"
            case .numberOfPages: v = "300"
            case .number: v = "R-123/A"
            default: v = "value of \(f.rawValue)"
            }
            return ({ $0.fields[f] = v }, { $0.fields[f] }, v)
        case .standardNumber:
            let serial = RISTagTable.serialKinds.contains(kind)
            let v = serial ? "1234-5678" : "978-3-16-148410-0"
            let idKind: IdentifierKind = serial ? .issn : .isbn
            return (
                { e in
                    if RISTagTable.containedKinds.contains(kind) {
                        e.container = Level(identifiers: [Identifier(idKind, v)])
                    } else {
                        e.identifiers = [Identifier(idKind, v)]
                    }
                },
                { e in (e.identifiers + (e.container?.identifiers ?? [])).first { $0.kind == idKind }?.value }, v
            )
        case .doi:
            return ({ $0.identifiers = [Identifier(.doi, "10.1234/abc.5")] }, { $0.identifier(.doi) }, "10.1234/abc.5")
        case .link(let k):
            let url = k == .file ? "internal-pdf://1234/paper.pdf" : "https://example.org/\(k.rawValue).pdf"
            return ({ $0.links = [Link(url, kind: k)] }, { $0.links.first { $0.kind == k }?.url }, url)
        case .abstract:
            return ({ $0.abstract = "An abstract." }, { $0.abstract?.plainText }, "An abstract.")
        case .keyword:
            return ({ $0.keywords = ["graphs"] }, { $0.keywords.first }, "graphs")
        case .language:
            return ({ $0.language = "en" }, { $0.language }, "en")
        case .note:
            return ({ $0.notes = ["A note."] }, { $0.notes.first?.plainText }, "A note.")
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var rule: RISTagRule
        var kind: WorkType
        var testDescription: String { "\(rule.tag) ↔ \(rule.target) for \(kind.rawValue)" }
    }

    /// Every `both` row for every work type it applies to.
    static let bothCases: [Case] = RISTagTable.rules.filter { $0.direction == .both }.flatMap { rule in
        WorkType.allCases.filter { rule.scope.contains($0) }.map { Case(rule: rule, kind: $0) }
    }

    /// Writing a value of the row's target emits the row's tag, and reading it back puts
    /// the same value in the same place: the table is symmetric.
    @Test(arguments: bothCases)
    func everyRowRoundTrips(_ c: Case) throws {
        guard let s = Self.sample(c.rule.target, kind: c.kind) else { return }
        var entry = Entry(type: EntryType(c.kind))
        if c.rule.target != .title { entry.title = "T" }
        // With an issue present, M1 is unambiguously the number (without one, see DialectTests.endNoteIssueInM1).
        if c.rule.target == .field(.number) { entry.fields[.issue] = "3" }
        s.set(&entry)
        let text = writeRIS(entry)
        let lines = tagLines(text)
        #expect(lines.contains { $0.hasPrefix("\(c.rule.tag)  - ") }, "no \(c.rule.tag) line written:\n\(text)")
        let back = readOne(text)
        #expect(s.get(back) == s.value, "read back \(String(describing: s.get(back))) from:\n\(text)")
        #expect(back.type.kind == c.kind)
    }

    /// Each target has exactly one written tag per work type (pages: SP and EP).
    @Test func writeTagsAreUnambiguous() {
        for rule in RISTagTable.rules where rule.direction == .both {
            for kind in WorkType.allCases where rule.scope.contains(kind) {
                let tags = RISTagTable.writeTags(for: rule.target, kind: kind)
                #expect(tags.count == (rule.target == .field(.page) ? 2 : 1), "\(rule.target) for \(kind): \(tags)")
            }
        }
    }

    /// Every `both` row's tag reads back into its target for the row's types.
    @Test func readRowsMatchWriteRows() {
        for rule in RISTagTable.rules where rule.direction == .both {
            for kind in WorkType.allCases where rule.scope.contains(kind) {
                #expect(RISTagTable.readRules(tag: rule.tag, kind: kind).contains { $0.target == rule.target }, "\(rule.tag) \(kind)")
            }
        }
    }

    /// Read-only rows (old tags, vendor tags) land in the same place as the tag that replaces them.
    @Test(arguments: [
        ("A1", "AU"), ("ED", "A2"), ("T1", "TI"), ("CT", "TI"), ("JF", "T2"), ("JO", "T2"), ("JA", "T2"), ("J1", "T2"),
        ("Y1", "DA"), ("N2", "AB"), ("DI", "DO"), ("VO", "VL"), ("H2", "CN"),
    ])
    func readOnlyTagsReadLikeTheirModernTag(old: String, modern: String) {
        let value: String
        switch modern {
        case "AU", "A2": value = "Doe, Jane"
        case "DA": value = "2019/04/05/"
        case "DO": value = "10.1000/xyz"
        default: value = "Some value"
        }
        let a = readOne(record("JOUR", "TI  - T", "\(old)  - \(value)"))
        let b = readOne(record("JOUR", "TI  - T", "\(modern)  - \(value)"))
        if old == "CT" || old == "T1" {
            #expect(readOne(record("JOUR", "\(old)  - \(value)")).title?.plainText == value)
        } else {
            #expect(a == b, "\(old) reads differently from \(modern)")
        }
    }

    /// Fallback rows: written into a borrowed tag, read back into that tag's target.
    @Test func fallbacks() {
        var e = Entry(type: EntryType(.thesis), title: "T")
        e.fields[.institution] = "MIT"
        #expect(writeRIS(e).contains("PB  - MIT\r\n"))
        #expect(readOne(writeRIS(e)).fields[.publisher] == "MIT")
        e.fields[.publisher] = "MIT Press"
        #expect(writeRIS(e).contains("N1  - bibkit:institution: MIT\r\n"))
        #expect(readOne(writeRIS(e)).fields[.institution] == "MIT")
        let code = Entry(type: EntryType(.article), title: "T", links: [Link("https://github.com/x/y", kind: .code)])
        #expect(writeRIS(code).contains("UR  - https://github.com/x/y\r\n"))
    }

    /// Tags without a row go to `extra` verbatim and come back as the same tag.
    @Test(arguments: ["AD", "C1", "C2", "C7", "C8", "CA", "DP", "LB", "L4", "OP", "RI", "RP", "TA", "TT", "U1", "M2", "L3", "UK"])
    func tagsWithoutARowRoundTripThroughExtra(tag: String) {
        let text = record("JOUR", "TI  - T", "\(tag)  - some value")
        let e = readOne(text)
        #expect(e.extra[FieldKey("ris", tag)] == "some value")
        #expect(tagLines(writeRIS(e)).contains("\(tag)  - some value"))
    }
}

/// The `TY` table.
@Suite struct TypeTableTests {
    /// Every TY value of the research notes (§8.2) plus the vendor values seen in the corpus.
    static let researchTYs = [
        "ABST", "ADVS", "AGGR", "ANCIENT", "ART", "BILL", "BLOG", "BOOK", "CASE", "CHAP", "CHART", "CLSWK", "COMP", "CONF",
        "CPAPER", "CTLG", "DATA", "DBASE", "DICT", "EBOOK", "ECHAP", "EDBOOK", "EJOUR", "ELEC", "ENCYC", "EQUA", "FIGURE",
        "GEN", "GOVDOC", "GRANT", "GRNT", "HEAR", "ICOMM", "INPR", "JFULL", "JOUR", "LEGAL", "MANSCPT", "MAP", "MGZN", "MPCT",
        "MULTI", "MUSIC", "NEWS", "PAMP", "PAT", "PCOMM", "RPRT", "SER", "SLIDE", "SOUND", "STAND", "STAT", "STD", "THES",
        "UNBILL", "UNPB", "UNPD", "VIDEO", "WEB", "JOURN", "INTV", "POD", "PRESS", "OTHER",
    ]

    @Test(arguments: researchTYs)
    func everyTYHasARowAndRoundTrips(_ ty: String) throws {
        let row = try #require(RISTypeTable.row(for: ty), "no row for \(ty)")
        let e = readOne(record(ty, "TI  - T"))
        #expect(e.type.kind == row.kind)
        #expect(e.type.original == FieldKey("ris", ty))
        // Written back: the same TY when clients accept it, else the canonical one plus a note.
        let written = writeRIS(e)
        if row.portable {
            #expect(tagLines(written).first == "TY  - \(ty)")
        } else {
            #expect(tagLines(written).contains("N1  - ris:TY: \(ty)"))
        }
        let back = readOne(written)
        #expect(back.type == e.type)
    }

    @Test(arguments: ["jour", " JOUR ", "Jour"])
    func tyIsCaseInsensitive(_ ty: String) {
        #expect(readOne(record(ty, "TI  - T")).type.kind == .articleJournal)
    }

    @Test(arguments: WorkType.allCases)
    func everyWorkTypeIsWrittenAsAPortableTYAndReadBack(_ kind: WorkType) throws {
        let e = Entry(type: EntryType(kind), title: "T")
        let written = writeRIS(e)
        let ty = try #require(tagLines(written).first?.dropFirst(6)).description
        #expect(RISTypeTable.row(for: ty)?.portable == true, "\(kind) written as \(ty)")
        #expect(readOne(written).type.kind == kind)
    }

    @Test func eachWorkTypeHasAtMostOneCanonicalRow() {
        var seen: [WorkType: String] = [:]
        for row in RISTypeTable.rows where row.canonical {
            #expect(seen[row.kind] == nil, "\(row.kind): \(seen[row.kind] ?? "") and \(row.ty)")
            seen[row.kind] = row.ty
            #expect(row.portable)
        }
        for kind in WorkType.allCases where seen[kind] == nil {
            #expect(RISTypeTable.substitutes[kind] != nil, "\(kind) has neither a row nor a substitute")
        }
    }

    @Test func unknownTypeIsKeptAndReported() throws {
        let (lib, d) = readRIS(record("FOO", "TI  - T"))
        let e = try #require(lib.entries.first)
        #expect(e.type.kind == .document)
        #expect(e.type.original == FieldKey("ris", "FOO"))
        #expect(d.all.contains { $0.code == "ris.unknown-type" && $0.location?.line == 1 })
        let written = writeRIS(e)
        #expect(tagLines(written).first == "TY  - GEN")
        #expect(readOne(written).type.original == FieldKey("ris", "FOO"))
    }

    @Test func emptyTYIsReported() {
        let (lib, d) = readRIS("TY  - \r\nTI  - T\r\nER  - \r\n")
        #expect(lib.entries.first?.type.kind == .document)
        #expect(d.all.contains { $0.code == "ris.missing-type" })
    }
}
