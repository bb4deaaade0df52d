import BibModel

/// Maps one CSL item (a parsed JSON object) to an ``Entry``, reporting problems with the
/// JSON path and location of the offending value.
struct CSLItemReader {
    let node: JSONNode
    let path: String
    let lines: LineIndex
    var diagnostics = Diagnostics()

    private var entry = Entry(type: EntryType(.document))
    private var key: String?
    /// Top-level variables the writer derived from data kept in `custom`.
    private var derived: Set<String> = []
    private var namesFrom: [String: String] = [:]
    private var custom: [JSONMember] = []
    private var topIdentifiers: [String: String] = [:]
    private var url: String?
    private var keyword: String?
    private var note: RichText?
    private var containerTitle: RichText?
    private var containerShort: String?
    private var seriesTitle: RichText?
    private var seriesNumber: String?
    private var levelNames: [String: [(ContributorRole, NameList)]] = [:]

    init(node: JSONNode, path: String, lines: LineIndex) {
        self.node = node
        self.path = path
        self.lines = lines
    }

    // MARK: Diagnostics

    private func at(_ p: String, _ key: String) -> String { p + "." + key }

    private func show(_ p: String) -> String { p.hasPrefix(".") ? String(p.dropFirst()) : p }

    private mutating func report(
        _ severity: Diagnostic.Severity, _ code: String, _ message: String, _ value: JSONNode, _ p: String
    ) {
        let shown = show(p)
        diagnostics.report(Diagnostic(
            severity, code: code, message: (shown.isEmpty ? "" : "`\(shown)`: ") + message,
            location: lines.location(ofOffset: value.start), entryKey: key, field: shown.isEmpty ? nil : shown))
    }

    // MARK: Entry point

    mutating func read() -> Entry {
        let members = node.members ?? []
        // Later duplicates win, as in most JSON readers; say so.
        var seen: [String: Int] = [:]
        var effective: [JSONMember] = []
        for member in members {
            if let i = seen[member.key] {
                report(.warning, "csl.duplicate-variable", "`\(member.key)` appears more than once; the last value is used", member.value, at(path, member.key))
                effective[i] = member
            } else {
                seen[member.key] = effective.count
                effective.append(member)
            }
        }
        entry.origin = SourceRange(start: lines.location(ofOffset: node.start), endOffset: node.end)
        readKey(effective)
        if let customNode = effective.first(where: { $0.key == "custom" })?.value {
            readCustomHeader(customNode)
        }
        readType(effective)
        for member in effective {
            switch member.key {
            case "id", "citation-key", "type", "custom": continue
            default:
                if isDerived(member.key) { continue }
                readVariable(member)
            }
        }
        if let customNode = effective.first(where: { $0.key == "custom" })?.value {
            readCustomBody(customNode)
        }
        finish()
        return entry
    }

    // MARK: Key and type

    private mutating func readKey(_ members: [JSONMember]) {
        let idNode = members.first { $0.key == "id" }?.value
        let citationKey = members.first { $0.key == "citation-key" }?.value
        var idText: String?
        if let idNode {
            switch idNode.value {
            case .string(let s): idText = s
            case .number(let s): idText = s
            default:
                report(.error, "csl.bad-value", "`id` must be a string or a number, found \(idNode.typeName)", idNode, at(path, "id"))
            }
        }
        if let citationKey {
            if let s = citationKey.string, !s.isEmpty {
                key = s
                if let idText, idText != s { entry.extra[FieldKey("csl", "id")] = idText }
            } else {
                report(.warning, "csl.bad-value", "`citation-key` must be a non-empty string", citationKey, at(path, "citation-key"))
                key = idText
            }
        } else {
            key = idText
        }
        if idNode == nil {
            report(.warning, "csl.missing-id", "item has no `id` (required by CSL-JSON)", node, path)
        }
        entry.key = key
    }

    private mutating func readType(_ members: [JSONMember]) {
        guard let typeNode = members.first(where: { $0.key == "type" })?.value else {
            report(.warning, "csl.missing-type", "item has no `type` (required by CSL-JSON): read as `document`", node, path)
            return
        }
        guard let name = typeNode.string else {
            report(.warning, "csl.bad-value", "`type` must be a string, found \(typeNode.typeName): read as `document`", typeNode, at(path, "type"))
            entry.extra[FieldKey("csl-json", "type")] = JSONEmitter.compactText(JSONOutput(typeNode))
            return
        }
        let (kind, exact) = CSLTypes.readType(name)
        entry.type.kind = kind
        if !exact && entry.type.original == nil {
            entry.type.original = FieldKey("csl", name)
            report(.warning, "csl.unknown-type", "“\(name)” is not a CSL 1.0.2 type: read as `\(kind.cslName)`", typeNode, at(path, "type"))
        }
    }

