import BibModel

/// The raw layer of a profile: the header's lines, and for each paper its meta line and
/// the blocks of text that follow it, all as byte ranges of the input. Nothing is
/// interpreted here beyond finding where papers start.
struct RawProfile: Hashable, Sendable {
    /// Non-blank lines before the first paper.
    var headerLines: [SourceLine]
    /// The papers in order.
    var papers: [RawPaper]
    /// Damaged meta lines (`LGJux 12`) inside a block, read as text.
    var metaLikeText: [RawMetaLike] = []
}

/// A line inside a block that has the shape of a damaged meta line; it is read as text.
struct RawMetaLike: Hashable, Sendable {
    /// The line.
    var line: SourceLine
    /// Its parts.
    var meta: MetaLine
}

/// One paper as scanned: its meta line and the blank-line separated blocks after it.
struct RawPaper: Hashable, Sendable {
    /// The meta line.
    var metaLine: SourceLine
    /// Its parts.
    var meta: MetaLine
    /// The blocks of non-blank lines up to the next paper: title, authors, abstract.
    var blocks: [[SourceLine]]

    /// The last non-blank line of the paper.
    var lastLine: SourceLine { blocks.last?.last ?? metaLine }
}

/// Finds papers in the lines of a profile. One pass over the lines.
enum ProfileScanner {
    /// A meta line starts a paper when its month is a month name (wherever it stands), or,
    /// damaged (`LGJux 12`), when it has a score or subject and starts a block.
    static func scan(_ bytes: [UInt8], _ lines: [SourceLine]) -> RawProfile {
        var header: [SourceLine] = []
        var papers: [RawPaper] = []
        var metaLike: [RawMetaLike] = []
        var current: RawPaper?
        var block: [SourceLine] = []
        var atBlockStart = true

        func flushBlock() {
            guard !block.isEmpty else { return }
            if current != nil {
                current?.blocks.append(block)
            } else {
                header.append(contentsOf: block)
            }
            block = []
        }

        for line in lines {
            if line.isBlank {
                flushBlock()
                atBlockStart = true
                continue
            }
            let meta = MetaLine.parse(bytes, line.content)
            if let meta, startsPaper(meta, atBlockStart: atBlockStart) {
                flushBlock()
                if let done = current { papers.append(done) }
                current = RawPaper(metaLine: line, meta: meta, blocks: [])
            } else {
                if let meta, meta.hasPrefix { metaLike.append(RawMetaLike(line: line, meta: meta)) }
                block.append(line)
            }
            atBlockStart = false
        }
        flushBlock()
        if let done = current { papers.append(done) }
        return RawProfile(headerLines: header, papers: papers, metaLikeText: metaLike)
    }

    /// The meta line when this line starts a paper: a well-formed one anywhere, a damaged
    /// one (unknown month, but a score or subject before it) only at the start of a block.
    static func startOfPaper(_ bytes: [UInt8], _ content: Range<Int>, atBlockStart: Bool) -> MetaLine? {
        guard let meta = MetaLine.parse(bytes, content), startsPaper(meta, atBlockStart: atBlockStart) else { return nil }
        return meta
    }

    /// The rule of ``startOfPaper(_:_:atBlockStart:)`` for a parsed line.
    static func startsPaper(_ meta: MetaLine, atBlockStart: Bool) -> Bool {
        meta.isWellFormed || (atBlockStart && meta.hasPrefix)
    }
}
