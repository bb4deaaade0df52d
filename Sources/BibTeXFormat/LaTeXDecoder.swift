import BibModel
import Foundation

/// Turns the LaTeX of a BibTeX field value into ``RichText``: accents in every form
/// (`{\"o}`, `\"{o}`, `\"o`, `\'{\i}`, `{\v C}`), special letters (`\ss`, `\o`), symbols
/// (`\&`, `--`, `~`, ```` `` ````), formatting (`\emph`, `\textbf`, `{\em …}`, `\textsc`,
/// `\textsuperscript`, `\texttt`), links (`\url`, `\href`), math (`$…$`, `\(…\)`) kept as
/// math, and case-protecting braces kept as ``Inline/caseProtected(_:)`` spans.
///
/// It reads the rows of ``LaTeXCharacterTable`` backwards, so whatever the writer encodes
/// decodes to the same character. Braces around one special character (`{\"o}`, `{\ss}`) are
/// BibTeX "special characters", not protection. A command it does not know is kept verbatim
/// as ``Inline/raw(format:_:)`` with format `latex` (with its arguments) and named in
/// ``Result/unknownCommands``, never dropped.
///
/// The parser is a loop over bytes with an explicit stack: input nesting costs heap, not
/// call depth. Formatting nested deeper than ``maxInlineDepth`` is flattened.
public enum LaTeXDecoder {
    /// What decoding found besides the text.
    public struct Result: Sendable {
        /// The decoded text, NFC-normalised, white space collapsed and trimmed.
        public var text: RichText
        /// Commands kept verbatim because they are unknown, in order met (with repeats).
        public var unknownCommands: [String]
        /// True when formatting was nested deeper than ``maxInlineDepth`` and flattened.
        public var flattened: Bool
    }

    /// Nesting depth of formatting runs beyond which inner formatting is dropped (the text stays).
    public static let maxInlineDepth = 32

    /// Decodes a field value. With `protectGroups`, brace groups at the top level become
    /// case-protected spans (titles and other text BibTeX styles may recase).
    public static func decode(_ latex: String, protectGroups: Bool = true) -> Result {
        var s = latex
        return s.withUTF8 { decode($0, protectGroups: protectGroups) }
    }

