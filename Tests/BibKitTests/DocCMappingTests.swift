import BibModel
import BibTeXFormat
@testable import CSLJSONFormat
import Foundation
@testable import JATSFormat
import RISFormat
import Testing

/// The field and type mappings in the DocC articles (`Sources/BibKit/BibKit.docc`) are
/// rendered from the formats' own tables, so the documentation cannot drift from the code.
/// `BIBKIT_RECORD_DOCS=1 swift test --filter DocCMappingTests` rewrites them after a table
/// changed on purpose.
@Suite struct DocCMappingTests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/BibKit/BibKit.docc")

    static func code(_ names: [String]) -> String {
        names.isEmpty ? "–" : names.map { "`\($0)`" }.joined(separator: ", ")
    }

    static func sorted(_ kinds: some Sequence<WorkType>) -> [WorkType] {
        kinds.sorted { $0.rawValue < $1.rawValue }
    }

    static func bibtexFields() -> String {
        var t = "| model field | BibTeX | BibLaTeX | BibTeX, by type | also read from |\n|---|---|---|---|---|\n"
        for row in BibTeXFieldTable.rows {
            let byType = row.bibtexByType.sorted { $0.key < $1.key }.map { "`@\($0.key)`: `\($0.value)`" }
            t += "| `\(row.field.rawValue)` | \(code(row.bibtex)) | \(code(row.biblatex)) | \(byType.isEmpty ? "–" : byType.joined(separator: ", ")) | \(code(row.readAliases)) |\n"
        }
        return t
    }

    static func bibtexTypes() -> String {
        var t = "| work type | genre | BibTeX | BibLaTeX |\n|---|---|---|---|\n"
        for row in BibTeXTypeTable.rows where row.direction == .both {
            t += "| `\(row.kind.rawValue)` | \(row.genre.map { "`\($0)`" } ?? "–") | `@\(row.bibtex)` | `@\(row.biblatex)` |\n"
        }
        let readOnly = BibTeXTypeTable.rows.filter { $0.direction == .readOnly }
        if !readOnly.isEmpty {
            t += "\nRead only: " + readOnly.map { "`@\($0.biblatex == $0.bibtex ? $0.bibtex : $0.biblatex)` → `\($0.kind.rawValue)`" }
                .joined(separator: ", ") + ".\n"
        }
        return t
    }

    static func risTypes() -> String {
        var t = "| work type | `TY` written | also read |\n|---|---|---|\n"
        let rows = RISTypeTable.rows
        for kind in sorted(Set(rows.map(\.kind)).union(RISTypeTable.substitutes.keys)) {
            let written = rows.first { $0.kind == kind && $0.canonical }.map { "`\($0.ty)`" }
                ?? RISTypeTable.substitutes[kind].map { "`\($0)` (it has no `TY` of its own)" } ?? "–"
            let read = rows.filter { $0.kind == kind && !$0.canonical }.map(\.ty)
            t += "| `\(kind.rawValue)` | \(written) | \(code(read)) |\n"
        }
        return t
    }

    static func risTags() -> String {
        var t = "| tag | model | work types | use |\n|---|---|---|---|\n"
        for rule in RISTagTable.rules {
            let scope: String
            switch rule.scope {
            case .all: scope = "all"
            case .only(let kinds): scope = sorted(kinds).map(\.rawValue).joined(separator: ", ")
            case .except(let kinds): scope = "all but " + sorted(kinds).map(\.rawValue).joined(separator: ", ")
            }
            let use: String
            switch rule.direction {
            case .both: use = "read and written"
            case .read: use = "read (rank \(rule.rank))"
            case .writeFallback: use = "written when the usual tag is taken"
            }
            t += "| `\(rule.tag)` | \(rule.target) | \(scope) | \(use) |\n"
        }
        return t
    }

    static func cslFields() -> String {
        var t = "| model field | CSL variable |\n|---|---|\n"
        for field in Field.allCases {
            if let variable = CSLVariables.fieldVariable[field] { t += "| `\(field.rawValue)` | `\(variable)` |\n" }
        }
        for (kind, variable) in CSLVariables.identifierVariables { t += "| identifier `\(kind.rawValue)` | `\(variable)` |\n" }
        for (variable, level, role) in CSLVariables.levelNameVariables {
            t += "| \(level) `\(role.rawValue)` | `\(variable)` |\n"
        }
        return t
    }

    static func cslTypes() -> String {
        var t = "| work type | CSL `type` |\n|---|---|\n"
        for row in CSLTypes.rows { t += "| `\(row.kind.rawValue)` | `\(row.csl)` |\n" }
        let aliases = CSLTypes.readAliases.sorted { $0.key < $1.key }.map { "`\($0.key)` → `\($0.value.rawValue)`" }
        return t + "\nAlso read: " + aliases.joined(separator: ", ") + ".\n"
    }

    static func jatsTables() -> String {
        var t = "| work type | `publication-type` | written as |\n|---|---|---|\n"
        for row in JATSTables.types {
            t += "| `\(row.kind.rawValue)` | `\(row.publicationType)` | \(row.canonical ? "as is" : "with `specific-use=\"csl:\(row.kind.rawValue)\"`") |\n"
        }
        t += "\n| contributor role | `person-group-type` |\n|---|---|\n"
        for (role, group) in JATSTables.roles { t += "| `\(role.rawValue)` | `\(group)` |\n" }
        t += "\n| identifier | `pub-id-type` |\n|---|---|\n"
        for (kind, type) in JATSTables.pubIDs { t += "| `\(kind.rawValue)` | `\(type)` |\n" }
        return t
    }

    /// Article file → the tables it shows, each between `<!-- table:NAME -->` and `<!-- end -->`.
    static let articles: [String: [(name: String, render: @Sendable () -> String)]] = [
        "BibTeX.md": [("bibtex-fields", bibtexFields), ("bibtex-types", bibtexTypes)],
        "RIS.md": [("ris-types", risTypes), ("ris-tags", risTags)],
        "CSLJSON.md": [("csl-fields", cslFields), ("csl-types", cslTypes)],
        "JATS.md": [("jats-tables", jatsTables)],
    ]

    @Test(arguments: articles.keys.sorted())
    func articleTablesComeFromTheCode(article: String) throws {
        let url = Self.catalog.appendingPathComponent(article)
        var text = try String(contentsOf: url, encoding: .utf8)
        let record = ProcessInfo.processInfo.environment["BIBKIT_RECORD_DOCS"] == "1"
        for (name, render) in Self.articles[article] ?? [] {
            let open = "<!-- table:\(name) -->\n"
            let close = "<!-- end -->"
            let start = try #require(text.range(of: open), "\(article) has no \(open)")
            let end = try #require(text[start.upperBound...].range(of: close), "\(article): \(name) is not closed")
            let table = "\n" + render() + "\n"
            if record {
                text.replaceSubrange(start.upperBound..<end.lowerBound, with: table)
            } else {
                #expect(
                    String(text[start.upperBound..<end.lowerBound]) == table,
                    "\(article): the \(name) table differs from the code's table; run BIBKIT_RECORD_DOCS=1 swift test --filter DocCMappingTests")
            }
        }
        if record { try Data(text.utf8).write(to: url) }
    }
}
