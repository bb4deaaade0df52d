import BibModel

extension CSLMarkup {
    /// How ``CSLMarkup/render(_:math:losses:)`` writes ``BibModel/Inline/math(_:)``.
    public enum MathForm: Sendable {
        /// The TeX source between `$` signs in a nocase span: lossless, read back exactly.
        case tex
        /// Typeset as CSL markup (see ``CSLMarkup/typesetMath(_:)``) in a nocase span when
        /// the whole formula is understood, else as ``tex``.
        case typeset
    }

    /// CSL markup that reads like the typeset formula, or nil when the TeX uses anything not
    /// fully understood (`\frac`, environments, unknown commands, unbalanced braces).
    ///
    /// Latin letters become italic variables (`<i>d</i>`), lowercase Greek too, capital Greek
    /// and digits stay upright; operators, relations and symbol commands become Unicode
    /// (`\cdot` → `·`, `\in` → `∈`, `\mathbb{R}` → `ℝ`) with TeX's spacing (a space around
    /// binary operators and relations, none inside scripts); sub- and superscripts become
    /// `<sub>`/`<sup>`; `\text{…}`, `\textit{…}`, `\mathrm{…}` and kin keep their words.
    /// `$d \cdot Δ_2$` gives `<i>d</i> · Δ<sub>2</sub>`.
    public static func typesetMath(_ tex: String) -> String? {
        var typesetter = TeXMathTypesetter(Array(tex.utf8))
        return typesetter.run()
    }
}

/// A math atom's class, which decides the space TeX puts between atoms (The TeXbook, ch. 17–18).
enum MathClass: Sendable {
    case ord, op, bin, rel, open, close, punct
}

/// A math symbol command's output: its text, class and whether it is set in italics.
struct MathSymbol: Sendable {
    let text: String
    let mathClass: MathClass
    let italic: Bool

    init(_ text: String, _ mathClass: MathClass, italic: Bool = false) {
        self.text = text
        self.mathClass = mathClass
        self.italic = italic
    }
}