    /// Decodes bytes of a field value (see ``decode(_:protectGroups:)``).
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, protectGroups: Bool = true) -> Result {
        let (stop, nonASCII) = plainStop(bytes)
        if stop < 0 {
            return Result(text: RichText(plainText(bytes, nonASCII: nonASCII)), unknownCommands: [], flattened: false)
        }
        return parsed(bytes, protectGroups: protectGroups, plainPrefix: stop)
    }

    /// ``decode(_:protectGroups:)`` without the fast path for plain values (tests compare the two).
    /// The first `plainPrefix` bytes are known to be plain (see ``plainStop(_:)``): they are
    /// the parser's text so far, as it would have copied them.
    /// `wordAtATime` false: the runs of ordinary bytes are found byte by byte only (tests
    /// compare the two).
    static func parsed(
        _ bytes: UnsafeBufferPointer<UInt8>, protectGroups: Bool, plainPrefix: Int = 0, wordAtATime: Bool = true
    ) -> Result {
        var parser = Parser(buf: bytes, protectGroups: protectGroups, plainPrefix: plainPrefix)
        parser.wordAtATime = wordAtATime
        parser.run()
        return Result(text: parser.finish(), unknownCommands: parser.unknown, flattened: parser.flattened)
    }

    /// ``parsed(_:protectGroups:plainPrefix:)`` that looks for runs of spaces in every text run
    /// and merges adjacent runs the general way (``RichText``), as the decoder did before it knew
    /// where such runs can come from (tests compare the two).
    static func parsedCheckingAllSpaces(_ bytes: UnsafeBufferPointer<UInt8>, protectGroups: Bool) -> Result {
        var parser = Parser(buf: bytes, protectGroups: protectGroups, plainPrefix: 0)
        parser.run()
        parser.stack[0].flush()
        let text = LaTeXDecoderStyle.tidiedCheckingAllSpaces(parser.stack[0].inlines)
        return Result(text: text, unknownCommands: parser.unknown, flattened: parser.flattened)
    }

    /// Most values hold no LaTeX at all: text without a backslash, braces, `$`, `~` or a
    /// backtick, without `--` or `''`
    /// and without runs of white space decodes to itself (a lone `-` or `'` is copied as it is).
    static func plainFastPath(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let (stop, nonASCII) = plainStop(bytes)
        return stop < 0 ? plainText(bytes, nonASCII: nonASCII) : nil
    }

    /// Where ``plainFastPath(_:)`` gives up: -1 when the value is plain throughout, else the
    /// index of the first byte that needs the parser (the count of bytes for a trailing space).
    /// The bytes before it are copied by the parser as they are (no dash, quote, command, group or
    /// run of spaces among them), so it may start there. Also whether a non-ASCII byte was seen.
    @inline(__always)
    static func plainStop(_ bytes: UnsafeBufferPointer<UInt8>) -> (stop: Int, nonASCII: Bool) {
        plainStop(bytes, wordAtATime: true)
    }

    /// ``plainStop(_:)``; `wordAtATime` false: byte by byte only (tests compare the two).
    @inline(__always)
    static func plainStop(_ bytes: UnsafeBufferPointer<UInt8>, wordAtATime: Bool) -> (stop: Int, nonASCII: Bool) {
        var previousSpace = true  // a leading space needs trimming: no fast path
        var nonASCII = false
        let n = bytes.count
        var k = 0
        // Eight bytes at a time while they hold nothing the byte loop below would look at
        // twice: no byte of class 1 (nor any other control byte), no `-` or `'`, no two spaces
        // in a row (within the word, or a space after a space that ended the word before).
        // Such a word moves the loop on exactly as its bytes one by one would. Any other word
        // (a borrow may flag a byte after a true match: only ever toward this) goes byte by byte.
        #if _endian(little)
        if wordAtATime, let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while k + 8 <= n {
                let x = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                let special =
                    ByteWord.equal(x, 0x5C) | ByteWord.equal(x, 0x7B) | ByteWord.equal(x, 0x7D) | ByteWord.equal(x, 0x24)
                    | ByteWord.equal(x, 0x7E) | ByteWord.equal(x, 0x60) | ByteWord.equal(x, 0x2D) | ByteWord.equal(x, 0x27)
                    | ByteWord.below(x, 0x20)
                let spaces = ByteWord.equal(x, 0x20)
                let leading: UInt64 = previousSpace ? 0x80 : 0
                if special | (spaces & ((spaces << 8) | leading)) != 0 {
                    // This word byte by byte.
                    let end = k + 8
                    while k < end {
                        if plainStops(at: k, bytes, previousSpace: &previousSpace, nonASCII: &nonASCII) {
                            return (k, nonASCII)
                        }
                        k += 1
                    }
                    continue
                }
                if x & 0x8080_8080_8080_8080 != 0 { nonASCII = true }
                previousSpace = x >> 56 == 0x20
                k += 8
            }
        }
        #endif
        while k < n {
            if plainStops(at: k, bytes, previousSpace: &previousSpace, nonASCII: &nonASCII) { return (k, nonASCII) }
            k += 1
        }
        if previousSpace && n > 0 { return (n, nonASCII) }
        return (-1, nonASCII)
    }

    /// One byte of ``plainStop(_:wordAtATime:)``'s loop: true where the fast path stops at it.
    @inline(__always)
    private static func plainStops(
        at k: Int, _ bytes: UnsafeBufferPointer<UInt8>, previousSpace: inout Bool, nonASCII: inout Bool
    ) -> Bool {
        let b = bytes[k]
        switch fastPathClass[Int(b)] {
        case 0:
            previousSpace = false
        case 1:
            return true
        case 2:
            if previousSpace { return true }
            previousSpace = true
        case 3:
            // `-` and `'` stand for themselves unless doubled (`--` is a dash, `''` a quote).
            if k + 1 < bytes.count && bytes[k + 1] == b { return true }
            previousSpace = false
        default:
            nonASCII = true
            previousSpace = false
        }
        return false
    }

    /// The text of a value ``plainStop(_:)`` found plain: its bytes, NFC.
    static func plainText(_ bytes: UnsafeBufferPointer<UInt8>, nonASCII: Bool) -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        if nonASCII && !s.isNFCWithoutChecking { return s.precomposedStringWithCanonicalMapping }
        return s
    }

    /// Per byte, what ``plainFastPath(_:)`` makes of it: 0 copied, 1 needs the parser, 2 a
    /// space, 3 `-` or `'` (copied unless doubled), 4 non-ASCII (copied; NFC checked).
    static let fastPathClass: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for b in "\\{}$~`".utf8 { table[Int(b)] = 1 }
        for b: UInt8 in [0x09, 0x0A, 0x0B, 0x0C, 0x0D] { table[Int(b)] = 1 }
        table[0x20] = 2
        table[Int(UInt8(ascii: "-"))] = 3
        table[Int(UInt8(ascii: "'"))] = 3
        for b in 0x80...0xFF { table[b] = 4 }
        return table
    }()

    /// The plain text of a field value: decoded, formatting dropped, math as its source.
    public static func plain(_ latex: String) -> String {
        decode(latex, protectGroups: false).text.plainText
    }

    /// Plain text of bytes (see ``plain(_:)``), with the unknown commands met.
    static func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, [String]) {
        let r = decode(bytes, protectGroups: false)
        return (r.text.plainText, r.unknownCommands)
    }

    /// Plain text of bytes through `cache` (see ``LaTeXPlainCache``).
    static func plain(_ bytes: UnsafeBufferPointer<UInt8>, cache: inout LaTeXPlainCache) -> (String, [String]) {
        cache.plain(bytes)
    }

    // MARK: Tables

    /// Whole special-character forms of the writer's table (`{\"o}`, `{\ss}`,
    /// `{l\textperiodcentered}`, `{\ensuremath{\leq}}`) → the character.
    static let groupForms: [String: String] = {
        var out: [String: String] = [:]
        for row in LaTeXCharacterTable.accentedLetters + LaTeXCharacterTable.letters + LaTeXCharacterTable.symbols
            + LaTeXCharacterTable.greek
        where row.text.hasPrefix("{") && out[row.text] == nil {
            out[row.text] = String(row.scalar)
        }
        return out
    }()

    /// Control words that stand for text (`ss` → `ß`, `S` → `§`, `textregistered` → `®`,
    /// `ldots` → `…`, `alpha` → `α`).
    static let wordText: [String: String] = {
        var out: [String: String] = [:]
        for row in LaTeXCharacterTable.letters + LaTeXCharacterTable.symbols {
            // `{\name}` → name
            let t = row.text
            guard t.hasPrefix("{\\"), t.hasSuffix("}") else { continue }
            let name = String(t.dropFirst(2).dropLast())
            if name.utf8.allSatisfy(isASCIILetter), out[name] == nil { out[name] = String(row.scalar) }
        }
        for (math, text) in mathText where math.hasPrefix("\\") {
            let name = String(math.dropFirst())
            if name.utf8.allSatisfy(isASCIILetter), out[name] == nil { out[name] = text }
        }
        let extras: [String: String] = [
            "dots": "…", "textellipsis": "…", "textendash": "–", "textemdash": "—", "textquoteleft": "‘",
            "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”", "textquotedbl": "\"",
            "textquotesingle": "'", "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\",
            "textbar": "|", "textless": "<", "textgreater": ">", "textunderscore": "_", "textbraceleft": "{",
            "textbraceright": "}", "textdollar": "$", "textsterling": "£", "euro": "€", "dag": "†", "ddag": "‡",
            "textsection": "§", "textparagraph": "¶", "textcopyright": "©", "guillemetleft": "«",
            "guillemetright": "»", "textvisiblespace": "␣", "LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2e",
            "BibTeX": "BibTeX", "slash": "/", "textslash": "/", "nobreakspace": "\u{00A0}", "textnumero": "№",
            "thinspace": "\u{2009}", "textasteriskcentered": "∗", "textohm": "Ω", "textregistered": "®",
            "ae": "æ", "o": "ø", "i": "ı", "j": "ȷ", "textcelsius": "℃", "ss": "ß",
            "textordfeminine": "ª", "textdegree": "°", "textperiodcentered": "·", "og": "«", "fg": "»",
            "texttildelow": "˜", "textexclamdown": "¡", "textquestiondown": "¿",
            "lq": "‘", "rq": "’", "space": " ", "textspace": " ", "enskip": "\u{2002}", "qquad": "\u{2003}\u{2003}",
            "cdots": "⋯", "textminus": "−", "textpm": "±", "texttimes": "×", "textdiv": "÷",
        ]
        for (k, v) in extras where out[k] == nil { out[k] = v }
        return out
    }()

    /// The math inside the writer's `{\ensuremath{…}}` forms → the character (`\leq` → `≤`,
    /// `\mathrm{A}` → `Α`).
    static let mathText: [String: String] = {
        var out: [String: String] = [:]
        for row in LaTeXCharacterTable.symbols + LaTeXCharacterTable.greek {
            let prefix = "{\\ensuremath{"
            let t = row.text
            guard t.hasPrefix(prefix), t.hasSuffix("}}") else { continue }
            let inner = String(t.dropFirst(prefix.count).dropLast(2))
            if out[inner] == nil { out[inner] = String(row.scalar) }
        }
        return out
    }()

    /// Accent commands → combining mark.
    static let accentMarks: [String: String] = {
        var out: [String: String] = ["t": "\u{0361}"]
        for accent in LaTeXCharacterTable.accents { out[accent.command] = String(accent.mark) }
        return out
    }()

    /// The one-character strings of ASCII (`String(Character(Unicode.Scalar(b)))` made once).
    static let asciiStrings: [String] = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }

    @inline(__always)
    static func asciiString(_ b: UInt8) -> String { b < 0x80 ? asciiStrings[Int(b)] : String(Character(Unicode.Scalar(b))) }

    /// ``accentMarks`` of the one-character accent commands (`\'`, `\"`), by byte.
    static let symbolAccentMarks: [String?] = (0..<128).map { accentMarks[String(Character(Unicode.Scalar(UInt8($0))))] }

    /// The accent alone (`\'{}` → `´`).
    static let spacingAccents: [String: String] = [
        "'": "´", "\"": "¨", "`": "`", "^": "^", "~": "~", "=": "¯", ".": "˙", "u": "˘", "v": "ˇ", "H": "˝",
        "c": "¸", "k": "˛", "r": "˚", "d": ".", "b": "_", "t": "\u{0361}",
    ]

    /// Formatting commands taking an argument.
    static let styleCommands: [String: Style] = [
        "emph": .italic, "textit": .italic, "textsl": .italic, "mkbibemph": .italic, "mkbibitalic": .italic,
        "textbf": .bold, "mkbibbold": .bold, "textsc": .smallCaps, "textsuperscript": .superscript,
        "mkbibsuperscript": .superscript, "textsubscript": .subscript, "mkbibsubscript": .subscript,
        "texttt": .code, "textrm": .none, "textsf": .none, "textnormal": .none, "textup": .none, "textmd": .none,
        "mbox": .none, "hbox": .none, "text": .none, "textlf": .none, "NoCaseChange": .protect,
        "nocase": .protect, "enquote": .quote, "mkbibquote": .quote,
    ]

    /// Font declarations (`{\em …}`): the style runs to the end of the enclosing group.
    static let declarations: [String: Style] = [
        "em": .italic, "it": .italic, "itshape": .italic, "sl": .italic, "slshape": .italic, "bf": .bold,
        "bfseries": .bold, "sc": .smallCaps, "scshape": .smallCaps, "tt": .code, "ttfamily": .code,
        "rm": .none, "rmfamily": .none, "sf": .none, "sffamily": .none, "upshape": .none, "mdseries": .none,
        "normalfont": .none, "tiny": .none, "scriptsize": .none, "footnotesize": .none, "small": .none,
        "normalsize": .none, "large": .none, "Large": .none, "LARGE": .none, "huge": .none, "Huge": .none,
        "boldmath": .none, "unboldmath": .none,
    ]

    /// Commands that print nothing.
    static let noOps: Set<String> = [
        "relax", "protect", "nobreak", "null", "xspace", "ignorespaces", "unskip", "leavevmode", "noindent",
        "hfill", "hfil", "vfill", "break", "frenchspacing", "nonfrenchspacing", "/", "@", "!", "sloppy",
        "fussy", "obeyspaces",
    ]

    /// Commands that print a space.
    static let spaces: Set<String> = ["par", "newblock", "linebreak", "newline", "\\", " ", ";", ":", "quad"]

    /// Commands whose argument is skipped and a space printed (`\hspace{1em}`).
    static let spaceWithArgument: Set<String> = ["hspace", "vspace", "hskip", "kern"]

    /// Commands kept verbatim with their argument without a warning: they are sort or style
    /// hacks a document defines on purpose (`\noopsort{1973b}`).
    static let keptQuietly: Set<String> = [
        "noopsort", "sortnoop", "SortNoop", "noop", "NOOP", "singleletter", "bibstring", "bibsstring",
    ]

    /// A text style.
    enum Style {
        case italic, bold, smallCaps, superscript, `subscript`, code, none, protect, quote
    }

    /// What ``Parser`` does with a control word, in the order it asks: accent, text, style,
    /// declaration, the commands it reads itself, no-op, space, space with argument, math
    /// text, kept quietly; anything else is unknown.
    enum CommandAction {
        case accent(String), text(String), style(Style), declaration(Style)
        case url, href, discretionary, symbol, ensuremath
        case noOp, space, spaceWithArgument, mathText(String), keptQuietly, unknown
    }

    /// A control word's action, whether ``isKnown(_:)`` says it is known, and whether
    /// ``mathText`` has it (as `\name`).
    struct CommandInfo {
        var action: CommandAction
        var isKnown: Bool
        var hasMathText: Bool
    }

    /// Every control word any table names → its ``CommandInfo``: one lookup per command instead
    /// of one per table. Built from the tables, lowest precedence first, so a later table wins.
    static let commands: [String: CommandInfo] = {
        var out: [String: CommandInfo] = [:]
        func put(_ name: String, _ action: CommandAction?, known: Bool, math: Bool = false) {
            var info = out[name] ?? CommandInfo(action: .unknown, isKnown: false, hasMathText: false)
            if let action { info.action = action }
            info.isKnown = info.isKnown || known
            info.hasMathText = info.hasMathText || math
            out[name] = info
        }
        for name in keptQuietly { put(name, .keptQuietly, known: true) }
        for (math, text) in mathText where math.hasPrefix("\\") {
            put(String(math.dropFirst()), .mathText(text), known: false, math: true)
        }
        for name in spaceWithArgument { put(name, .spaceWithArgument, known: true) }
        for name in spaces { put(name, .space, known: true) }
        for name in noOps { put(name, .noOp, known: true) }
        // Known (a `{\textcircled …}` group is a special character) but read as unknown.
        put("textcircled", nil, known: true)
        put("ensuremath", .ensuremath, known: true)
        put("symbol", .symbol, known: true)
        put("discretionary", .discretionary, known: true)
        put("href", .href, known: true)
        put("path", .url, known: true)
        put("url", .url, known: true)
        for (name, style) in declarations { put(name, .declaration(style), known: true) }
        for (name, style) in styleCommands { put(name, .style(style), known: true) }
        for (name, text) in wordText { put(name, .text(text), known: true) }
        for (name, mark) in accentMarks { put(name, .accent(mark), known: true) }
        return out
    }()

    /// ``isKnown(_:)`` or in ``mathText`` (as `\name`), with one lookup.
    static func isKnownOrMath(_ name: String) -> Bool {
        if name.utf8.count == 1, let b = name.utf8.first, !isASCIILetter(b) { return true }
        guard let info = commands[name] else { return false }
        return info.isKnown || info.hasMathText
    }

    /// All known control words (for deciding whether `{\word …}` is a special character).
    static func isKnown(_ name: String) -> Bool {
        if name.utf8.count == 1, let b = name.utf8.first, !isASCIILetter(b) { return true }
        return wordText[name] != nil || accentMarks[name] != nil || styleCommands[name] != nil || declarations[name] != nil
            || noOps.contains(name) || spaces.contains(name) || spaceWithArgument.contains(name)
            || keptQuietly.contains(name) || name == "url" || name == "href" || name == "ensuremath"
            || name == "path" || name == "textcircled" || name == "discretionary" || name == "symbol"
    }
}