    // MARK: Variables

    /// The text of a string (or number) value, reporting anything else.
    private mutating func text(_ value: JSONNode, _ p: String, allowNumber: Bool = true) -> String? {
        switch value.value {
        case .string(let s): return s
        case .number(let s) where allowNumber: return s
        default:
            report(.warning, "csl.bad-value", "expected a string\(allowNumber ? " or a number" : ""), found \(value.typeName)", value, p)
            return nil
        }
    }

    /// Keeps a value the model has no slot for in `extra`, verbatim.
    private mutating func keep(_ name: String, _ value: JSONNode) {
        if let s = value.string {
            entry.extra[FieldKey("csl", name)] = s
        } else {
            entry.extra[FieldKey("csl-json", name)] = JSONEmitter.compactText(JSONOutput(value))
        }
    }

    private mutating func readVariable(_ member: JSONMember) {
        let name = member.key
        let value = member.value
        let p = at(path, name)
        if value.value == .null { return }  // null means absent
        switch name {
        case "title":
            if let s = text(value, p) { entry.title = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        case "title-short":
            if let s = text(value, p) { entry.shortTitle = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        case "shortTitle":
            if entry.shortTitle == nil, node["title-short"] == nil, let s = value.string {
                entry.shortTitle = CSLMarkup.parse(s)
            } else {
                keep(name, value)
            }
            return
        case "container-title":
            if let s = text(value, p) { containerTitle = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        case "container-title-short":
            if let s = text(value, p) { containerShort = s } else { keep(name, value) }
            return
        case "volume-title":
            if let s = text(value, p) { volumeTitle = s } else { keep(name, value) }
            return
        case "journalAbbreviation":
            if node["container-title-short"] == nil, containerShort == nil, let s = value.string {
                containerShort = s
            } else {
                keep(name, value)
            }
            return
        case "collection-title":
            if let s = text(value, p) { seriesTitle = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        case "collection-number":
            if let s = text(value, p) { seriesNumber = s } else { keep(name, value) }
            return
        case "event":
            if node["event-title"] == nil, let s = value.string {
                entry.fields[.eventTitle] = s
            } else {
                keep(name, value)
            }
            return
        case "license":
            if entry.fields[.rights] == nil, let s = value.string {
                entry.fields[.rights] = s
            } else {
                keep(name, value)
            }
            return
        case "URL":
            if let s = text(value, p, allowNumber: false) { url = s } else { keep(name, value) }
            return
        case "language":
            if let s = text(value, p, allowNumber: false) { entry.language = s } else { keep(name, value) }
            return
        case "keyword":
            if let s = text(value, p) { keyword = s } else { keep(name, value) }
            return
        case "abstract":
            if let s = text(value, p) { entry.abstract = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        case "note":
            if let s = text(value, p) { note = CSLMarkup.parse(s) } else { keep(name, value) }
            return
        default:
            break
        }
        if let field = CSLVariables.variableField[name] {
            if let s = text(value, p) { entry.fields[field] = s } else { keep(name, value) }
            return
        }
        if let kind = CSLVariables.identifierVariables.first(where: { $0.variable == name })?.kind {
            if let s = text(value, p) { topIdentifiers[kind.rawValue] = s } else { keep(name, value) }
            return
        }
        switch CSLVariables.kinds[name] {
        case .names:
            guard let list = readNames(value, p) else {
                keep(name, value)
                return
            }
            if let level = namesFrom[name],
                let role = CSLVariables.levelNameVariables.first(where: { $0.variable == name && $0.level == level })?.role
            {
                levelNames[level, default: []].append((role, list))
            } else {
                entry.contributors[ContributorRole(name)] = list
            }
        case .date:
            if let date = readDate(value, p) { entry.dates[DateRole(name)] = date } else { keep(name, value) }
        case .string, .numberOrString:
            if value.string == nil, !(CSLVariables.kinds[name] == .numberOrString && value.isNumber) {
                report(.warning, "csl.bad-value", "expected a string\(CSLVariables.kinds[name] == .numberOrString ? " or a number" : ""), found \(value.typeName): kept as is", value, p)
            }
            keep(name, value)
        case .stringArray:
            if !CSLVariableKind.stringArray.accepts(value) {
                report(.warning, "csl.bad-value", "expected an array of strings, found \(value.typeName): kept as is", value, p)
            }
            keep(name, value)
        case .identifier, .type, .object:
            keep(name, value)
        case nil:
            report(.note, "csl.unknown-variable", "`\(name)` is not a CSL 1.0.2 variable: kept (written to `custom`)", value, p)
            keep(name, value)
        }
    }

    // MARK: Names

    private mutating func readNames(_ value: JSONNode, _ p: String) -> NameList? {
        var elements: [JSONNode]
        switch value.value {
        case .array(let e): elements = e
        case .string, .object:
            report(.warning, "csl.bad-value", "a name variable must be an array of name objects; read as one name", value, p)
            elements = [value]
        default:
            report(.warning, "csl.bad-value", "a name variable must be an array of name objects, found \(value.typeName)", value, p)
            return nil
        }
        var list = NameList()
        for (i, element) in elements.enumerated() {
            let ep = p + "[\(i)]"
            let name: PersonName?
            switch element.value {
            case .object(let members): name = readName(members, element, ep)
            case .string(let s):
                if elements.count > 1 || value.elements == nil {
                    report(.warning, "csl.bad-value", "a name should be an object; “\(s)” read as a literal name", element, ep)
                }
                name = s.trimmingSpaces.isEmpty ? nil : PersonName(literal: s)
            default:
                report(.warning, "csl.bad-value", "a name must be an object, found \(element.typeName): skipped", element, ep)
                name = nil
            }
            guard let name else { continue }
            if i == elements.count - 1, i > 0, Self.isOthers(name) {
                list.truncated = true
                report(.note, "csl.others", "“others” read as a truncated name list (et al.), not as a person", element, ep)
                continue
            }
            list.names.append(name)
        }
        return list
    }

    static func isOthers(_ n: PersonName) -> Bool {
        let texts: [String?]
        if let literal = n.literal {
            texts = [literal]
        } else if n.given == nil, n.droppingParticle == nil, n.nonDroppingParticle == nil, n.suffix == nil {
            texts = [n.family]
        } else {
            return false
        }
        let t = (texts[0] ?? "").trimmingSpaces.lowercased()
        return t == "others" || t == "et al." || t == "et al" || t == "et al…" || t == "…"
    }

    private mutating func readName(_ members: [JSONMember], _ element: JSONNode, _ p: String) -> PersonName? {
        var name = PersonName()
        var parse = false
        for member in members {
            let mp = at(p, member.key)
            func str() -> String? {
                switch member.value.value {
                case .string(let s): return s
                case .number(let s): return s
                default: return nil
                }
            }
            switch member.key {
            case "family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal":
                guard let s = str() else {
                    if member.value.value != .null {
                        report(.warning, "csl.bad-value", "a name part must be a string, found \(member.value.typeName): dropped", member.value, mp)
                    }
                    continue
                }
                switch member.key {
                case "family": name.family = s
                case "given": name.given = s
                case "dropping-particle": name.droppingParticle = s
                case "non-dropping-particle": name.nonDroppingParticle = s
                case "suffix": name.suffix = s
                default: name.literal = s
                }
            case "parse-names":
                parse = Self.truthy(member.value)
            case "comma-suffix", "static-ordering":
                if Self.truthy(member.value) {
                    report(.warning, "csl.name-flag", "`\(member.key)` is not kept by bibkit's model: dropped", member.value, mp)
                }
            default:
                report(.warning, "csl.bad-name", "`\(member.key)` is not a part of a CSL name: dropped", member.value, mp)
            }
        }
        if parse { name = Self.parseParticles(name) }
        let parts = [name.family, name.given, name.droppingParticle, name.nonDroppingParticle, name.suffix, name.literal]
        if parts.allSatisfy({ ($0 ?? "").isEmpty }) {
            report(.warning, "csl.empty-name", "an empty name was skipped", element, p)
            return nil
        }
        return name
    }

    /// citeproc-js's `parse-names`: lower-case words leading the family name are a
    /// non-dropping particle (`van der Berg`, `d'Aspremont`); lower-case words ending the
    /// given name a dropping particle; `, Jr.` after the given name a suffix.
    static func parseParticles(_ n: PersonName) -> PersonName {
        var n = n
        guard n.literal == nil else { return n }
        if n.nonDroppingParticle == nil, var family = n.family {
            var particles: [String] = []
            var words = family.split(separator: " ").map(String.init)
            while words.count > 1, let first = words.first?.unicodeScalars.first, first.properties.isLowercase {
                particles.append(words.removeFirst())
            }
            if words.count == 1, let w = words.first, let apostrophe = w.firstIndex(where: { $0 == "'" || $0 == "’" }),
                let firstChar = w.unicodeScalars.first, firstChar.properties.isLowercase, w.index(after: apostrophe) < w.endIndex
            {
                particles.append(String(w[...apostrophe]))
                words = [String(w[w.index(after: apostrophe)...])]
                n.nonDroppingParticle = particles.joined(separator: " ")
                family = words.joined(separator: " ")
                n.family = family
            } else if !particles.isEmpty {
                n.nonDroppingParticle = particles.joined(separator: " ")
                n.family = words.joined(separator: " ")
            }
        }
        if var given = n.given {
            if n.suffix == nil, let comma = given.firstIndex(of: ",") {
                let suffix = given[given.index(after: comma)...].description.trimmingSpaces
                if !suffix.isEmpty { n.suffix = suffix }
                given = String(given[..<comma]).trimmingSpaces
            }
            if n.droppingParticle == nil {
                var words = given.split(separator: " ").map(String.init)
                var particles: [String] = []
                while words.count > 1, let last = words.last?.unicodeScalars.first, last.properties.isLowercase {
                    particles.insert(words.removeLast(), at: 0)
                }
                if !particles.isEmpty {
                    n.droppingParticle = particles.joined(separator: " ")
                    given = words.joined(separator: " ")
                }
            }
            n.given = given
        }
        return n
    }

    /// citeproc-js's reading of flags: true, a non-zero number, a non-empty string but
    /// `"false"`/`"0"`.
    static func truthy(_ value: JSONNode) -> Bool {
        switch value.value {
        case .bool(let b): return b
        case .number(let s): return Double(s).map { $0 != 0 } ?? false
        case .string(let s): return !s.isEmpty && s != "false" && s != "0"
        default: return false
        }
    }

    // MARK: Dates

    private mutating func readDate(_ value: JSONNode, _ p: String) -> Parsed<BibDate>? {
        switch value.value {
        case .string(let s):
            // CSL 1.1 / EDTF style.
            return CSLDates.parseEDTF(s).map(Parsed.typed) ?? .raw(s)
        case .number(let s):
            if value.isInteger, let y = Int(s), let year = CSLDates.astronomicalYear(y) { return .typed(BibDate(year: year)) }
            report(.warning, "csl.bad-date", "a date must be an object, found a number", value, p)
            return nil
        case .object(let members):
            return readDateObject(members, value, p)
        default:
            report(.warning, "csl.bad-date", "a date must be an object, found \(value.typeName)", value, p)
            return nil
        }
    }

    private mutating func readDateObject(_ members: [JSONMember], _ value: JSONNode, _ p: String) -> Parsed<BibDate>? {
        var partsNode: JSONNode?
        var season: Season?
        var circa = false
        var literal: String?
        var raw: String?
        for member in members {
            let mp = at(p, member.key)
            switch member.key {
            case "date-parts": partsNode = member.value
            case "season":
                season = Self.season(member.value)
                if season == nil, member.value.value != .null {
                    report(.warning, "csl.bad-date", "season “\(member.value.scalarText ?? member.value.typeName)” is not 1–4 or a season name: dropped", member.value, mp)
                }
            case "circa": circa = Self.truthy(member.value)
            case "literal": literal = text(member.value, mp)
            case "raw", "edtf": raw = text(member.value, mp)
            default:
                report(.warning, "csl.bad-date", "`\(member.key)` is not part of a CSL date: dropped", member.value, mp)
            }
        }
        if let partsNode, partsNode.value != .null {
            if var date = datePartsValue(partsNode, at(p, "date-parts")) {
                if let season {
                    if date.isRange {
                        report(.warning, "csl.bad-date", "a season on a date range is not kept", value, p)
                    } else {
                        date.season = season
                    }
                }
                if circa { date.circa = true }
                // A `raw` or `literal` beside `date-parts` that says something else is kept.
                for (k, t) in [("raw", raw), ("literal", literal)] {
                    if let t, CSLDates.parseEDTF(t).map({ $0.start == date.start && $0.end == date.end }) != true {
                        let relative = p.hasPrefix(path + ".") ? String(p.dropFirst(path.count + 1)) : show(p)
                        entry.extra[FieldKey("csl", relative + "." + k)] = t
                    }
                }
                return .typed(date)
            }
            // date-parts did not parse: fall back on the text forms, else keep the parts' text.
            if let raw { return CSLDates.parseEDTF(raw).map(Parsed.typed) ?? .raw(raw) }
            if let literal { return .raw(literal) }
            return .raw(Self.partsText(partsNode))
        }
        if let raw {
            if var date = CSLDates.parseEDTF(raw) {
                if circa { date.circa = true }
                if let season, !date.isRange, date.season == nil { date.season = season }
                return .typed(date)
            }
            return .raw(raw)
        }
        if let literal { return .raw(literal) }
        if let season {
            report(.warning, "csl.bad-date", "a season without a year cannot be kept as a date", value, p)
            return .raw(String(describing: season))
        }
        report(.warning, "csl.bad-date", "a date without `date-parts`, `raw` or `literal`: skipped", value, p)
        return nil
    }

    /// The text of unparseable date parts (`2020-13-45`, `2019/2021`).
    static func partsText(_ node: JSONNode) -> String {
        (node.elements ?? []).map { part in
            (part.elements ?? [part]).compactMap(\.scalarText).joined(separator: "-")
        }.joined(separator: "/")
    }

    static func season(_ node: JSONNode) -> Season? {
        guard let t = node.scalarText?.trimmingSpaces.lowercased() else { return nil }
        switch t {
        case "1", "spring", "13", "21": return .spring
        case "2", "summer", "14", "22": return .summer
        case "3", "autumn", "fall", "15", "23": return .autumn
        case "4", "winter", "16", "24": return .winter
        default: return nil
        }
    }

    /// One date part: an integer or a string of digits (with an optional minus).
    private static func partNumber(_ node: JSONNode) -> Int? {
        switch node.value {
        case .number(let s) where node.isInteger: return Int(s)
        case .string(let s):
            let t = s.trimmingSpaces
            guard !t.isEmpty else { return nil }
            return Int(t)
        default: return nil
        }
    }

    private mutating func datePartsValue(_ node: JSONNode, _ p: String) -> BibDate? {
        guard let outer = node.elements, !outer.isEmpty else {
            report(.warning, "csl.bad-date", "`date-parts` must be a non-empty array of arrays", node, p)
            return nil
        }
        if outer.count > 2 {
            report(.warning, "csl.bad-date", "`date-parts` has \(outer.count) parts; only the first two (a range) are read", node, p)
        }
        var parsed: [(parts: DateParts, season: Season?)] = []
        for (i, part) in outer.prefix(2).enumerated() {
            let pp = p + "[\(i)]"
            guard let items = part.elements, !items.isEmpty, items.count <= 3 else {
                report(.warning, "csl.bad-date", "a date part must be an array of one to three numbers", part, pp)
                return nil
            }
            var numbers: [Int] = []
            for (j, item) in items.enumerated() {
                guard let v = Self.partNumber(item) else {
                    // Zotero writes [[""]] for an empty date, and trailing empty strings.
                    if item.string?.trimmingSpaces.isEmpty == true, j > 0 { break }
                    report(.warning, "csl.bad-date", "“\(item.scalarText ?? item.typeName)” is not a number", item, pp + "[\(j)]")
                    return nil
                }
                numbers.append(v)
            }
            guard let cslYear = numbers.first else { return nil }
            guard let year = CSLDates.astronomicalYear(cslYear) else {
                // pandoc and Better BibTeX end an open range with `[0]`.
                if i == 1, numbers == [0], let start = parsed.first, start.season == nil {
                    return BibDate(from: start.parts, to: nil)
                }
                report(.warning, "csl.bad-date", "CSL numbers years without a year 0 (1 BC is -1): kept as text", part, pp)
                return nil
            }
            var month = numbers.count > 1 ? numbers[1] : nil
            var season: Season?
            if let m = month, numbers.count == 2, (13...16).contains(m) || (21...24).contains(m) {
                season = Season(rawValue: m > 20 ? m - 20 : m - 12)
                month = nil
            }
            let dp = DateParts(year: year, month: month, day: month == nil ? nil : (numbers.count > 2 ? numbers[2] : nil))
            guard dp.isValid, month != nil || numbers.count < 3 else {
                report(.warning, "csl.bad-date", "impossible date \(numbers.map(String.init).joined(separator: "-")): kept as text", part, pp)
                return nil
            }
            parsed.append((dp, season))
        }
        if parsed.count == 2 {
            if parsed[0].season != nil || parsed[1].season != nil {
                report(.warning, "csl.bad-date", "seasons inside a date range are not kept", node, p)
            }
            return BibDate(from: parsed[0].parts, to: parsed[1].parts)
        }
        guard let single = parsed.first else { return nil }
        return BibDate(single.parts, season: single.season)
    }

    // MARK: custom

    /// True when a top-level variable was written only for consumers and its model value is
    /// in `custom`. A derived rich-text variable whose lossless value is missing there (a
    /// hand-edited file) is read after all, rather than lost.
    private func isDerived(_ name: String) -> Bool {
        guard derived.contains(name) else { return false }
        // A container title derived from a biblatex `maintitle` kept in custom (read as
        // BibTeX or as BibLaTeX).
        if name == "container-title", hasCustomMaintitle { return true }
        guard CSLCustomKey.texVariables.contains(name) else { return true }
        return texMarkup[name] != nil || (name == "note" && hasCustomNotes)
    }

    /// `custom.tex` as bibkit writes it (an object of markup strings for rich-text
    /// variables), or nil.
    static func texValues(_ value: JSONNode) -> [String: String]? {
        guard let members = value.members else { return nil }
        var out: [String: String] = [:]
        for m in members {
            guard CSLCustomKey.texVariables.contains(m.key), let s = m.value.string else { return nil }
            out[m.key] = s
        }
        return out
    }

    /// Reads what must be known before the variables: which of them are derived, which
    /// name variables belong to a level, and which rich-text variables have a lossless value.
    private mutating func readCustomHeader(_ value: JSONNode) {
        guard let members = value.members else { return }
        for member in members {
            switch member.key {
            case CSLCustomKey.tex:
                texMarkup = Self.texValues(member.value) ?? [:]
            case CSLCustomKey.notes:
                hasCustomNotes = member.value.elements?.allSatisfy { $0.string != nil } ?? false
            case CSLCustomKey.derived:
                for e in member.value.elements ?? [] {
                    if let s = e.string { derived.insert(s) }
                }
            case CSLCustomKey.namesFrom:
                for m in member.value.members ?? [] {
                    if let s = m.value.string { namesFrom[m.key] = s }
                }
            case let key where key.lowercased() == "bibtex:maintitle" || key.lowercased() == "biblatex:maintitle":
                hasCustomMaintitle = member.value.string != nil
            default: break
            }
        }
    }

    private mutating func readCustomBody(_ value: JSONNode) {
        let p = at(path, "custom")
        guard let members = value.members else {
            report(.warning, "csl.bad-value", "`custom` must be an object, found \(value.typeName): kept as is", value, p)
            keep("custom", value)
            return
        }
        for member in members {
            let mp = at(p, member.key)
            let v = member.value
            if CSLCustomKey.reserved.contains(member.key) {
                if readCustomModelKey(member.key, v, mp) { continue }
                report(.warning, "csl.bad-custom", "`custom.\(member.key)` does not have the shape bibkit writes: kept as a custom value", v, mp)
                keepCustom(member.key, v, foreign: true)
                continue
            }
            keepCustom(member.key, v, foreign: !member.key.contains(":"))
        }
    }

    private mutating func keepCustom(_ key: String, _ v: JSONNode, foreign: Bool) {
        if foreign {
            if let s = v.string {
                entry.extra[FieldKey("custom", key)] = s
            } else {
                entry.extra[FieldKey("custom-json", key)] = JSONEmitter.compactText(JSONOutput(v))
            }
            return
        }
        let colon = key.firstIndex(of: ":") ?? key.endIndex
        let ns = String(key[..<colon])
        let name = colon < key.endIndex ? String(key[key.index(after: colon)...]) : ""
        if ns.hasSuffix("-json") {
            entry.extra[FieldKey(ns, name)] = JSONEmitter.compactText(JSONOutput(v))
        } else if let s = v.string {
            entry.extra[FieldKey(ns, name)] = s
        } else {
            entry.extra[FieldKey(ns + "-json", name)] = JSONEmitter.compactText(JSONOutput(v))
        }
    }

    /// Applies one of bibkit's own custom keys; false when its shape is not ours.
    private mutating func readCustomModelKey(_ key: String, _ v: JSONNode, _ p: String) -> Bool {
        switch key {
        case CSLCustomKey.originalType:
            guard let s = v.string else { return false }
            let colon = s.firstIndex(of: ":") ?? s.endIndex
            entry.type.original = FieldKey(
                String(s[..<colon]), colon < s.endIndex ? String(s[s.index(after: colon)...]) : "")
        case CSLCustomKey.typeGenre:
            guard let s = v.string else { return false }
            entry.type.genre = s
        case CSLCustomKey.institution, CSLCustomKey.organization, CSLCustomKey.howPublished, CSLCustomKey.rights:
            guard let s = v.string else { return false }
            let field: Field =
                key == CSLCustomKey.institution ? .institution
                : key == CSLCustomKey.organization ? .organization
                : key == CSLCustomKey.howPublished ? .howPublished : .rights
            entry.fields[field] = s
        case CSLCustomKey.containerNumber:
            guard let s = v.string else { return false }
            containerNumber = s
        case CSLCustomKey.collectionTitleShort:
            guard let s = v.string else { return false }
            seriesShort = s
        case CSLCustomKey.identifiers:
            guard let elements = v.elements else { return false }
            var parsed: [(Identifier, String?)] = []
            for e in elements {
                guard let kind = e["kind"]?.string, let value = e["value"]?.string else { return false }
                parsed.append((Identifier(IdentifierKind(kind), value, qualifier: e["qualifier"]?.string), e["level"]?.string))
            }
            customIdentifiers = parsed
        case CSLCustomKey.links:
            guard let elements = v.elements else { return false }
            var parsed: [Link] = []
            for e in elements {
                guard let url = e["url"]?.string else { return false }
                let kind = e["kind"]?.string.flatMap(Link.Kind.init(rawValue:)) ?? .related
                parsed.append(Link(url, kind: kind))
            }
            customLinks = parsed
        case CSLCustomKey.keywords:
            guard let elements = v.elements, elements.allSatisfy({ $0.string != nil }) else { return false }
            customKeywords = elements.compactMap(\.string)
        case CSLCustomKey.notes:
            guard let elements = v.elements, elements.allSatisfy({ $0.string != nil }) else { return false }
            customNotes = elements.compactMap(\.string).map(CSLMarkup.parse)
        case CSLCustomKey.names:
            guard let members = v.members else { return false }
            for m in members {
                guard let list = readNames(m.value, at(p, m.key)) else { return false }
                entry.contributors[ContributorRole(m.key)] = list
            }
        case CSLCustomKey.containerNames, CSLCustomKey.seriesNames:
            guard let members = v.members else { return false }
            let level = key == CSLCustomKey.containerNames ? "container" : "series"
            for m in members {
                guard let list = readNames(m.value, at(p, m.key)) else { return false }
                levelNames[level, default: []].append((ContributorRole(m.key), list))
            }
        case CSLCustomKey.truncated:
            guard let elements = v.elements, elements.allSatisfy({ $0.string != nil }) else { return false }
            truncatedMarks = elements.compactMap(\.string)
        case CSLCustomKey.dates:
            guard let members = v.members else { return false }
            for m in members {
                if let d = readDate(m.value, at(p, m.key)) { entry.dates[DateRole(m.key)] = d }
            }
        case CSLCustomKey.edtf:
            guard let members = v.members else { return false }
            for m in members {
                guard let s = m.value.string else { return false }
                if var d = CSLDates.parseEDTF(s) {
                    // EDTF has no season beside a qualifier: keep the one `date-parts` gave.
                    if !d.isRange, d.season == nil, let season = entry.dates[DateRole(m.key)]?.typed?.season {
                        d.season = season
                    }
                    entry.dates[DateRole(m.key)] = .typed(d)
                } else {
                    report(.warning, "csl.bad-date", "“\(s)” is not an EDTF date bibkit reads", m.value, at(p, m.key))
                }
            }
        case CSLCustomKey.tex:
            // The lossless value wins over the top-level rendering, derived or not.
            guard let values = Self.texValues(v) else { return false }
            for (variable, markup) in values {
                let text = CSLMarkup.parse(markup)
                switch variable {
                case "title": entry.title = text
                case "title-short": entry.shortTitle = text
                case "container-title": containerTitle = text
                case "volume-title": texVolumeTitle = text
                case "collection-title": seriesTitle = text
                case "abstract": entry.abstract = text
                default: texNote = text
                }
            }
        case CSLCustomKey.derived, CSLCustomKey.namesFrom:
            return v.elements != nil || v.members != nil
        default:
            return false
        }
        return true
    }

    private var containerNumber: String?
    private var seriesShort: String?
    private var customIdentifiers: [(Identifier, String?)]?
    private var customLinks: [Link]?
    private var customKeywords: [String]?
    private var customNotes: [RichText]?
    private var truncatedMarks: [String] = []
    private var texMarkup: [String: String] = [:]
    private var texNote: RichText?
    private var volumeTitle: String?
    private var hasCustomMaintitle = false
    private var texVolumeTitle: RichText?
    private var hasCustomNotes = false

    // MARK: Assembly

    private mutating func finish() {
        // Identifiers: the top-level variables in a fixed order, then the listed ones.
        var ids: [Identifier] = []
        var containerIDs: [Identifier] = []
        var seriesIDs: [Identifier] = []
        let hasContainer = !(containerTitle?.isEmpty ?? true)
        for (kind, variable) in CSLVariables.identifierVariables where !derived.contains(variable) {
            guard let v = topIdentifiers[kind.rawValue] else { continue }
            if CSLVariables.identifierBelongsToContainer(kind, type: entry.type.kind, hasContainer: hasContainer) {
                containerIDs.append(Identifier(kind, v))
            } else {
                ids.append(Identifier(kind, v))
            }
        }
        for (id, level) in customIdentifiers ?? [] {
            switch level {
            case "container": containerIDs.append(id)
            case "series": seriesIDs.append(id)
            default: ids.append(id)
            }
        }
        entry.identifiers = ids

        var links: [Link] = []
        if let url, !derived.contains("URL") { links.append(Link(url, kind: .work)) }
        links.append(contentsOf: customLinks ?? [])
        entry.links = links

        if let customKeywords {
            entry.keywords = customKeywords
        } else if let keyword, !derived.contains("keyword") {
            entry.keywords = CSLItemWriter.splitKeywords(keyword)
        }
        if let customNotes {
            entry.notes = customNotes
        } else if let texNote {
            entry.notes = [texNote]
        } else if let note {
            entry.notes = [note]
        }

        if volumeTitle != nil || texVolumeTitle != nil {
            // A book with a volume title and no container is a volume of a multi-volume work
            // (CSL 1.0.2, as Zotero and pandoc write it): the model keeps the volume's own title
            // as the title and the work as the container (biblatex `maintitle`).
            let otherContainer = containerTitle != nil || containerShort != nil || containerNumber != nil
                || !containerIDs.isEmpty || levelNames["container"] != nil
            if entry.type.kind == .book, !otherContainer, let main = entry.title, !main.isEmpty {
                containerTitle = main
                entry.title = texVolumeTitle ?? volumeTitle.map(CSLMarkup.parse)
            } else {
                entry.fields[.volumeTitle] = volumeTitle ?? texVolumeTitle.map { CSLMarkup.render($0) }
            }
        }
        var container = Level(title: containerTitle, shortTitle: containerShort, number: containerNumber, identifiers: containerIDs)
        var series = Level(title: seriesTitle, shortTitle: seriesShort, number: seriesNumber, identifiers: seriesIDs)
        for (role, list) in levelNames["container"] ?? [] { container.contributors[role] = list }
        for (role, list) in levelNames["series"] ?? [] { series.contributors[role] = list }

        for mark in truncatedMarks {
            let pieces = mark.split(separator: "/", maxSplits: 1).map(String.init)
            if pieces.count == 2 {
                let role = ContributorRole(pieces[1])
                switch pieces[0] {
                case CSLCustomKey.containerNames: container.contributors[role, default: NameList()].truncated = true
                case CSLCustomKey.seriesNames: series.contributors[role, default: NameList()].truncated = true
                default: entry.contributors[role, default: NameList()].truncated = true
                }
            } else if let level = namesFrom[mark],
                let role = CSLVariables.levelNameVariables.first(where: { $0.variable == mark && $0.level == level })?.role
            {
                if level == "container" {
                    container.contributors[role, default: NameList()].truncated = true
                } else {
                    series.contributors[role, default: NameList()].truncated = true
                }
            } else {
                entry.contributors[ContributorRole(mark), default: NameList()].truncated = true
            }
        }
        // Empty lists only held a place for a truncation mark.
        for (role, list) in entry.contributors where list.isEmpty { entry.contributors[role] = nil }
        for (role, list) in container.contributors where list.isEmpty { container.contributors[role] = nil }
        for (role, list) in series.contributors where list.isEmpty { series.contributors[role] = nil }
        entry.container = container.isEmpty ? nil : container
        entry.series = series.isEmpty ? nil : series
        entry.fields.sort()
    }
}

extension JSONNode {
    /// True for a number.
    var isNumber: Bool {
        if case .number = value { return true }
        return false
    }
}