/// The TeX math the typesetter understands, as data.
enum TeXMathTables {
    /// Symbol commands (`\alpha`, `\cdot`, `\in`, `\sum`, …), in a fixed order.
    static let symbolRows: [(String, MathSymbol)] = {
        var rows: [(String, MathSymbol)] = []
        let lowerGreek: [(String, String)] = [
            ("alpha", "α"), ("beta", "β"), ("gamma", "γ"), ("delta", "δ"), ("epsilon", "ϵ"), ("varepsilon", "ε"),
            ("zeta", "ζ"), ("eta", "η"), ("theta", "θ"), ("vartheta", "ϑ"), ("iota", "ι"), ("kappa", "κ"),
            ("varkappa", "ϰ"), ("lambda", "λ"), ("mu", "μ"), ("nu", "ν"), ("xi", "ξ"), ("pi", "π"), ("varpi", "ϖ"),
            ("rho", "ρ"), ("varrho", "ϱ"), ("sigma", "σ"), ("varsigma", "ς"), ("tau", "τ"), ("upsilon", "υ"),
            ("phi", "ϕ"), ("varphi", "φ"), ("chi", "χ"), ("psi", "ψ"), ("omega", "ω"), ("imath", "ı"), ("jmath", "ȷ"),
        ]
        rows += lowerGreek.map { ($0.0, MathSymbol($0.1, .ord, italic: true)) }
        let ords: [(String, String)] = [
            ("Gamma", "Γ"), ("Delta", "Δ"), ("Theta", "Θ"), ("Lambda", "Λ"), ("Xi", "Ξ"), ("Pi", "Π"), ("Sigma", "Σ"),
            ("Upsilon", "Υ"), ("Phi", "Φ"), ("Psi", "Ψ"), ("Omega", "Ω"),
            ("infty", "∞"), ("partial", "∂"), ("nabla", "∇"), ("ell", "ℓ"), ("hbar", "ℏ"), ("emptyset", "∅"),
            ("varnothing", "∅"), ("forall", "∀"), ("exists", "∃"), ("nexists", "∄"), ("neg", "¬"), ("lnot", "¬"),
            ("aleph", "ℵ"), ("Re", "ℜ"), ("Im", "ℑ"), ("wp", "℘"), ("angle", "∠"), ("triangle", "△"), ("prime", "′"),
            ("top", "⊤"), ("bot", "⊥"), ("ldots", "…"), ("dots", "…"), ("cdots", "⋯"), ("vdots", "⋮"), ("ddots", "⋱"),
            ("vert", "|"), ("Vert", "‖"), ("sharp", "♯"), ("flat", "♭"), ("degree", "°"), ("slash", "/"),
        ]
        rows += ords.map { ($0.0, MathSymbol($0.1, .ord)) }
        let bins: [(String, String)] = [
            ("cdot", "·"), ("times", "×"), ("div", "÷"), ("pm", "±"), ("mp", "∓"), ("cup", "∪"), ("cap", "∩"),
            ("setminus", "∖"), ("wedge", "∧"), ("land", "∧"), ("vee", "∨"), ("lor", "∨"), ("oplus", "⊕"),
            ("ominus", "⊖"), ("otimes", "⊗"), ("odot", "⊙"), ("circ", "∘"), ("bullet", "∙"), ("ast", "∗"),
            ("star", "⋆"), ("dagger", "†"), ("ddagger", "‡"), ("sqcup", "⊔"), ("sqcap", "⊓"), ("uplus", "⊎"),
        ]
        rows += bins.map { ($0.0, MathSymbol($0.1, .bin)) }
        let rels: [(String, String)] = [
            ("in", "∈"), ("notin", "∉"), ("ni", "∋"), ("leq", "≤"), ("le", "≤"), ("geq", "≥"), ("ge", "≥"),
            ("leqslant", "⩽"), ("geqslant", "⩾"), ("neq", "≠"), ("ne", "≠"), ("approx", "≈"), ("sim", "∼"),
            ("simeq", "≃"), ("cong", "≅"), ("equiv", "≡"), ("propto", "∝"), ("ll", "≪"), ("gg", "≫"),
            ("lesssim", "≲"), ("gtrsim", "≳"), ("subset", "⊂"), ("subseteq", "⊆"), ("subsetneq", "⊊"),
            ("supset", "⊃"), ("supseteq", "⊇"), ("sqsubseteq", "⊑"), ("to", "→"), ("rightarrow", "→"),
            ("leftarrow", "←"), ("gets", "←"), ("Rightarrow", "⇒"), ("Leftarrow", "⇐"), ("leftrightarrow", "↔"),
            ("Leftrightarrow", "⇔"), ("iff", "⟺"), ("implies", "⟹"), ("impliedby", "⟸"), ("mapsto", "↦"),
            ("longrightarrow", "⟶"), ("longleftarrow", "⟵"), ("longmapsto", "⟼"), ("uparrow", "↑"),
            ("downarrow", "↓"), ("mid", "∣"), ("parallel", "∥"), ("perp", "⊥"), ("vdash", "⊢"), ("models", "⊨"),
            ("prec", "≺"), ("succ", "≻"), ("preceq", "⪯"), ("succeq", "⪰"), ("asymp", "≍"), ("doteq", "≐"),
        ]
        rows += rels.map { ($0.0, MathSymbol($0.1, .rel)) }
        let ops: [(String, String)] = [
            ("sum", "∑"), ("prod", "∏"), ("coprod", "∐"), ("int", "∫"), ("iint", "∬"), ("oint", "∮"),
            ("bigcup", "⋃"), ("bigcap", "⋂"), ("bigoplus", "⨁"), ("bigotimes", "⨂"), ("bigvee", "⋁"),
            ("bigwedge", "⋀"), ("bigsqcup", "⨆"),
        ]
        rows += ops.map { ($0.0, MathSymbol($0.1, .op)) }
        let opens: [(String, String)] = [
            ("langle", "⟨"), ("lfloor", "⌊"), ("lceil", "⌈"), ("lvert", "|"), ("lVert", "‖"), ("lbrace", "{"),
        ]
        rows += opens.map { ($0.0, MathSymbol($0.1, .open)) }
        let closes: [(String, String)] = [
            ("rangle", "⟩"), ("rfloor", "⌋"), ("rceil", "⌉"), ("rvert", "|"), ("rVert", "‖"), ("rbrace", "}"),
        ]
        rows += closes.map { ($0.0, MathSymbol($0.1, .close)) }
        rows.append(("colon", MathSymbol(":", .punct)))
        return rows
    }()