// MARK: - Parser

private struct Frame {
    enum Kind {
        case root
        /// A brace group; protected at the top level of text fields.
        case group(protect: Bool)
        /// A formatting run opened by a command's `{`.
        case style(LaTeXDecoder.Style)
        /// A declaration (`\em`) running to the end of the enclosing group; no brace of its own.
        case declaration(LaTeXDecoder.Style)
        /// An accent's braced argument.
        case accent(String)
        /// `\href{url}{…}`'s text.
        case link(String)
    }

    var kind: Kind
    var inlines: [Inline] = []
    var text: [UInt8] = []
    /// Whether this frame wraps its content in an inline (counts toward the depth cap).
    var wraps: Bool

    init(_ kind: Kind, wraps: Bool) {
        self.kind = kind
        self.wraps = wraps
    }

    /// Moves pending text into the inlines.
    mutating func flush() {
        guard !text.isEmpty else { return }
        inlines.append(.text(normalized(text)))
        text.removeAll(keepingCapacity: true)
    }
}

/// NFC text from UTF-8 bytes (Latin-1 bytes never reach here: values are UTF-8 by then).
private func normalized(_ bytes: [UInt8]) -> String {
    let s = String(decoding: bytes, as: UTF8.self)
    return s.isNFCWithoutChecking ? s : s.precomposedStringWithCanonicalMapping
}

private struct Parser {
    let buf: UnsafeBufferPointer<UInt8>
    let n: Int
    let protectGroups: Bool
    var i = 0
    var stack: [Frame]
    var unknown: [String] = []
    var flattened = false
    var wrapDepth = 0
    /// Whether ``emit(_:)`` wrote a space: only then can one text run hold two spaces in a
    /// row (``emitSpace()`` never writes a second one, and copied runs hold single spaces).
    var emittedSpace = false
    /// Runs of ordinary bytes looked at eight bytes at a time (see ``run()``).
    var wordAtATime = true

