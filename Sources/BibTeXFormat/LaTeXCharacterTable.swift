import Foundation

/// The Unicode ↔ LaTeX correspondences of the BibTeX writer, as data (the reader uses the same
/// rows reversed).
///
/// Every text form is a BibTeX *special character*, a brace group starting with a backslash
/// (`{\"o}`, `{\ss}`, `{\S}`), or plain ASCII punctuation (`--`, `~`). Brace groups keep
/// BibTeX's `change.case$` from lowercasing command names (`\S` → `\s` breaks a title) and
/// let `purify$` sort `{\"o}` as `o`. Every command compiles with pdfLaTeX, `fontenc` T1 and
/// the LaTeX kernel's text companion symbols (TeX Live 2020 and later).
public enum LaTeXCharacterTable {
    /// A combining mark and the LaTeX accent command that draws it.
    public struct Accent: Hashable, Sendable {
        /// The combining mark (U+0300…).
        public var mark: Unicode.Scalar
        /// The accent command without backslash: `'`, `"`, `v`, `H`.
        public var command: String
        /// Creates an accent row.
        public init(_ mark: Unicode.Scalar, _ command: String) {
            self.mark = mark
            self.command = command
        }
        /// True for the one-character, non-letter commands that need no braces (`\'e`).
        public var isSymbolCommand: Bool { command.utf8.count == 1 && !(command.utf8.first.map(isASCIILetter) ?? false) }
    }

    /// A character with a fixed LaTeX form.
    public struct Symbol: Hashable, Sendable {
        /// The Unicode character.
        public var scalar: Unicode.Scalar
        /// Its text-mode form, e.g. `{\S}` or `--`.
        public var text: String
        /// Its math-mode form, e.g. `\leq`, if it has one.
        public var math: String?
        /// Creates a symbol row.
        public init(_ scalar: Unicode.Scalar, _ text: String, math: String? = nil) {
            self.scalar = scalar
            self.text = text
            self.math = math
        }
    }

    /// The accents, in the order they nest when a letter carries several.
    public static let accents: [Accent] = [
        Accent("\u{0300}", "`"), Accent("\u{0301}", "'"), Accent("\u{0302}", "^"), Accent("\u{0308}", "\""),
        Accent("\u{0303}", "~"), Accent("\u{0304}", "="), Accent("\u{0307}", "."), Accent("\u{030A}", "r"),
        Accent("\u{0327}", "c"), Accent("\u{0328}", "k"), Accent("\u{030C}", "v"), Accent("\u{030B}", "H"),
        Accent("\u{0306}", "u"), Accent("\u{0323}", "d"), Accent("\u{0331}", "b"),
    ]