    /// Symbol commands by name.
    static let symbols: [String: MathSymbol] = Dictionary(symbolRows, uniquingKeysWith: { first, _ in first })

    /// The class of a non-ASCII character typed into the source (`∈`, `≤`, `·`), when not Ord.
    static let unicodeClasses: [Unicode.Scalar: MathClass] = {
        var out: [Unicode.Scalar: MathClass] = [
            "−": .bin, "⋅": .bin, "⟨": .open, "⟩": .close, "⌊": .open, "⌋": .close, "⌈": .open, "⌉": .close,
        ]
        for (_, symbol) in symbolRows where symbol.mathClass != .ord && symbol.mathClass != .open && symbol.mathClass != .close {
            let scalars = symbol.text.unicodeScalars
            if scalars.count == 1, let s = scalars.first, s.value >= 0x80, out[s] == nil { out[s] = symbol.mathClass }
        }
        return out
    }()

    /// Operator names set upright (`\log x`); `\liminf` and `\limsup` are two words.
    static let functionNames: [String: String] = {
        var out: [String: String] = [:]
        for name in [
            "arccos", "arcsin", "arctan", "arg", "cos", "cosh", "cot", "coth", "csc", "deg", "det", "dim", "exp", "gcd",
            "hom", "inf", "ker", "lg", "lim", "ln", "log", "max", "min", "Pr", "sec", "sin", "sinh", "sup", "tan", "tanh",
        ] { out[name] = name }
        out["liminf"] = "lim inf"
        out["limsup"] = "lim sup"
        return out
    }()

    /// Explicit spacing: `\,` `\:` `\;` `\ ` `\quad`… (a negative space is nothing).
    static let spaces: [String: String] = [
        ",": "\u{2009}", ":": "\u{205F}", ">": "\u{205F}", ";": "\u{2004}", "!": "", " ": " ", "\t": " ", "\n": " ",
        "\r": " ", "thinspace": "\u{2009}", "medspace": "\u{205F}", "thickspace": "\u{2004}", "negthinspace": "",
        "enspace": "\u{2002}", "quad": "\u{2003}", "qquad": "\u{2003}\u{2003}",
    ]

    /// Commands that change nothing in linear text.
    static let ignored: Set<String> = ["limits", "nolimits", "displaystyle", "textstyle"]

    /// Accents over one symbol, as combining characters.
    static let accents: [String: String] = [
        "hat": "\u{0302}", "widehat": "\u{0302}", "bar": "\u{0304}", "overline": "\u{0305}", "tilde": "\u{0303}",
        "widetilde": "\u{0303}", "vec": "\u{20D7}", "dot": "\u{0307}", "ddot": "\u{0308}", "check": "\u{030C}",
        "breve": "\u{0306}", "acute": "\u{0301}", "grave": "\u{0300}",
    ]

    /// Letter alphabets: double-struck, script, fraktur, as Unicode.
    enum Alphabet { case doubleStruck, script, fraktur }

    /// The command of each alphabet.
    static let alphabets: [String: Alphabet] = [
        "mathbb": .doubleStruck, "mathcal": .script, "mathscr": .script, "mathfrak": .fraktur,
    ]