    init(buf: UnsafeBufferPointer<UInt8>, protectGroups: Bool, plainPrefix: Int = 0) {
        self.buf = buf
        self.n = buf.count
        self.protectGroups = protectGroups
        // Room for a few levels of nesting from the start (one allocation).
        var root = Frame(.root, wraps: false)
        root.text.reserveCapacity(buf.count)
        let prefix = min(max(0, plainPrefix), buf.count)
        if prefix > 0 {
            root.text.append(contentsOf: UnsafeBufferPointer(rebasing: buf[0..<prefix]))
            i = prefix
        }
        var frames: [Frame] = []
        frames.reserveCapacity(4)
        frames.append(consume root)
        stack = frames
    }

    // MARK: Output helpers

    private mutating func emit(_ s: String) {
        if !emittedSpace && s.utf8.contains(0x20) { emittedSpace = true }
        stack[stack.count - 1].text.append(contentsOf: s.utf8)
    }

    private mutating func emitByte(_ b: UInt8) {
        stack[stack.count - 1].text.append(b)
    }

    private mutating func emitSpace() {
        if stack[stack.count - 1].text.last == 0x20 { return }
        stack[stack.count - 1].text.append(0x20)
    }

    private mutating func emitInline(_ inline: Inline) {
        stack[stack.count - 1].flush()
        stack[stack.count - 1].inlines.append(inline)
    }

