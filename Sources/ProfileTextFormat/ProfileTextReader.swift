import BibModel

/// Reads plain text copied from a researcher profile page into a ``Library``: the header
/// (name, subject, h-index, counts) becomes the collection metadata, each paper an entry.
///
/// ```swift
/// var diagnostics = Diagnostics()
/// let library = try ProfileTextReader().read(
///     bytes, source: "profile.txt", options: ReadOptions(asOf: DateParts(year: 2026, month: 11, day: 24)),
///     diagnostics: &diagnostics)
/// ```
///
/// Reading goes in two stages: a scanner finds the header lines and each paper's
/// meta line and text blocks (byte ranges), then the mapping interprets them. Problems are
/// reported to `diagnostics` with stable codes (`profile.bad-date`, `profile.missing-authors`,
/// …) and the other papers are still read. Only input that is not text at all throws.
public struct ProfileTextReader: BibliographyReader {
    /// Creates a reader.
    public init() {}

    /// Reads a profile. Dates shown without a year are resolved against `options.asOf`
    /// (today in UTC when nil).
    public func read(
        _ bytes: [UInt8], source: String, options: ReadOptions, diagnostics: inout Diagnostics
    ) throws(FatalReadError) -> Library {
        let input = try ProfileEncoding.prepare(bytes, source: source, diagnostics: &diagnostics)
        let index = LineIndex(file: source, bytes: input)
        let lines = ProfileBytes.lines(input, index: index)
        var mapper = ProfileMapper(bytes: input, index: index, asOf: options.asOf ?? ProfileDates.today())
        mapper.reportEncodingProblems()
        let raw = ProfileScanner.scan(input, lines)

        var library = Library()
        library.metadata = mapper.metadata(raw.headerLines)
        mapper.reportMetaLikeText(raw.metaLikeText)
        library.entries.reserveCapacity(raw.papers.count)
        for paper in raw.papers {
            if let entry = mapper.entry(paper) { library.entries.append(entry) }
        }
        mapper.checkCount(found: library.entries.count, papersSeen: raw.papers.count)
        // In source order (a stable sort: diagnostics of one line keep their order); those
        // without a location come last.
        let ordered = mapper.diagnostics.all.enumerated().sorted { a, b in
            let x = a.element.location?.offset ?? Int.max
            let y = b.element.location?.offset ?? Int.max
            return x != y ? x < y : a.offset < b.offset
        }
        for (_, d) in ordered { diagnostics.report(d) }
        return library
    }
}

/// The second stage: raw lines and blocks to metadata and entries, with diagnostics.
struct ProfileMapper {
    let bytes: [UInt8]
    let index: LineIndex
    let asOf: DateParts
    var diagnostics = Diagnostics()

    /// The heading (`24 Papers`) and the statistic (`24papers`), with their lines.
    private var heading: (count: Int, line: SourceLine)?
    private var paperStat: (count: Int, line: SourceLine)?

    init(bytes: [UInt8], index: LineIndex, asOf: DateParts) {
        self.bytes = bytes
        self.index = index
        self.asOf = asOf
    }

    /// At most this many lines get their own encoding diagnostic; a note counts the rest.
    static let encodingReportLimit = 20

    // MARK: Locations

    func location(_ offset: Int) -> SourceLocation { index.location(ofOffset: offset) }

    func text(_ range: Range<Int>) -> String { ProfileBytes.text(bytes, range) }

    // MARK: Encoding

    /// One warning per line with invalid UTF-8, and per line with NUL bytes.
    mutating func reportEncodingProblems() {
        report(
            offsets: ProfileBytes.invalidUTF8Offsets(bytes), code: "profile.invalid-utf8",
            message: "invalid UTF-8; the bytes were replaced with U+FFFD",
            note: "save the file as UTF-8")
        report(
            offsets: ProfileBytes.nulOffsets(bytes), code: "profile.nul-byte",
            message: "NUL byte in the text; it was removed", note: nil)
    }