    /// One character in an alphabet, or nil when the alphabet has no such character.
    static func letter(_ b: UInt8, in alphabet: Alphabet) -> String? {
        let upper = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")
        let lower = b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")
        let digit = b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
        let value: UInt32
        switch alphabet {
        case .doubleStruck:
            let holes: [UInt8: UInt32] = [
                UInt8(ascii: "C"): 0x2102, UInt8(ascii: "H"): 0x210D, UInt8(ascii: "N"): 0x2115,
                UInt8(ascii: "P"): 0x2119, UInt8(ascii: "Q"): 0x211A, UInt8(ascii: "R"): 0x211D, UInt8(ascii: "Z"): 0x2124,
            ]
            if let hole = holes[b] {
                value = hole
            } else if upper {
                value = 0x1D538 + UInt32(b - UInt8(ascii: "A"))
            } else if lower {
                value = 0x1D552 + UInt32(b - UInt8(ascii: "a"))
            } else if digit {
                value = 0x1D7D8 + UInt32(b - UInt8(ascii: "0"))
            } else {
                return nil
            }
        case .script:
            // LaTeX's calligraphic and script alphabets have capitals only.
            let holes: [UInt8: UInt32] = [
                UInt8(ascii: "B"): 0x212C, UInt8(ascii: "E"): 0x2130, UInt8(ascii: "F"): 0x2131, UInt8(ascii: "H"): 0x210B,
                UInt8(ascii: "I"): 0x2110, UInt8(ascii: "L"): 0x2112, UInt8(ascii: "M"): 0x2133, UInt8(ascii: "R"): 0x211B,
            ]
            guard upper else { return nil }
            value = holes[b] ?? 0x1D49C + UInt32(b - UInt8(ascii: "A"))
        case .fraktur:
            let holes: [UInt8: UInt32] = [
                UInt8(ascii: "C"): 0x212D, UInt8(ascii: "H"): 0x210C, UInt8(ascii: "I"): 0x2111,
                UInt8(ascii: "R"): 0x211C, UInt8(ascii: "Z"): 0x2128,
            ]
            if let hole = holes[b] {
                value = hole
            } else if upper {
                value = 0x1D504 + UInt32(b - UInt8(ascii: "A"))
            } else if lower {
                value = 0x1D51E + UInt32(b - UInt8(ascii: "a"))
            } else {
                return nil
            }
        }
        return Unicode.Scalar(value).map { String(Character($0)) }
    }

    /// Delimiters after `\left`, `\right`, `\big`…: ASCII ones.
    static let asciiDelimiters: [UInt8: MathSymbol] = [
        UInt8(ascii: "("): MathSymbol("(", .open), UInt8(ascii: ")"): MathSymbol(")", .close),
        UInt8(ascii: "["): MathSymbol("[", .open), UInt8(ascii: "]"): MathSymbol("]", .close),
        UInt8(ascii: "|"): MathSymbol("|", .ord), UInt8(ascii: "/"): MathSymbol("/", .ord),
        UInt8(ascii: "<"): MathSymbol("⟨", .open), UInt8(ascii: ">"): MathSymbol("⟩", .close),
        UInt8(ascii: "."): MathSymbol("", .ord),
    ]

    /// Delimiter commands after `\left`, `\right`, `\big`….
    static let delimiterCommands: Set<String> = [
        "{", "}", "|", "langle", "rangle", "lvert", "rvert", "lVert", "rVert", "vert", "Vert", "lfloor", "rfloor",
        "lceil", "rceil", "lbrace", "rbrace",
    ]

    /// Sizing commands before a delimiter and the class they give it (nil: its own class).
    static let sizing: [String: MathClass?] = {
        var out: [String: MathClass?] = [:]
        for size in ["big", "Big", "bigg", "Bigg"] {
            out[size] = .some(nil)
            out[size + "l"] = .open
            out[size + "r"] = .close
            out[size + "m"] = .rel
        }
        return out
    }()
}

/// Typesets a TeX formula as CSL markup, all or nothing: any construct it does not know
/// makes the whole formula unconvertible.
struct TeXMathTypesetter {
    private let bytes: [UInt8]
    private var i = 0

    /// The deepest nesting of groups, scripts and arguments typeset; deeper is not understood.
    static let maxDepth = 16

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// One item of a math list: an atom (nucleus with scripts) or explicit space.
    private struct Atom {
        var mathClass: MathClass
        /// The nucleus: a character (or word) when `simple`, else markup.
        var text: String
        /// The nucleus is text without markup (set in italics when `italic`).
        var simple: Bool
        var italic = false
        var sub: String?
        var sup: String?
        var primes = 0
        /// `\left` (+1) or `\right` (-1).
        var delimiter = 0
        /// Explicit space, written as `text`; it suppresses the automatic space.
        var isGlue = false