    /// Letters that are a command of their own.
    public static let letters: [Symbol] = [
        Symbol("ß", #"{\ss}"#), Symbol("ẞ", #"{\SS}"#), Symbol("ø", #"{\o}"#), Symbol("Ø", #"{\O}"#),
        Symbol("æ", #"{\ae}"#), Symbol("Æ", #"{\AE}"#), Symbol("œ", #"{\oe}"#), Symbol("Œ", #"{\OE}"#),
        Symbol("ł", #"{\l}"#), Symbol("Ł", #"{\L}"#), Symbol("å", #"{\aa}"#), Symbol("Å", #"{\AA}"#),
        Symbol("ı", #"{\i}"#), Symbol("ȷ", #"{\j}"#), Symbol("đ", #"{\dj}"#), Symbol("Đ", #"{\DJ}"#),
        Symbol("ð", #"{\dh}"#), Symbol("Ð", #"{\DH}"#), Symbol("þ", #"{\th}"#), Symbol("Þ", #"{\TH}"#),
        Symbol("ŋ", #"{\ng}"#), Symbol("Ŋ", #"{\NG}"#), Symbol("ĳ", #"{\ij}"#), Symbol("Ĳ", #"{\IJ}"#),
        Symbol("ŀ", #"{l\textperiodcentered}"#), Symbol("Ŀ", #"{L\textperiodcentered}"#),
    ]

    /// Punctuation, spaces and symbols.
    public static let symbols: [Symbol] = [
        // Dashes and quotes: TeX ligatures.
        Symbol("\u{2010}", "-"), Symbol("\u{2011}", "-"), Symbol("\u{2012}", "--"), Symbol("\u{2013}", "--"),
        Symbol("\u{2014}", "---"), Symbol("\u{2015}", "---"), Symbol("\u{201C}", "``"), Symbol("\u{201D}", "''"),
        Symbol("\u{2018}", "`"), Symbol("\u{2019}", "'"), Symbol("\u{201E}", #"{\quotedblbase}"#),
        Symbol("\u{201A}", #"{\quotesinglbase}"#), Symbol("«", #"{\guillemotleft}"#), Symbol("»", #"{\guillemotright}"#),
        Symbol("‹", #"{\guilsinglleft}"#), Symbol("›", #"{\guilsinglright}"#), Symbol("…", #"{\ldots}"#),
        // Spaces.
        Symbol("\u{00A0}", "~"), Symbol("\u{202F}", #"{\,}"#), Symbol("\u{2009}", #"{\,}"#),
        Symbol("\u{200A}", #"{\,}"#),
        Symbol("\u{2002}", #"{\enspace}"#), Symbol("\u{2003}", #"{\quad}"#), Symbol("\u{2000}", #"{\enspace}"#),
        Symbol("\u{2001}", #"{\quad}"#), Symbol("\u{2004}", " "), Symbol("\u{2005}", " "), Symbol("\u{2006}", " "),
        Symbol("\u{2007}", " "), Symbol("\u{2008}", " "), Symbol("\u{200B}", #"{\allowbreak}"#),
        Symbol("\u{200C}", #"{\textcompwordmark}"#), Symbol("\u{00AD}", #"\-"#),
        // Ligatures (compatibility characters) spelled out.
        Symbol("\u{FB00}", "ff"), Symbol("\u{FB01}", "fi"), Symbol("\u{FB02}", "fl"), Symbol("\u{FB03}", "ffi"),
        Symbol("\u{FB04}", "ffl"), Symbol("\u{FB06}", "st"),
        // Text symbols.
        Symbol("§", #"{\S}"#), Symbol("¶", #"{\P}"#), Symbol("©", #"{\copyright}"#), Symbol("®", #"{\textregistered}"#),
        Symbol("™", #"{\texttrademark}"#), Symbol("℠", #"{\textservicemark}"#), Symbol("℗", #"{\textcircledP}"#),
        Symbol("°", #"{\textdegree}"#, math: #"^\circ"#), Symbol("€", #"{\texteuro}"#), Symbol("£", #"{\pounds}"#),
        Symbol("¥", #"{\textyen}"#), Symbol("¢", #"{\textcent}"#), Symbol("¤", #"{\textcurrency}"#),
        Symbol("₩", #"{\textwon}"#), Symbol("₦", #"{\textnaira}"#), Symbol("₱", #"{\textpeso}"#),
        Symbol("₤", #"{\textlira}"#), Symbol("฿", #"{\textbaht}"#), Symbol("₫", #"{\textdong}"#),
        Symbol("ƒ", #"{\textflorin}"#), Symbol("¦", #"{\textbrokenbar}"#), Symbol("¨", #"{\textasciidieresis}"#),
        Symbol("¯", #"{\textasciimacron}"#), Symbol("´", #"{\textasciiacute}"#), Symbol("ª", #"{\textordfeminine}"#),
        Symbol("º", #"{\textordmasculine}"#), Symbol("¡", #"{\textexclamdown}"#), Symbol("¿", #"{\textquestiondown}"#),
        Symbol("¹", #"{\textonesuperior}"#, math: "^1"), Symbol("²", #"{\texttwosuperior}"#, math: "^2"),
        Symbol("³", #"{\textthreesuperior}"#, math: "^3"), Symbol("¼", #"{\textonequarter}"#),
        Symbol("½", #"{\textonehalf}"#), Symbol("¾", #"{\textthreequarters}"#),
        Symbol("µ", #"{\textmu}"#, math: #"\mu"#), Symbol("·", #"{\textperiodcentered}"#, math: #"\cdot"#),
        Symbol("×", #"{\texttimes}"#, math: #"\times"#), Symbol("÷", #"{\textdiv}"#, math: #"\div"#),
        Symbol("±", #"{\textpm}"#, math: #"\pm"#), Symbol("¬", #"{\textlnot}"#, math: #"\neg"#),
        Symbol("−", #"{\textminus}"#, math: "-"), Symbol("√", #"{\textsurd}"#, math: #"\surd"#),
        Symbol("⁄", #"{\textfractionsolidus}"#), Symbol("†", #"{\textdagger}"#, math: #"\dagger"#),
        Symbol("‡", #"{\textdaggerdbl}"#, math: #"\ddagger"#), Symbol("•", #"{\textbullet}"#, math: #"\bullet"#),
        Symbol("‰", #"{\textperthousand}"#), Symbol("‱", #"{\textpertenthousand}"#), Symbol("№", #"{\textnumero}"#),
        Symbol("℃", #"{\textcelsius}"#), Symbol("℧", #"{\textmho}"#), Symbol("℮", #"{\textestimated}"#),
        Symbol("℞", #"{\textrecipe}"#), Symbol("‽", #"{\textinterrobang}"#), Symbol("♪", #"{\textmusicalnote}"#),
        Symbol("◯", #"{\textbigcircle}"#), Symbol("※", #"{\textreferencemark}"#), Symbol("‖", #"{\textbardbl}"#, math: #"\|"#),
        Symbol("⟦", #"{\textlbrackdbl}"#), Symbol("⟧", #"{\textrbrackdbl}"#),
        Symbol("⟨", #"{\textlangle}"#, math: #"\langle"#), Symbol("⟩", #"{\textrangle}"#, math: #"\rangle"#),
        Symbol("←", #"{\textleftarrow}"#, math: #"\leftarrow"#), Symbol("→", #"{\textrightarrow}"#, math: #"\rightarrow"#),
        Symbol("↑", #"{\textuparrow}"#, math: #"\uparrow"#), Symbol("↓", #"{\textdownarrow}"#, math: #"\downarrow"#),
        // Mathematical symbols: math commands, wrapped in \ensuremath in text.
        Symbol("↔", mathText(#"\leftrightarrow"#), math: #"\leftrightarrow"#),
        Symbol("⇒", mathText(#"\Rightarrow"#), math: #"\Rightarrow"#),
        Symbol("⇐", mathText(#"\Leftarrow"#), math: #"\Leftarrow"#),
        Symbol("⇔", mathText(#"\Leftrightarrow"#), math: #"\Leftrightarrow"#),
        Symbol("↦", mathText(#"\mapsto"#), math: #"\mapsto"#),
        Symbol("≤", mathText(#"\leq"#), math: #"\leq"#), Symbol("≥", mathText(#"\geq"#), math: #"\geq"#),
        Symbol("≠", mathText(#"\neq"#), math: #"\neq"#), Symbol("≈", mathText(#"\approx"#), math: #"\approx"#),
        Symbol("≡", mathText(#"\equiv"#), math: #"\equiv"#), Symbol("∼", mathText(#"\sim"#), math: #"\sim"#),
        Symbol("≃", mathText(#"\simeq"#), math: #"\simeq"#), Symbol("≅", mathText(#"\cong"#), math: #"\cong"#),
        Symbol("∝", mathText(#"\propto"#), math: #"\propto"#), Symbol("≪", mathText(#"\ll"#), math: #"\ll"#),
        Symbol("≫", mathText(#"\gg"#), math: #"\gg"#), Symbol("∞", mathText(#"\infty"#), math: #"\infty"#),
        Symbol("∈", mathText(#"\in"#), math: #"\in"#), Symbol("∉", mathText(#"\notin"#), math: #"\notin"#),
        Symbol("∋", mathText(#"\ni"#), math: #"\ni"#), Symbol("⊂", mathText(#"\subset"#), math: #"\subset"#),
        Symbol("⊃", mathText(#"\supset"#), math: #"\supset"#), Symbol("⊆", mathText(#"\subseteq"#), math: #"\subseteq"#),
        Symbol("⊇", mathText(#"\supseteq"#), math: #"\supseteq"#), Symbol("∪", mathText(#"\cup"#), math: #"\cup"#),
        Symbol("∩", mathText(#"\cap"#), math: #"\cap"#), Symbol("∅", mathText(#"\emptyset"#), math: #"\emptyset"#),
        Symbol("∀", mathText(#"\forall"#), math: #"\forall"#), Symbol("∃", mathText(#"\exists"#), math: #"\exists"#),
        Symbol("∧", mathText(#"\wedge"#), math: #"\wedge"#), Symbol("∨", mathText(#"\vee"#), math: #"\vee"#),
        Symbol("∑", mathText(#"\sum"#), math: #"\sum"#), Symbol("∏", mathText(#"\prod"#), math: #"\prod"#),
        Symbol("∫", mathText(#"\int"#), math: #"\int"#), Symbol("∂", mathText(#"\partial"#), math: #"\partial"#),
        Symbol("∇", mathText(#"\nabla"#), math: #"\nabla"#), Symbol("∘", mathText(#"\circ"#), math: #"\circ"#),
        Symbol("⋅", mathText(#"\cdot"#), math: #"\cdot"#), Symbol("∗", mathText(#"\ast"#), math: #"\ast"#),
        Symbol("⊕", mathText(#"\oplus"#), math: #"\oplus"#), Symbol("⊗", mathText(#"\otimes"#), math: #"\otimes"#),
        Symbol("⊥", mathText(#"\perp"#), math: #"\perp"#), Symbol("∥", mathText(#"\parallel"#), math: #"\parallel"#),
        Symbol("∠", mathText(#"\angle"#), math: #"\angle"#), Symbol("′", mathText(#"\prime"#), math: #"\prime"#),
        Symbol("ℓ", mathText(#"\ell"#), math: #"\ell"#), Symbol("ℏ", mathText(#"\hbar"#), math: #"\hbar"#),
        Symbol("ℵ", mathText(#"\aleph"#), math: #"\aleph"#), Symbol("∓", mathText(#"\mp"#), math: #"\mp"#),
        Symbol("⌊", mathText(#"\lfloor"#), math: #"\lfloor"#), Symbol("⌋", mathText(#"\rfloor"#), math: #"\rfloor"#),
        Symbol("⌈", mathText(#"\lceil"#), math: #"\lceil"#), Symbol("⌉", mathText(#"\rceil"#), math: #"\rceil"#),
    ]

    /// Greek letters: math commands (`\alpha`); in text they are wrapped in `\ensuremath`.
    /// Capitals that look Latin have no command and are written as `\mathrm{A}`.
    public static let greek: [Symbol] = greekRows.map { Symbol($0.0, mathText($0.1), math: $0.1) }

    private static let greekRows: [(Unicode.Scalar, String)] = [
        ("α", #"\alpha"#), ("β", #"\beta"#), ("γ", #"\gamma"#), ("δ", #"\delta"#), ("ε", #"\varepsilon"#),
        ("ζ", #"\zeta"#), ("η", #"\eta"#), ("θ", #"\theta"#), ("ι", #"\iota"#), ("κ", #"\kappa"#),
        ("λ", #"\lambda"#), ("μ", #"\mu"#), ("ν", #"\nu"#), ("ξ", #"\xi"#), ("ο", "o"), ("π", #"\pi"#),
        ("ρ", #"\rho"#), ("ς", #"\varsigma"#), ("σ", #"\sigma"#), ("τ", #"\tau"#), ("υ", #"\upsilon"#),
        ("φ", #"\varphi"#), ("χ", #"\chi"#), ("ψ", #"\psi"#), ("ω", #"\omega"#), ("ϑ", #"\vartheta"#),
        ("ϕ", #"\phi"#), ("ϖ", #"\varpi"#), ("ϱ", #"\varrho"#), ("ϵ", #"\epsilon"#),
        ("Α", #"\mathrm{A}"#), ("Β", #"\mathrm{B}"#), ("Γ", #"\Gamma"#), ("Δ", #"\Delta"#), ("Ε", #"\mathrm{E}"#),
        ("Ζ", #"\mathrm{Z}"#), ("Η", #"\mathrm{H}"#), ("Θ", #"\Theta"#), ("Ι", #"\mathrm{I}"#), ("Κ", #"\mathrm{K}"#),
        ("Λ", #"\Lambda"#), ("Μ", #"\mathrm{M}"#), ("Ν", #"\mathrm{N}"#), ("Ξ", #"\Xi"#), ("Ο", #"\mathrm{O}"#),
        ("Π", #"\Pi"#), ("Ρ", #"\mathrm{P}"#), ("Σ", #"\Sigma"#), ("Τ", #"\mathrm{T}"#), ("Υ", #"\Upsilon"#),
        ("Φ", #"\Phi"#), ("Χ", #"\mathrm{X}"#), ("Ψ", #"\Psi"#), ("Ω", #"\Omega"#),
    ]

    /// Latin letters with diacritics, from their canonical decomposition: a base letter (ASCII
    /// or a letter of ``letters``) plus marks of ``accents``. `í` → `{\'i}` (never `{\'\i}`,
    /// which biber turns into a dotless i with a combining accent that pdfLaTeX cannot set).
    public static let accentedLetters: [Symbol] = {
        var out: [Symbol] = []
        let ranges: [ClosedRange<UInt32>] = [0x00C0...0x024F, 0x1E00...0x1EFF]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), letterCommand[scalar] == nil else { continue }
                let decomposed = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
                guard decomposed.count >= 2, let form = compose(decomposed) else { continue }
                out.append(Symbol(scalar, form))
            }
        }
        return out
    }()

    /// Every text form: accented letters, letters, symbols and Greek.
    public static let textForms: [Unicode.Scalar: String] = {
        var out: [Unicode.Scalar: String] = [:]
        for row in accentedLetters + letters + symbols + greek { out[row.scalar] = row.text }
        return out
    }()

    /// Every math form (symbols and Greek).
    public static let mathForms: [Unicode.Scalar: String] = {
        var out: [Unicode.Scalar: String] = [:]
        for row in symbols + greek { if let m = row.math { out[row.scalar] = m } }
        return out
    }()

    /// The accent command for a combining mark.
    public static let accentCommand: [Unicode.Scalar: Accent] = Dictionary(
        uniqueKeysWithValues: accents.map { ($0.mark, $0) })

    /// `\ensuremath{…}` in the special-character form BibTeX leaves alone.
    static func mathText(_ command: String) -> String { "{\\ensuremath{" + command + "}}" }

    /// The bare command of a letter (`ø` → `\o`), for use as an accent's base.
    private static let letterCommand: [Unicode.Scalar: String] = {
        var out: [Unicode.Scalar: String] = [:]
        for row in letters {
            // "{\o}" → "\o"
            out[row.scalar] = String(row.text.dropFirst().dropLast())
        }
        return out
    }()

    /// Composes a base and its combining marks: `e` + U+0302 + U+0303 → `{\~{\^e}}`.
    /// Nil when the base is not a letter we can name or a mark has no command.
    static func compose(_ scalars: [Unicode.Scalar]) -> String? {
        guard let base = scalars.first else { return nil }
        var inner: String
        if base.isASCII, isASCIILetter(UInt8(base.value)) {
            inner = String(base)
        } else if let command = letterCommand[base] {
            inner = command
        } else {
            return nil
        }
        for mark in scalars.dropFirst() {
            guard let accent = accentCommand[mark] else { return nil }
            if accent.isSymbolCommand && inner.utf8.count == 1 {
                inner = "\\" + accent.command + inner
            } else {
                inner = "\\" + accent.command + "{" + inner + "}"
            }
        }
        return "{" + inner + "}"
    }
}

/// True for `A`–`Z`, `a`–`z`.
@inline(__always)
func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

/// True for `0`–`9`.
@inline(__always)
func isASCIIDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