    private mutating func emitRaw(_ range: Range<Int>) {
        emitInline(.raw(format: "latex", string(range)))
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[range]), as: UTF8.self)
    }

    private mutating func push(_ kind: Frame.Kind, wraps: Bool) {
        var wraps = wraps
        var kind = kind
        if wraps {
            if wrapDepth >= LaTeXDecoder.maxInlineDepth {
                flattened = true
                wraps = false
                if case .declaration = kind { kind = .declaration(.none) } else if case .link = kind { kind = .group(protect: false) } else if case .style = kind { kind = .style(.none) } else { kind = .group(protect: false) }
            } else {
                wrapDepth += 1
            }
        }
        stack[stack.count - 1].flush()
        stack.append(Frame(kind, wraps: wraps))
    }

    /// Closes the top frame into its parent.
    private mutating func pop() {
        guard stack.count > 1, var frame = stack.popLast() else { return }
        frame.flush()
        if frame.wraps { wrapDepth -= 1 }
        // Adjacent text runs merged, so `{bunch {of} x}` and `{bunch of x}` read the same
        // (one run, or none, is merged already: flushed runs are never empty).
        let content = frame.wraps && frame.inlines.count > 1 ? RichText(frame.inlines).inlines : frame.inlines
        stack[stack.count - 1].flush()
        // The common wrappings go straight into the parent, without an array of one.
        switch frame.kind {
        case .root:
            stack[stack.count - 1].inlines.append(contentsOf: content)
        case .group(let protect):
            if protect && !content.isEmpty {
                stack[stack.count - 1].inlines.append(.caseProtected(content))
            } else {
                stack[stack.count - 1].inlines.append(contentsOf: content)
            }
        case .style(let style), .declaration(let style):
            stack[stack.count - 1].inlines.append(contentsOf: LaTeXDecoderStyle.wrap(content, style, wraps: frame.wraps))
        case .accent(let mark):
            stack[stack.count - 1].inlines.append(contentsOf: LaTeXDecoderStyle.accented(content, mark: mark))
        case .link(let url):
            stack[stack.count - 1].inlines.append(.link(url: url, content))
        }
    }

    /// True when no frame other than the root is open (the top level of the field).
    private var atTopLevel: Bool { stack.count == 1 }

    // MARK: Main loop

    /// Bytes the main loop treats specially (everything else is copied as it is).
    static let isSpecial: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in "\\{}$~-`' \t\n\r".utf8 { table[Int(b)] = true }
        table[0x0B] = true
        table[0x0C] = true
        return table
    }()

    mutating func run() {
        while i < n {
            let b = buf[i]
            switch b {
            case UInt8(ascii: "\\"):
                command()
            case UInt8(ascii: "{"):
                openGroup()
            case UInt8(ascii: "}"):
                closeGroup()
                i += 1
            case UInt8(ascii: "$"):
                dollarMath()
            case UInt8(ascii: "~"):
                emit("\u{00A0}")
                i += 1
            case UInt8(ascii: "-"):
                var j = i
                while j < n && buf[j] == UInt8(ascii: "-") { j += 1 }
                var run = j - i
                while run >= 3 {
                    emit("—")
                    run -= 3
                }
                if run == 2 { emit("–") } else if run == 1 { emitByte(UInt8(ascii: "-")) }
                i = j
            case UInt8(ascii: "`"):
                if i + 1 < n && buf[i + 1] == UInt8(ascii: "`") {
                    emit("“")
                    i += 2
                } else {
                    emit("‘")
                    i += 1
                }
            case UInt8(ascii: "'"):
                if i + 1 < n && buf[i + 1] == UInt8(ascii: "'") {
                    emit("”")
                    i += 2
                } else {
                    emitByte(b)
                    i += 1
                }
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C:
                emitSpace()
                i += 1
            default:
                // A run of ordinary bytes goes to the frame in one append, single spaces
                // between them included (they need no collapsing: the byte before is no space).
                var j = i + 1
                while j < n {
                    #if _endian(little)
                    // Eight at once while there is no special byte (nor any other control
                    // byte) but single spaces, none of them last: the steps below would take
                    // exactly these eight bytes (a borrow only ever flags more).
                    if wordAtATime, j + 8 <= n, let base = buf.baseAddress {
                        let x = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: j, as: UInt64.self)
                        let special =
                            ByteWord.equal(x, 0x5C) | ByteWord.equal(x, 0x7B) | ByteWord.equal(x, 0x7D)
                            | ByteWord.equal(x, 0x24) | ByteWord.equal(x, 0x7E) | ByteWord.equal(x, 0x60)
                            | ByteWord.equal(x, 0x2D) | ByteWord.equal(x, 0x27) | ByteWord.below(x, 0x20)
                        let spaces = ByteWord.equal(x, 0x20)
                        if special | (spaces & (spaces << 8)) == 0 && x >> 56 != 0x20 {
                            j += 8
                            continue
                        }
                    }
                    #endif
                    let c = buf[j]
                    if !Self.isSpecial[Int(c)] {
                        j += 1
                    } else if c == 0x20 && j + 1 < n && !Self.isSpecial[Int(buf[j + 1])] {
                        j += 2
                    } else {
                        break
                    }
                }
                stack[stack.count - 1].text.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                i = j
            }
        }
        while stack.count > 1 { pop() }
    }

    mutating func finish() -> RichText {
        stack[0].flush()
        return LaTeXDecoderStyle.tidied(stack[0].inlines, emittedSpace: emittedSpace)
    }

    // MARK: Groups

    private mutating func openGroup() {
        // `{}`: nothing.
        if i + 1 < n && buf[i + 1] == UInt8(ascii: "}") {
            i += 2
            return
        }
        // A whole form of the writer's table: `{\"o}`, `{\ss}`, `{l\textperiodcentered}`.
        if i + 2 < n, buf[i + 1] == UInt8(ascii: "\\") || buf[i + 2] == UInt8(ascii: "\\"),
            let end = matchingBrace(from: i, limit: 40)
        {
            let form = string(i..<(end + 1))
            if let text = LaTeXDecoder.groupForms[form] {
                emit(text)
                i = end + 1
                return
            }
        }
        if i + 1 < n && buf[i + 1] == UInt8(ascii: "\\") {
            // A BibTeX special character: `{\…}` never protects case.
            let (name, _) = controlName(at: i + 1)
            if let name, !LaTeXDecoder.isKnownOrMath(name) {
                // `{\foo …}`: kept whole.
                let end = matchingBrace(from: i, limit: Int.max).map { $0 + 1 } ?? n
                unknown.append(name)
                emitRaw(i..<end)
                i = end
                return
            }
            push(.group(protect: false), wraps: false)
            i += 1
            return
        }
        let protect = protectGroups && atTopLevel
        push(.group(protect: protect), wraps: protect)
        i += 1
    }

    private mutating func closeGroup() {
        // Declarations end with their group.
        while stack.count > 1, case .declaration = stack[stack.count - 1].kind { pop() }
        if stack.count > 1 {
            pop()
        }
        // A stray `}` at the top level (only possible in a quoted value): dropped.
    }

    /// The index of the `}` matching the `{` at `start`, within `limit` bytes; nil when none.
    private func matchingBrace(from start: Int, limit: Int) -> Int? {
        var depth = 0
        var j = start
        let end = limit == Int.max ? n : min(n, start + limit)
        while j < end {
            let b = buf[j]
            if b == UInt8(ascii: "\\") {
                j += 2
                continue
            }
            if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return j }
            }
            j += 1
        }
        return nil
    }

    // MARK: Commands

    /// The control word at a backslash: its name (letters) and the index after it; for a
    /// control symbol the one character; nil name at the end of input.
    private func controlName(at slash: Int) -> (String?, Int) {
        var j = slash + 1
        guard j < n else { return (nil, j) }
        if isASCIILetter(buf[j]) {
            while j < n && isASCIILetter(buf[j]) { j += 1 }
            return (string((slash + 1)..<j), j)
        }
        return (string(j..<(j + 1)), j + 1)
    }

    private mutating func skipSpaces() {
        while i < n && isBibSpace(buf[i]) { i += 1 }
    }

    private mutating func command() {
        let start = i
        guard i + 1 < n else {
            emitByte(UInt8(ascii: "\\"))
            i += 1
            return
        }
        let c = buf[i + 1]
        if !isASCIILetter(c) {
            controlSymbol(c)
            return
        }
        let (nameOpt, after) = controlName(at: i)
        guard let name = nameOpt else { return }
        i = after
        switch LaTeXDecoder.commands[name]?.action ?? .unknown {
        case .accent(let mark):
            skipSpaces()
            accentArgument(mark: mark, accent: name, start: start)
        case .text(let text):
            emit(text)
            skipAfterWord()
        case .style(let style):
            skipSpaces()
            if i < n && buf[i] == UInt8(ascii: "{") {
                i += 1
                push(.style(style), wraps: style != .none)
            }
        case .declaration(let style):
            skipAfterWord()
            if style != .none { push(.declaration(style), wraps: true) }
        case .url:
            skipSpaces()
            if let (range, end) = braceArgument() {
                let url = unescapedURL(range)
                emitInline(.link(url: url, [.text(url)]))
                i = end
            } else {
                unknownCommand(name, start: start)
            }
        case .href:
            skipSpaces()
            guard let (range, end) = braceArgument() else {
                unknownCommand(name, start: start)
                return
            }
            i = end
            skipSpaces()
            let url = unescapedURL(range)
            if i < n && buf[i] == UInt8(ascii: "{") {
                i += 1
                push(.link(url), wraps: true)
            } else {
                emitInline(.link(url: url, [.text(url)]))
            }
        case .discretionary:
            // `\discretionary{pre-break}{post-break}{no-break}`: the text is what prints unbroken.
            if discretionary() { return }
            i = after
            unknownCommand(name, start: start)
        case .symbol:
            // `\symbol{126}`, `{"7E}`, `{'176}`, `{`\~}`: the character with that code.
            skipSpaces()
            if let (range, end) = braceArgument(), let scalar = symbolCode(range) {
                emit(String(Character(scalar)))
                i = end
            } else {
                i = after
                unknownCommand(name, start: start)
            }
        case .ensuremath:
            skipSpaces()
            if let (range, end) = braceArgument() {
                let math = string(range)
                if let text = LaTeXDecoder.mathText[math] {
                    emit(text)
                } else {
                    emitInline(.math(math))
                }
                i = end
            } else {
                unknownCommand(name, start: start)
            }
        case .noOp:
            skipAfterWord()
        case .space:
            skipAfterWord()
            emitSpace()
        case .spaceWithArgument:
            skipSpaces()
            if let (_, end) = braceArgument() { i = end }
            emitSpace()
        case .mathText(let text):
            emit(text)
            skipAfterWord()
        case .keptQuietly:
            keepVerbatim(from: start)
        case .unknown:
            unknownCommand(name, start: start)
        }
    }

    /// After a control word TeX skips spaces; an empty group `{}` that ends the word is dropped.
    private mutating func skipAfterWord() {
        var j = i
        while j < n && isBibSpace(buf[j]) { j += 1 }
        if j + 1 < n && buf[j] == UInt8(ascii: "{") && buf[j + 1] == UInt8(ascii: "}") { j += 2 }
        i = j
    }

    /// `\foo[opt]{arg}{arg}` kept verbatim; reported as unknown.
    private mutating func unknownCommand(_ name: String, start: Int) {
        unknown.append(name)
        keepVerbatim(from: start)
    }

    private mutating func keepVerbatim(from start: Int) {
        // Arguments: `*`, `[…]` and `{…}` groups right after the name (spaces allowed before them).
        var end = i
        var j = i
        if j < n && buf[j] == UInt8(ascii: "*") {
            j += 1
            end = j
        }
        while true {
            var k = j
            while k < n && (buf[k] == 0x20 || buf[k] == 0x09) { k += 1 }
            guard k < n else { break }
            if buf[k] == UInt8(ascii: "{") {
                guard let close = matchingBrace(from: k, limit: Int.max) else { break }
                j = close + 1
                end = j
            } else if buf[k] == UInt8(ascii: "[") {
                var m = k + 1
                while m < n && buf[m] != UInt8(ascii: "]") && buf[m] != UInt8(ascii: "{") && buf[m] != UInt8(ascii: "}") { m += 1 }
                guard m < n, buf[m] == UInt8(ascii: "]") else { break }
                j = m + 1
                end = j
            } else {
                break
            }
        }
        // A control word followed directly by a letter keeps one space, or it would merge.
        if end == i, end < n, buf[end] == 0x20, end + 1 < n, isASCIILetter(buf[end + 1]) {
            end += 1
        }
        emitRaw(start..<end)
        i = end
    }

    /// `{…}` at `i`: its content range and the index after the closing brace.
    private func braceArgument() -> (Range<Int>, Int)? {
        guard i < n, buf[i] == UInt8(ascii: "{"), let close = matchingBrace(from: i, limit: Int.max) else { return nil }
        return ((i + 1)..<close, close + 1)
    }

    /// `\discretionary`'s three arguments from `i`: the first two are skipped and the third
    /// is read as an ordinary (unprotected) group. False, with `i` unspecified, when they are not there.
    private mutating func discretionary() -> Bool {
        for _ in 0..<2 {
            skipSpaces()
            guard let (_, end) = braceArgument() else { return false }
            i = end
        }
        skipSpaces()
        guard braceArgument() != nil else { return false }
        i += 1
        push(.group(protect: false), wraps: false)
        return true
    }

    /// The character `\symbol`'s argument names: decimal, `"` hex, `'` octal or `` ` `` and a
    /// character (`` `\~ `` or `` `a ``). The code is the font slot, which is the Unicode code
    /// point under XeTeX and LuaTeX and agrees with T1 and the typewriter fonts in printable
    /// ASCII; control characters (below 32, 127–159) and non-characters are nil (kept verbatim).
    private func symbolCode(_ range: Range<Int>) -> Unicode.Scalar? {
        var lo = range.lowerBound
        var hi = range.upperBound
        while lo < hi && isBibSpace(buf[lo]) { lo += 1 }
        while hi > lo && isBibSpace(buf[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        var value = 0
        switch buf[lo] {
        case UInt8(ascii: "`"):
            var j = lo + 1
            if j < hi && buf[j] == UInt8(ascii: "\\") { j += 1 }
            guard j < hi else { return nil }
            let rest = string(j..<hi)
            guard let scalar = rest.unicodeScalars.first, rest.unicodeScalars.count == 1 else { return nil }
            value = Int(scalar.value)
        default:
            var radix = 10
            var j = lo
            if buf[j] == UInt8(ascii: "\"") {
                radix = 16
                j += 1
            } else if buf[j] == UInt8(ascii: "'") {
                radix = 8
                j += 1
            }
            guard j < hi, hi - j <= 8 else { return nil }
            while j < hi {
                let b = buf[j]
                let digit: Int
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(b - UInt8(ascii: "0"))
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(b - UInt8(ascii: "A")) + 10
                default: return nil
                }
                guard digit < radix else { return nil }
                value = value * radix + digit
                j += 1
            }
        }
        guard value >= 0x20, value != 0x7F, !(0x80...0x9F).contains(value), let scalar = Unicode.Scalar(value) else { return nil }
        return scalar
    }

    /// A URL argument with LaTeX escapes of URL characters removed (`\%` → `%`, `\#`, `\_`, `\&`, `\~`).
    private func unescapedURL(_ range: Range<Int>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var j = range.lowerBound
        while j < range.upperBound {
            let b = buf[j]
            if b == UInt8(ascii: "\\"), j + 1 < range.upperBound {
                let c = buf[j + 1]
                if c == UInt8(ascii: "%") || c == UInt8(ascii: "#") || c == UInt8(ascii: "_") || c == UInt8(ascii: "&")
                    || c == UInt8(ascii: "~") || c == UInt8(ascii: "$")
                {
                    out.append(c)
                    j += 2
                    continue
                }
            }
            if !(b == 0x0A || b == 0x0D || b == 0x09) { out.append(b) }
            j += 1
        }
        return String(decoding: out, as: UTF8.self).trimmingSpaces
    }

    private mutating func controlSymbol(_ c: UInt8) {
        var symbol: String { LaTeXDecoder.asciiString(c) }
        switch c {
        case UInt8(ascii: "&"), UInt8(ascii: "%"), UInt8(ascii: "$"), UInt8(ascii: "#"), UInt8(ascii: "_"),
            UInt8(ascii: "{"), UInt8(ascii: "}"):
            emitByte(c)
            i += 2
        case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "^"), UInt8(ascii: "~"),
            UInt8(ascii: "="), UInt8(ascii: "."):
            let start = i
            i += 2
            skipSpaces()
            accentArgument(mark: LaTeXDecoder.symbolAccentMarks[Int(c)] ?? "", accent: symbol, start: start)
        case UInt8(ascii: "("):
            delimitedMath(open: i, close: UInt8(ascii: ")"))
        case UInt8(ascii: "["):
            delimitedMath(open: i, close: UInt8(ascii: "]"))
        case UInt8(ascii: ","):
            emit("\u{202F}")
            i += 2
        case UInt8(ascii: "-"):
            emit("\u{00AD}")
            i += 2
        case UInt8(ascii: "\\"), UInt8(ascii: " "), UInt8(ascii: ";"), UInt8(ascii: ":"), 0x0A, 0x0D, 0x09:
            emitSpace()
            i += 2
        case UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "!"):
            i += 2
        default:
            if c >= 0x80 {
                // A backslash before a non-ASCII character: keep both.
                emitByte(UInt8(ascii: "\\"))
                i += 1
            } else {
                unknown.append(symbol)
                emitRaw(i..<(i + 2))
                i += 2
            }
        }
    }

    // MARK: Accents

    /// The argument of an accent at `i`: `{…}`, a letter command (`\i`), or one character.
    private mutating func accentArgument(mark: String, accent: String, start: Int) {
        guard i < n else {
            emit(LaTeXDecoder.spacingAccents[accent] ?? "")
            return
        }
        let b = buf[i]
        if b == UInt8(ascii: "{") {
            if i + 1 < n && buf[i + 1] == UInt8(ascii: "}") {
                emit(LaTeXDecoder.spacingAccents[accent] ?? "")
                i += 2
                return
            }
            // Fast path: `{o}`.
            if i + 2 < n && buf[i + 2] == UInt8(ascii: "}") && buf[i + 1] < 0x80 && isASCIILetter(buf[i + 1]) {
                emit(LaTeXDecoderStyle.asciiAccented(buf[i + 1], mark) ?? LaTeXDecoderStyle.accent(LaTeXDecoder.asciiString(buf[i + 1]), mark))
                i += 3
                return
            }
            i += 1
            push(.accent(mark), wraps: false)
            return
        }
        if b == UInt8(ascii: "\\") {
            let (name, after) = controlName(at: i)
            if let name, let text = LaTeXDecoder.wordText[name], text.unicodeScalars.count == 1 {
                emit(LaTeXDecoderStyle.accent(text, mark))
                i = after
                skipAfterWord()
                return
            }
            // Not a letter: the accent alone, then the command as usual.
            emit(LaTeXDecoder.spacingAccents[accent] ?? "")
            return
        }
        if b == UInt8(ascii: "}") || b == UInt8(ascii: "$") {
            emit(LaTeXDecoder.spacingAccents[accent] ?? "")
            return
        }
        // One character (a UTF-8 sequence for non-ASCII).
        let len: Int
        switch b {
        case 0xC0...0xDF: len = 2
        case 0xE0...0xEF: len = 3
        case 0xF0...0xF7: len = 4
        default: len = 1
        }
        let end = min(n, i + len)
        if len == 1, isASCIILetter(b), let composed = LaTeXDecoderStyle.asciiAccented(b, mark) {
            emit(composed)
        } else {
            emit(LaTeXDecoderStyle.accent(string(i..<end), mark))
        }
        i = end
    }

    // MARK: Math

    private mutating func dollarMath() {
        let display = i + 1 < n && buf[i + 1] == UInt8(ascii: "$")
        let open = display ? 2 : 1
        var j = i + open
        while j < n {
            if buf[j] == UInt8(ascii: "\\") {
                j += 2
                continue
            }
            if buf[j] == UInt8(ascii: "$") { break }
            j += 1
        }
        guard j < n else {
            // No closing `$`: a literal dollar.
            emitByte(UInt8(ascii: "$"))
            i += 1
            return
        }
        let source = string((i + open)..<j)
        i = j + (display && j + 1 < n && buf[j + 1] == UInt8(ascii: "$") ? 2 : 1)
        emitInline(.math(source))
    }

    /// `\( … \)` or `\[ … \]`.
    private mutating func delimitedMath(open: Int, close: UInt8) {
        var j = open + 2
        while j + 1 < n {
            if buf[j] == UInt8(ascii: "\\") && buf[j + 1] == close { break }
            if buf[j] == UInt8(ascii: "\\") {
                j += 2
                continue
            }
            j += 1
        }
        guard j + 1 < n else {
            unknown.append(String(Character(Unicode.Scalar(buf[open + 1]))))
            emitRaw(open..<(open + 2))
            i = open + 2
            return
        }
        emitInline(.math(string((open + 2)..<j).trimmingSpaces))
        i = j + 2
    }
}