        init(_ mathClass: MathClass, _ text: String, simple: Bool, italic: Bool = false) {
            self.mathClass = mathClass
            self.text = text
            self.simple = simple
            self.italic = italic
        }

        static func glue(_ text: String) -> Atom {
            var a = Atom(.ord, text, simple: true)
            a.isGlue = true
            return a
        }

        var hasScripts: Bool { sub != nil || sup != nil || primes > 0 }

        var markup: String {
            var out = italic ? "<i>" + text + "</i>" : text
            if primes > 0 { out += String(repeating: "′", count: primes) }
            if let sub, !sub.isEmpty { out += "<sub>" + sub + "</sub>" }
            if let sup, !sup.isEmpty { out += "<sup>" + sup + "</sup>" }
            return out
        }
    }

    /// What one step of the scanner produced.
    private enum Item {
        case atom(Atom)
        case nothing
    }

    mutating func run() -> String? {
        guard let atoms = list(depth: 0, inGroup: false, script: false), i == bytes.count,
            atoms.contains(where: { !$0.isGlue })
        else { return nil }
        let out = Self.join(atoms, script: false)
        return out.unicodeScalars.contains { !$0.properties.isWhitespace } ? out : nil
    }

    // MARK: Scanning

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func skipSpaces() {
        while i < bytes.count, Self.isSpace(bytes[i]) { i += 1 }
    }

    /// The atoms up to the end of the input, or up to and including the `}` closing the group.
    private mutating func list(depth: Int, inGroup: Bool, script: Bool) -> [Atom]? {
        guard depth <= Self.maxDepth else { return nil }
        var atoms: [Atom] = []
        var delimiters = 0
        while i < bytes.count {
            let b = bytes[i]
            if Self.isSpace(b) {
                i += 1
                continue
            }
            switch b {
            case UInt8(ascii: "}"):
                guard inGroup, delimiters == 0 else { return nil }
                i += 1
                return atoms
            case UInt8(ascii: "^"), UInt8(ascii: "_"):
                i += 1
                guard let argument = scriptArgument(depth: depth + 1) else { return nil }
                if atoms.last.map({ $0.isGlue }) ?? true { atoms.append(Atom(.ord, "", simple: true)) }
                let k = atoms.count - 1
                if b == UInt8(ascii: "^") {
                    guard atoms[k].sup == nil else { return nil }  // a double superscript is a TeX error
                    atoms[k].sup = argument
                } else {
                    guard atoms[k].sub == nil else { return nil }
                    atoms[k].sub = argument
                }
            case UInt8(ascii: "'"):
                i += 1
                if atoms.last.map({ $0.isGlue }) ?? true { atoms.append(Atom(.ord, "", simple: true)) }
                let k = atoms.count - 1
                guard atoms[k].sup == nil else { return nil }
                atoms[k].primes += 1
            default:
                guard let item = nucleus(depth: depth, script: script) else { return nil }
                if case .atom(let atom) = item {
                    delimiters += atom.delimiter
                    guard delimiters >= 0 else { return nil }
                    atoms.append(atom)
                }
            }
        }
        guard !inGroup, delimiters == 0 else { return nil }
        return atoms
    }

    /// A script: one character or symbol command, or a braced group, typeset in script style.
    private mutating func scriptArgument(depth: Int) -> String? {
        guard let atoms = mathArgument(depth: depth, script: true) else { return nil }
        return Self.join(atoms, script: true)
    }