    private mutating func report(offsets: [Int], code: String, message: String, note: String?) {
        guard !offsets.isEmpty else { return }
        var lastLine = 0
        var reported = 0
        var more = 0
        for offset in offsets {
            let loc = location(offset)
            guard loc.line != lastLine else { continue }
            lastLine = loc.line
            if reported < Self.encodingReportLimit {
                diagnostics.warning(code, message, at: loc, notes: note.map { [$0] } ?? [])
                reported += 1
            } else {
                more += 1
            }
        }
        if more > 0 {
            diagnostics.note(code, "\(more) more lines have the same problem")
        }
    }

    /// A warning for each damaged meta line read as text because it is inside a block.
    mutating func reportMetaLikeText(_ suspects: [RawMetaLike]) {
        for s in suspects {
            diagnostics.warning(
                "profile.bad-meta-line",
                "“\(text(s.line.content))” looks like a paper line but its month “\(text(s.meta.monthToken))” is unknown; it is read as text",
                at: location(s.meta.monthToken.lowerBound),
                notes: ["a paper line starts a block: [score][SUBJECT]Mon D[, YYYY][Code]"])
        }
    }

    // MARK: Header

    /// The collection metadata from the header lines: the first plain line before any
    /// statistic is the researcher's name; the rest are `profile:` properties.
    mutating func metadata(_ lines: [SourceLine]) -> CollectionMetadata {
        var md = CollectionMetadata()
        var sawStat = false
        for line in lines {
            switch HeaderLine.parse(bytes, line.content) {
            case .stat(let name, let value):
                sawStat = true
                if name == "papers", let n = Int(value.filter { $0 != "," }) { paperStat = (n, line) }
                setProperty(&md, name, value, line)
            case .heading(let count, let value):
                sawStat = true
                heading = (count, line)
                setProperty(&md, "paper-count", value, line)
            case .subject(let code):
                if md.properties[FieldKey("profile", "subject")] == nil {
                    if ArXivSubjects.arxivClass(forCode: code) == nil {
                        diagnostics.note(
                            "profile.unknown-subject", "unknown subject code “\(code)”; it is kept as written",
                            at: location(line.contentStart), field: "subject")
                    }
                    md.properties[FieldKey("profile", "subject")] = code
                } else {
                    unknownHeaderLine(&md, line)
                }
            case .other:
                if md.title == nil && !sawStat {
                    let name = text(line.content)
                    md.title = name
                    md.owner = ProfileAuthors.name(name)
                } else {
                    unknownHeaderLine(&md, line)
                }
            }
        }
        return md
    }

    private mutating func setProperty(_ md: inout CollectionMetadata, _ name: String, _ value: String, _ line: SourceLine) {
        let key = FieldKey("profile", name)
        if let old = md.properties[key] {
            diagnostics.warning(
                "profile.duplicate-header-line", "the header gives \(name) twice; keeping “\(old)”",
                at: location(line.contentStart), field: name)
            return
        }
        md.properties[key] = value
    }

    private mutating func unknownHeaderLine(_ md: inout CollectionMetadata, _ line: SourceLine) {
        let content = text(line.content)
        md.comments.append(BibComment(content))
        diagnostics.warning(
            "profile.unknown-header-line", "unrecognised line before the first paper; kept as a comment",
            at: location(line.contentStart))
    }

    // MARK: Papers