/// Building inlines for the decoder.
enum LaTeXDecoderStyle {
    static func wrap(_ content: [Inline], _ style: LaTeXDecoder.Style, wraps: Bool) -> [Inline] {
        guard wraps, !content.isEmpty else {
            if style == .quote { return [.text("“")] + content + [.text("”")] }
            return content
        }
        switch style {
        case .italic: return [.italic(content)]
        case .bold: return [.bold(content)]
        case .smallCaps: return [.smallCaps(content)]
        case .superscript: return [.superscript(content)]
        case .`subscript`: return [.`subscript`(content)]
        case .code: return [.code(RichText(content).plainText)]
        case .protect: return [.caseProtected(content)]
        case .quote: return [.text("“")] + content + [.text("”")]
        case .none: return content
        }
    }

    /// The mark added to the first character of the content.
    static func accented(_ content: [Inline], mark: String) -> [Inline] {
        var out = content
        for (k, inline) in out.enumerated() {
            if case .text(let s) = inline, !s.isEmpty {
                out[k] = .text(accent(s, mark))
                return out
            }
        }
        return out
    }

    /// `s` with `mark` after its first character (after marks already on it); dotless i and
    /// j take their dots back, as TeX draws them. NFC.
    static func accent(_ s: String, _ mark: String) -> String {
        if s.utf8.count == 1, let b = s.utf8.first, b < 0x80, isASCIILetter(b), let composed = asciiAccented(b, mark) {
            return composed
        }
        return composedAccent(s, mark)
    }