    /// A braced group's atoms, or one nucleus (`x_i`, `x^\alpha`).
    private mutating func mathArgument(depth: Int, script: Bool) -> [Atom]? {
        guard depth <= Self.maxDepth else { return nil }
        skipSpaces()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            return list(depth: depth, inGroup: true, script: script)
        case UInt8(ascii: "}"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "'"):
            return nil
        default:
            guard case .atom(let atom)? = nucleus(depth: depth, script: script), atom.delimiter == 0 else { return nil }
            return [atom]
        }
    }

    /// One nucleus: a character, a braced group, or a command with its arguments.
    private mutating func nucleus(depth: Int, script: Bool) -> Item? {
        let b = bytes[i]
        if Self.isLetter(b) {
            i += 1
            return .atom(Atom(.ord, String(UnicodeScalar(b)), simple: true, italic: true))
        }
        if Self.isDigit(b) {
            i += 1
            return .atom(Atom(.ord, String(UnicodeScalar(b)), simple: true))
        }
        if b >= 0x80 { return unicodeCharacter() }
        i += 1
        let s = String(UnicodeScalar(b))
        switch b {
        case UInt8(ascii: "+"): return .atom(Atom(.bin, "+", simple: true))
        case UInt8(ascii: "-"): return .atom(Atom(.bin, "−", simple: true))
        case UInt8(ascii: "*"): return .atom(Atom(.bin, "∗", simple: true))
        case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"): return .atom(Atom(.rel, s, simple: true))
        case UInt8(ascii: "("), UInt8(ascii: "["): return .atom(Atom(.open, s, simple: true))
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "!"), UInt8(ascii: "?"): return .atom(Atom(.close, s, simple: true))
        case UInt8(ascii: ","), UInt8(ascii: ";"): return .atom(Atom(.punct, s, simple: true))
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "|"): return .atom(Atom(.ord, s, simple: true))
        case UInt8(ascii: "~"): return .atom(.glue("\u{00A0}"))
        case UInt8(ascii: "{"):
            guard let atoms = list(depth: depth + 1, inGroup: true, script: script) else { return nil }
            return .atom(Self.group(atoms, script: script))
        case UInt8(ascii: "\\"): return command(depth: depth, script: script)
        default: return nil  // `}` `^` `_` handled by the caller; `$ & # % " @` and controls are not math here
        }
    }

    /// A group is one Ord atom; a single plain atom keeps its form so that accents and
    /// merging of italics still see it.
    private static func group(_ atoms: [Atom], script: Bool) -> Atom {
        let solid = atoms.filter { !$0.isGlue }
        if atoms.count == 1, let only = solid.first, !only.hasScripts, only.simple {
            var a = only
            a.mathClass = .ord
            return a
        }
        return Atom(.ord, join(atoms, script: script), simple: false)
    }

    /// A non-ASCII character of the source, with its class when it is an operator.
    private mutating func unicodeCharacter() -> Item? {
        let lead = bytes[i]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= bytes.count else { return nil }
        let text = String(decoding: bytes[i..<(i + length)], as: UTF8.self)
        i += length
        guard let scalar = text.unicodeScalars.first, text.unicodeScalars.count == 1 else { return nil }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .control, .format, .privateUse, .unassigned, .surrogate,
            .lineSeparator, .paragraphSeparator:
            return nil
        case .spaceSeparator:
            return .nothing  // spaces mean nothing in math
        default: break
        }
        if let mathClass = TeXMathTables.unicodeClasses[scalar] { return .atom(Atom(mathClass, text, simple: true)) }
        let v = scalar.value
        let latinLetter = (0xC0...0x24F).contains(v) && v != 0xD7 && v != 0xF7 && scalar.properties.isAlphabetic
        let lowerGreek = (0x3B1...0x3C9).contains(v) || [0x3D1, 0x3D5, 0x3D6, 0x3F1, 0x3F5].contains(v)
        return .atom(Atom(.ord, text, simple: true, italic: latinLetter || lowerGreek))
    }

    /// The name after a backslash: letters, or one other character.
    private mutating func commandName() -> String? {
        guard i < bytes.count else { return nil }
        let start = i
        if Self.isLetter(bytes[i]) {
            while i < bytes.count, Self.isLetter(bytes[i]) { i += 1 }
        } else if bytes[i] < 0x80 {
            i += 1
        } else {
            return nil
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func command(depth: Int, script: Bool) -> Item? {
        guard let name = commandName() else { return nil }
        if let symbol = TeXMathTables.symbols[name] {
            return .atom(Atom(symbol.mathClass, symbol.text, simple: true, italic: symbol.italic))
        }
        if let word = TeXMathTables.functionNames[name] { return .atom(Atom(.op, word, simple: true)) }
        if let space = TeXMathTables.spaces[name] { return .atom(.glue(space)) }
        if TeXMathTables.ignored.contains(name) { return .nothing }
        if let alphabet = TeXMathTables.alphabets[name] {
            guard let letters = rawArgument(), !letters.isEmpty else { return nil }
            var out = ""
            for b in letters where !Self.isSpace(b) {
                guard let c = TeXMathTables.letter(b, in: alphabet) else { return nil }
                out += c
            }
            return out.isEmpty ? nil : .atom(Atom(.ord, out, simple: true))
        }
        if let accent = TeXMathTables.accents[name] {
            guard let atoms = mathArgument(depth: depth + 1, script: script), atoms.count == 1,
                let base = atoms.first, base.simple, !base.hasScripts, base.text.unicodeScalars.count == 1
            else { return nil }
            var a = base
            a.mathClass = .ord
            a.text += accent
            return .atom(a)
        }
        if let sized = TeXMathTables.sizing[name] {
            guard var d = delimiter() else { return nil }
            if let forced = sized { d.mathClass = forced }
            return .atom(d)
        }
        switch name {
        case "{": return .atom(Atom(.open, "{", simple: true))
        case "}": return .atom(Atom(.close, "}", simple: true))
        case "|": return .atom(Atom(.ord, "‖", simple: true))
        case "%", "&", "#", "_": return .atom(Atom(.ord, name, simple: true))
        case "left", "right":
            guard var d = delimiter() else { return nil }
            d.mathClass = name == "left" ? .open : .close
            d.delimiter = name == "left" ? 1 : -1
            return .atom(d)
        case "mathrm", "mathit", "mathbf", "operatorname":
            // Math-mode words: letters and digits, spaces ignored.
            guard let raw = rawArgument() else { return nil }
            var word = ""
            for b in raw where !Self.isSpace(b) {
                guard Self.isLetter(b) || Self.isDigit(b) else { return nil }
                word.unicodeScalars.append(UnicodeScalar(b))
            }
            guard !word.isEmpty else { return .nothing }
            switch name {
            case "mathit": return .atom(Atom(.ord, word, simple: true, italic: true))
            case "mathbf": return .atom(Atom(.ord, "<b>" + word + "</b>", simple: false))
            case "operatorname": return .atom(Atom(.op, word, simple: true))
            default: return .atom(Atom(.ord, word, simple: true))
            }
        case "text", "textrm", "textnormal", "textup", "mbox", "textit", "emph", "textbf":
            guard let raw = rawArgument(), let words = Self.textWords(raw) else { return nil }
            guard !words.isEmpty else { return .nothing }
            switch name {
            case "textit", "emph": return .atom(Atom(.ord, words, simple: true, italic: true))
            case "textbf": return .atom(Atom(.ord, "<b>" + words + "</b>", simple: false))
            default: return .atom(Atom(.ord, words, simple: true))
            }
        case "boldsymbol", "bm":
            guard let atoms = mathArgument(depth: depth + 1, script: script), !atoms.isEmpty else { return nil }
            return .atom(Atom(.ord, "<b>" + Self.join(atoms, script: script) + "</b>", simple: false))
        default:
            return nil  // \frac, \sqrt, \begin, \not, \\, \$ and everything unknown
        }
    }

    /// The delimiter after `\left`, `\right`, `\big`…; `.` is the empty delimiter.
    private mutating func delimiter() -> Atom? {
        skipSpaces()
        guard i < bytes.count else { return nil }
        if let d = TeXMathTables.asciiDelimiters[bytes[i]] {
            i += 1
            return Atom(d.mathClass, d.text, simple: true)
        }
        guard bytes[i] == UInt8(ascii: "\\") else { return nil }
        i += 1
        guard let name = commandName(), TeXMathTables.delimiterCommands.contains(name) else { return nil }
        switch name {
        case "{": return Atom(.open, "{", simple: true)
        case "}": return Atom(.close, "}", simple: true)
        case "|": return Atom(.ord, "‖", simple: true)
        default:
            guard let symbol = TeXMathTables.symbols[name] else { return nil }
            return Atom(symbol.mathClass, symbol.text, simple: true)
        }
    }

    /// A braced argument without nested braces or commands, or a single letter or digit.
    private mutating func rawArgument() -> ArraySlice<UInt8>? {
        skipSpaces()
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "{") {
            let start = i + 1
            var j = start
            while j < bytes.count, bytes[j] != UInt8(ascii: "}") {
                if bytes[j] == UInt8(ascii: "{") || bytes[j] == UInt8(ascii: "\\") { return nil }
                j += 1
            }
            guard j < bytes.count else { return nil }
            i = j + 1
            return bytes[start..<j]
        }
        guard Self.isLetter(bytes[i]) || Self.isDigit(bytes[i]) else { return nil }
        i += 1
        return bytes[(i - 1)..<i]
    }

    /// The words of a text-mode argument (`\text{if }`): spaces collapsed, `'` as `’`; nil
    /// when it holds anything TeX would treat specially.
    private static func textWords(_ raw: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var pendingSpace = false
        var previous: UInt8 = 0
        for b in raw {
            if isSpace(b) {
                pendingSpace = true
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            switch b {
            case _ where isLetter(b) || isDigit(b) || b >= 0x80: out.append(b)
            case UInt8(ascii: "-"):
                guard previous != b else { return nil }  // `--` is a dash in text mode
                out.append(b)
            case UInt8(ascii: "'"): out.append(contentsOf: Array("’".utf8))
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"),
                UInt8(ascii: "?"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "/"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "*"), UInt8(ascii: "|"):
                out.append(b)
            default: return nil
            }
            previous = b
        }
        if pendingSpace, !out.isEmpty { out.append(0x20) }
        let text = String(decoding: out, as: UTF8.self)
        // Format and control characters are not text a reader should receive from math.
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator: return nil
            default: continue
            }
        }
        return text
    }

    // MARK: Output

    /// Joins atoms with TeX's automatic spacing: a space around binary operators and
    /// relations (text style only), after punctuation (text style only) and between an
    /// operator and its operand; adjacent italics are merged (`<i>xy</i>`).
    private static func join(_ atoms: [Atom], script: Bool) -> String {
        var classes = atoms.map(\.mathClass)
        // TeX's rules 5 and 6: a Bin with nothing to bind on either side is an Ord.
        var previous: Int?
        for k in atoms.indices where !atoms[k].isGlue {
            if classes[k] == .bin {
                if let p = previous, ![.bin, .op, .rel, .open, .punct].contains(classes[p]) {
                    // binary
                } else {
                    classes[k] = .ord
                }
            }
            if [.rel, .close, .punct].contains(classes[k]), let p = previous, classes[p] == .bin { classes[p] = .ord }
            previous = k
        }
        if let p = previous, classes[p] == .bin { classes[p] = .ord }

        var out = ""
        previous = nil
        var glued = false
        for k in atoms.indices {
            if atoms[k].isGlue {
                out += atoms[k].text
                glued = true
                continue
            }
            if let p = previous, !glued, spaced(classes[p], classes[k], script: script) { out += " " }
            let piece = atoms[k].markup
            if out.hasSuffix("</i>"), piece.hasPrefix("<i>") {
                out.removeLast(4)
                out += piece.dropFirst(3)
            } else {
                out += piece
            }
            previous = k
            glued = false
        }
        return out
    }

    /// Whether TeX puts space between two adjacent atoms (thin, medium or thick: all one
    /// space here); in script style only the thin spaces around operators remain.
    private static func spaced(_ left: MathClass, _ right: MathClass, script: Bool) -> Bool {
        switch (left, right) {
        case (.ord, .op), (.op, .ord), (.op, .op), (.close, .op): return true
        case (.ord, .bin), (.close, .bin), (.bin, .ord), (.bin, .op), (.bin, .open),
            (.ord, .rel), (.op, .rel), (.close, .rel), (.rel, .ord), (.rel, .op), (.rel, .open),
            (.punct, _):
            return !script
        default: return false
        }
    }
}