    /// The entry for one paper, or nil (with an error) when it has neither title nor authors.
    mutating func entry(_ paper: RawPaper) -> Entry? {
        let meta = paper.meta
        let metaLocation = location(paper.metaLine.contentStart)
        var entry = Entry(type: EntryType(.article, original: FieldKey("profile", "paper"), genre: "preprint"))
        entry.origin = SourceRange(start: metaLocation, endOffset: paper.lastLine.contentEnd)

        // Subject, score, Code flag; `extra` keeps this order, then `date`.
        if let range = meta.subject {
            let code = text(range)
            entry.extra[FieldKey("profile", "subject")] = code
            if let cls = ArXivSubjects.arxivClass(forCode: code) {
                entry.keywords = [cls]
            } else {
                diagnostics.note(
                    "profile.unknown-subject", "unknown subject code “\(code)”; it is kept as written",
                    at: location(range.lowerBound), field: "subject")
            }
        }
        if let range = meta.score { entry.extra[FieldKey("profile", "score")] = text(range) }
        if meta.code { entry.extra[FieldKey("profile", "code")] = "yes" }

        // Date.
        let dateText = text(meta.dateText)
        let dateLocation = location(meta.monthToken.lowerBound)
        if let month = meta.month, let day = ProfileBytes.number(bytes, meta.dayDigits) {
            let year = meta.yearDigits.flatMap { ProfileBytes.number(bytes, $0) }
            switch ProfileDates.resolve(
                month: month, day: day, year: year, yearDigitCount: meta.yearDigits?.count ?? 0, asOf: asOf)
            {
            case .exact(let parts):
                entry.dates[.issued] = .typed(BibDate(parts))
            case .inferred(let parts):
                entry.dates[.issued] = .typed(BibDate(parts))
                entry.extra[FieldKey("profile", "date")] = dateText
            case .invalid(let reason):
                entry.dates[.issued] = .raw(dateText)
                diagnostics.error(
                    "profile.bad-date", "\(reason): \(dateText)", at: dateLocation, field: "issued",
                    notes: ["dates are Mon D[, YYYY]", "the date is kept as written"])
            }
        } else {
            entry.dates[.issued] = .raw(dateText)
            let token = text(meta.monthToken)
            diagnostics.error(
                "profile.bad-meta-line", "unknown month “\(token)” in the paper line “\(text(paper.metaLine.content))”",
                at: dateLocation, field: "issued",
                notes: ["paper lines are [score][SUBJECT]Mon D[, YYYY][Code]", "the paper is read with its date kept as written"])
        }

        // Flags other than `Code`: kept, and noted.
        if !meta.otherFlags.isEmpty {
            let flags = meta.otherFlags.map(text)
            entry.extra[FieldKey("profile", "flags")] = flags.joined(separator: ", ")
            if let first = meta.otherFlags.first {
                diagnostics.note(
                    "profile.unknown-flag", "unknown flag “\(flags.joined(separator: "”, “"))” after the date; kept as profile:flags",
                    at: location(first.lowerBound))
            }
        }

        // Title, authors, abstract.
        let parts = interpret(paper, at: metaLocation)
        guard parts.title != nil || parts.authors != nil else {
            diagnostics.error(
                "profile.missing-title", "paper has neither a title nor authors; it is skipped",
                at: metaLocation, field: "title")
            return nil
        }
        var titleText: String?
        if let lines = parts.title {
            let t = ProfileBytes.joined(bytes, lines)
            titleText = t
            entry.title = ProfileRichText.make(t)
        } else {
            diagnostics.error("profile.missing-title", "paper has no title", at: metaLocation, field: "title")
        }
        if let lines = parts.authors {
            let parsed = ProfileAuthors.parse(ProfileBytes.joined(bytes, lines))
            entry.contributors[.author] = NameList(parsed.names, truncated: parsed.truncated)
            if parsed.emptyItems > 0, let first = lines.first {
                diagnostics.warning(
                    "profile.empty-author", "empty name in the author list; it was skipped",
                    at: location(first.contentStart), field: "author")
            }
        } else {
            diagnostics.error(
                "profile.missing-authors",
                "paper “\(titleText ?? "")” has no author line", at: metaLocation, field: "author",
                notes: ["after the title comes a block of comma-separated names"])
        }
        var abstractText: String?
        if !parts.abstract.isEmpty {
            let paragraphs = parts.abstract.map { ProfileBytes.joined(bytes, $0) }
            abstractText = paragraphs.joined(separator: "\n\n")
            entry.abstract = abstractText.map(ProfileRichText.make)
            if parts.abstract.count > 1, let line = parts.abstract[1].first {
                diagnostics.warning(
                    "profile.extra-paragraph", "more than one paragraph after the authors; added to the abstract",
                    at: location(line.contentStart), field: "abstract")
            }
        }

        // Links from the title and the abstract.
        var seen = Set<String>()
        for found in ProfileRichText.urls(in: titleText ?? "") + ProfileRichText.urls(in: abstractText ?? "") {
            guard seen.insert(found.url).inserted else { continue }
            let isCode = meta.code || found.sentenceMentionsCode || ProfileRichText.isCodeHost(found.url)
            entry.links.append(Link(found.url, kind: isCode ? .code : .related))
        }
        return entry
    }