    /// An ASCII letter with one accent mark, from ``asciiAccentTable`` (no normalisation at run time).
    @inline(__always)
    static func asciiAccented(_ letter: UInt8, _ mark: String) -> String? {
        var it = mark.unicodeScalars.makeIterator()
        guard let m = it.next(), it.next() == nil, m.value >= 0x300, m.value < 0x370 else { return nil }
        let slot = Int(asciiAccentTable.slot[Int(m.value - 0x300)])
        guard slot >= 0 else { return nil }
        return asciiAccentTable.text[slot * 128 + Int(letter)]
    }

    /// Every ASCII letter with every accent mark of ``LaTeXDecoder/accentMarks``, NFC: the
    /// precomposed letter where Unicode has one (read off the table's canonical decompositions,
    /// so nothing is normalised at start-up), else the letter followed by the mark. `slot` maps
    /// a mark (U+0300…U+036F) to its row of 128 in `text`, -1 for marks no command makes.
    static let asciiAccentTable: (slot: [Int8], text: [String]) = {
        var slot = [Int8](repeating: -1, count: 0x70)
        var marks: [Unicode.Scalar] = []
        for mark in LaTeXDecoder.accentMarks.values {
            var it = mark.unicodeScalars.makeIterator()
            guard let m = it.next(), it.next() == nil, m.value >= 0x300, m.value < 0x370, slot[Int(m.value - 0x300)] < 0
            else { continue }
            slot[Int(m.value - 0x300)] = Int8(marks.count)
            marks.append(m)
        }
        var text = [String](repeating: "", count: marks.count * 128)
        for (k, m) in marks.enumerated() {
            for b in UInt8(ascii: "A")...UInt8(ascii: "z") where isASCIILetter(b) {
                var s = String(Character(Unicode.Scalar(b)))
                s.unicodeScalars.append(m)
                text[k * 128 + Int(b)] = s
            }
        }
        for (scalar, decomposed) in LaTeXCharacterTable.canonicalDecompositions where decomposed.count == 2 {
            let base = decomposed[0].value
            let m = decomposed[1].value
            guard base < 0x80, isASCIILetter(UInt8(base)), m >= 0x300, m < 0x370, slot[Int(m - 0x300)] >= 0 else { continue }
            text[Int(slot[Int(m - 0x300)]) * 128 + Int(base)] = String(Character(scalar))
        }
        return (slot, text)
    }()