    /// Which blocks are the title, the authors and the abstract.
    struct PaperParts {
        var title: [SourceLine]?
        var authors: [SourceLine]?
        var abstract: [[SourceLine]] = []
    }

    /// Assigns a paper's blocks: title, authors, then the abstract. Recovers from a missing
    /// title (the first block is clearly names), a missing author line (the block after
    /// the title is prose), and a missing blank line between title/authors/abstract.
    mutating func interpret(_ paper: RawPaper, at metaLocation: SourceLocation) -> PaperParts {
        var parts = PaperParts()
        var blocks = paper.blocks[...]
        guard let first = blocks.popFirst() else { return parts }
        let firstText = ProfileBytes.joined(bytes, first)
        let secondIsAuthors = blocks.first.map { ProfileAuthors.looksLikeAuthors(ProfileBytes.joined(bytes, $0)) } ?? false

        if !secondIsAuthors, let k = authorLineInside(first) {
            // Title and authors (and maybe the abstract) with no blank line between them.
            parts.title = Array(first[..<k])
            parts.authors = [first[k]]
            if k + 1 < first.count { parts.abstract.append(Array(first[(k + 1)...])) }
            parts.abstract.append(contentsOf: blocks)
            diagnostics.warning(
                "profile.missing-blank-line", "no blank line between the title and the authors",
                at: location(first[k].contentStart))
            return parts
        }
        if !secondIsAuthors && ProfileAuthors.isStronglyAuthors(firstText) {
            // No title: the first block is the author list.
            parts.authors = first
            parts.abstract = Array(blocks)
            return parts
        }
        parts.title = first
        guard let second = blocks.popFirst() else { return parts }
        if secondIsAuthors {
            parts.authors = second
        } else if second.count >= 2, let head = second.first, ProfileAuthors.isStronglyAuthors(text(head.content)) {
            // Authors and abstract with no blank line between them.
            parts.authors = [head]
            parts.abstract = [Array(second.dropFirst())]
            diagnostics.warning(
                "profile.missing-blank-line", "no blank line between the authors and the abstract",
                at: location(head.contentStart))
        } else {
            parts.abstract = [second]
        }
        parts.abstract.append(contentsOf: blocks)
        return parts
    }

    /// The index of a line, after the first, that is clearly an author list and does not
    /// continue a list wrapped from the line before (which would end in a comma).
    private func authorLineInside(_ block: [SourceLine]) -> Int? {
        guard block.count >= 2 else { return nil }
        for k in 1..<block.count {
            let previous = block[k - 1]
            if previous.contentEnd > previous.contentStart, bytes[previous.contentEnd - 1] == UInt8(ascii: ",") { continue }
            if ProfileAuthors.isStronglyAuthors(text(block[k].content)) { return k }
        }
        return nil
    }

    // MARK: Counts

    /// Compares the header's announced paper count with the papers read.
    mutating func checkCount(found: Int, papersSeen: Int) {
        if papersSeen == 0 {
            diagnostics.warning(
                "profile.no-papers", "no papers found (a paper starts with a line such as `LGJun 29, 2023`)",
                at: location(0))
        }
        let skipped = papersSeen - found
        let detail = skipped > 0 ? " (\(skipped) of \(papersSeen) could not be read)" : ""
        if let h = heading, h.count != found {
            diagnostics.warning(
                "profile.count-mismatch",
                "the heading “\(text(h.line.content))” on line \(h.line.number) announces \(h.count) papers but \(found) were found\(detail)",
                at: location(h.line.contentStart))
        }
        if let s = paperStat, s.count != found, s.count != heading?.count {
            diagnostics.warning(
                "profile.count-mismatch",
                "the header line “\(text(s.line.content))” on line \(s.line.number) announces \(s.count) papers but \(found) were found\(detail)",
                at: location(s.line.contentStart))
        }
    }
}