    static func composedAccent(_ s: String, _ mark: String) -> String {
        var scalars = Array(s.unicodeScalars)
        guard !scalars.isEmpty else { return s }
        if scalars[0] == "ı" { scalars[0] = "i" }
        if scalars[0] == "ȷ" { scalars[0] = "j" }
        // Decompose the first character so the new mark lands after its own marks.
        let first = String(scalars[0]).decomposedStringWithCanonicalMapping.unicodeScalars
        var k = 1
        while k < scalars.count && scalars[k].properties.generalCategory == .nonspacingMark { k += 1 }
        // No script stacks more than a few marks; nested accents beyond that are ignored, so
        // hostile nesting stays linear.
        if k > 8 { return s }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: first)
        out.append(contentsOf: scalars[1..<k])
        out.append(contentsOf: mark.unicodeScalars)
        out.append(contentsOf: scalars[k...])
        return String(out).precomposedStringWithCanonicalMapping
    }

    /// Runs of spaces collapsed, leading and trailing space dropped, adjacent text merged.
    ///
    /// Two spaces in a row can only be in a text run where the parser emitted a space
    /// (`emittedSpace`) or where two runs are joined (one ends with a space, the next starts
    /// with one): only such runs are looked at. ``tidiedCheckingAllSpaces(_:)`` looks at all.
    static func tidied(_ inlines: [Inline], emittedSpace: Bool) -> RichText {
        var merged: [Inline] = []
        merged.reserveCapacity(inlines.count)
        // Index in `merged` of each text run that may hold two spaces in a row.
        var suspects: [Int] = []
        for inline in inlines {
            guard case .text(let next) = inline else {
                merged.append(inline)
                continue
            }
            if next.isEmpty { continue }
            if case .text(let previous)? = merged.last {
                let k = merged.count - 1
                if previous.utf8.last == 0x20 && next.utf8.first == 0x20 && suspects.last != k { suspects.append(k) }
                merged[k] = .text(previous + next)
                continue
            }
            merged.append(inline)
        }
        if emittedSpace {
            suspects = Array(merged.indices)
        }
        for k in suspects {
            if case .text(let s) = merged[k], hasDoubleSpace(s) {
                merged[k] = .text(collapse(s))
            }
        }
        return trimmed(merged)
    }

    /// ``tidied(_:emittedSpace:)`` the general way: every run looked at (the reference for tests).
    static func tidiedCheckingAllSpaces(_ inlines: [Inline]) -> RichText {
        // One non-empty run is merged already.
        var merged: [Inline]
        if inlines.count == 1, case .text(let s) = inlines[0], !s.isEmpty {
            merged = inlines
        } else {
            merged = RichText(inlines).inlines
        }
        for (k, inline) in merged.enumerated() {
            if case .text(let s) = inline, hasDoubleSpace(s) {
                merged[k] = .text(collapse(s))
            }
        }
        return trimmed(merged)
    }

    /// Leading and trailing spaces dropped.
    private static func trimmed(_ inlines: [Inline]) -> RichText {
        var merged = inlines
        // Copies only when there is a space to drop.
        if case .text(let s)? = merged.first, s.utf8.first == 0x20 {
            let t = String(s.drop { $0 == " " })
            if t.isEmpty { merged.removeFirst() } else { merged[0] = .text(t) }
        }
        if case .text(let s)? = merged.last, s.utf8.last == 0x20 {
            var t = Substring(s)
            while t.last == " " { t = t.dropLast() }
            if t.isEmpty { merged.removeLast() } else { merged[merged.count - 1] = .text(String(t)) }
        }
        // Merged and without empty runs still (nothing above joins or empties a run): no second merge.
        var out = RichText([])
        out.inlines = merged
        return out
    }

    static func hasDoubleSpace(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { buf in
            let n = buf.count
            guard n > 1, let base = buf.baseAddress else { return false }
            var k = 0
            // Eight pairs at once: the bytes k…k+7 and k+1…k+8 both spaces somewhere. A match
            // is never missed; a borrow may flag a byte after a space, so a hit is checked.
            while k + 9 <= n {
                let a = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                let b = UnsafeRawPointer(base + k + 1).loadUnaligned(as: UInt64.self)
                if ByteWord.equal(a, 0x20) & ByteWord.equal(b, 0x20) != 0 {
                    for j in k..<(k + 8) where buf[j] == 0x20 && buf[j + 1] == 0x20 { return true }
                }
                k += 8
            }
            while k + 1 < n {
                if buf[k] == 0x20 && buf[k + 1] == 0x20 { return true }
                k += 1
            }
            return false
        }
    }

    static func collapse(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if b == 0x20 && out.last == 0x20 { continue }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Plain decodings of short values met before: names, journal and publisher names, keywords
/// and the like repeat across a file, and decoding their LaTeX (`H{\'{e}}l{\`e}ne`) costs far
/// more than a lookup. Only ASCII values are kept (for them equal strings are equal bytes),
/// and at most ``maxCount`` of them (the table starts afresh when full), so memory stays bounded.
struct LaTeXPlainCache {
    static let maxKeyBytes = 64
    static let maxCount = 8192
    /// The values met, looked up by their bytes (no key string, no SipHash): `slots` is an
    /// open-addressing table of indices into `entries` (-1 empty), whose keys are stored one
    /// after the other in `keyBytes`.
    private var slots: [Int32] = []
    private var entries: [CachedPlain] = []
    private var keyBytes: [UInt8] = []

    private struct CachedPlain {
        var start: Int32
        var count: Int32
        var hash: UInt32
        var value: (String, [String])
    }

    /// FNV-1a of the bytes.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    /// The cached decoding of `bytes`, if any; else where to put it (a slot index).
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, _ h: UInt32) -> (value: (String, [String])?, slot: Int) {
        let mask = slots.count - 1
        var k = Int(h) & mask
        return keyBytes.withUnsafeBufferPointer { keys in
            while true {
                let e = Int(slots[k])
                if e < 0 { return (nil, k) }
                let entry = entries[e]
                if entry.hash == h, Int(entry.count) == bytes.count,
                    sameBytes(bytes, UnsafeBufferPointer(rebasing: keys[Int(entry.start)..<Int(entry.start + entry.count)]))
                {
                    return (entry.value, k)
                }
                k = (k + 1) & mask
            }
        }
    }

    /// Entry types read before without `type`/`entrysubtype` fields (the common case), per
    /// dialect and written type: ``BibTeXTypeTable/reading(written:typeField:subtypeField:dialect:)``
    /// walks the table's rows each time. The mapper hands this along with the plain decodings.
    private var typeReadings: [BibTeXDialect: [String: BibTeXTypeTable.Reading]] = [:]

    /// Buffers the entry mapper and the name parser reuse from entry to entry (they travel
    /// with the cache, which the readers hand from entry to entry).
    var mapperScratch = MapperScratch()
    var nameScratch = BibTeXNameParser.Scratch()

    /// The mapper's per-field tables (see ``BibTeXEntryMapper``).
    struct MapperScratch {
        var consumed = FieldFlags()
        var isFirst = FieldFlags()
        var first: [Int32] = []
        var known: [Int8] = []
    }

    /// Type classes met before (lower-case type → class), searched in order: a file has few types.
    private var typeClasses: [(String, BibTeXEntryMapper.TypeClass)] = []

    /// ``BibTeXEntryMapper/TypeClass`` of a lower-case entry type.
    mutating func typeClass(_ type: String) -> BibTeXEntryMapper.TypeClass {
        for (t, c) in typeClasses where t == type { return c }
        let c = BibTeXEntryMapper.TypeClass(type)
        if typeClasses.count >= 64 { typeClasses.removeAll(keepingCapacity: true) }
        typeClasses.append((type, c))
        return c
    }

    /// Field tables met before (lower-case type, dialect → table), searched in order.
    private var fieldLookups: [(String, BibTeXDialect, BibTeXFieldTable.Lookup)] = []

    /// ``BibTeXFieldTable/lookup(in:type:)`` of a lower-case entry type.
    mutating func fieldLookup(_ type: String, _ dialect: BibTeXDialect) -> BibTeXFieldTable.Lookup {
        for (t, d, l) in fieldLookups where d == dialect && t == type { return l }
        let l = BibTeXFieldTable.lookup(in: dialect, type: type)
        if fieldLookups.count >= 64 { fieldLookups.removeAll(keepingCapacity: true) }
        fieldLookups.append((type, dialect, l))
        return l
    }

    /// ``BibTeXTypeTable/reading(written:typeField:subtypeField:dialect:)`` with neither field.
    mutating func typeReading(written: String, dialect: BibTeXDialect) -> BibTeXTypeTable.Reading {
        if let known = typeReadings[dialect]?[written] { return known }
        let reading = BibTeXTypeTable.reading(written: written, typeField: nil, subtypeField: nil, dialect: dialect)
        if typeReadings[dialect, default: [:]].count >= 1024 { typeReadings[dialect] = [:] }
        typeReadings[dialect, default: [:]][written] = reading
        return reading
    }

    /// ``LaTeXDecoder/plain(_:)`` of the bytes: the same text and unknown commands.
    mutating func plain(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, [String]) {
        let (stop, nonASCII) = LaTeXDecoder.plainStop(bytes)
        if stop < 0 { return (LaTeXDecoder.plainText(bytes, nonASCII: nonASCII), []) }
        guard bytes.count <= Self.maxKeyBytes, bytes.allSatisfy({ $0 < 0x80 }) else { return Self.decoded(bytes, stop) }
        // Twice as many slots as entries at most: probes stay short.
        if slots.isEmpty { slots = [Int32](repeating: -1, count: 2 * Self.maxCount) }
        let h = Self.hash(bytes)
        var (known, slot) = find(bytes, h)
        if let known { return known }
        let value = Self.decoded(bytes, stop)
        if entries.count >= Self.maxCount {
            // Full: start afresh (memory stays bounded).
            entries.removeAll(keepingCapacity: true)
            keyBytes.removeAll(keepingCapacity: true)
            for k in slots.indices { slots[k] = -1 }
            slot = find(bytes, h).slot
        }
        slots[slot] = Int32(entries.count)
        entries.append(CachedPlain(start: Int32(keyBytes.count), count: Int32(bytes.count), hash: h, value: value))
        keyBytes.append(contentsOf: bytes)
        return value
    }

    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, _ plainPrefix: Int) -> (String, [String]) {
        let r = LaTeXDecoder.parsed(bytes, protectGroups: false, plainPrefix: plainPrefix)
        return (r.text.plainText, r.unknownCommands)
    }
}

/// Whether two buffers hold the same bytes (one `memcmp`; `elementsEqual` went byte by byte).
@inline(__always)
func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    guard let x = a.baseAddress, let y = b.baseAddress, a.count > 0 else { return true }
    return memcmp(x, y, a.count) == 0
}
