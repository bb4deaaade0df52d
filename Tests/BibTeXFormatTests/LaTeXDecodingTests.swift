import BibModel
import Testing

@testable import BibTeXFormat

/// LaTeX → rich text, table-driven: every form issue 3 lists, and the writer's table read back.
@Suite("LaTeX decoding")
struct LaTeXDecodingTests {
    /// (LaTeX, plain text it decodes to).
    static let plainCases: [(String, String)] = [
        // Accents in every form.
        (#"{\"o}"#, "ö"), (#"\"{o}"#, "ö"), (#"\"o"#, "ö"), (#"{\"{o}}"#, "ö"), (#"\" o"#, "ö"),
        (#"\'{\i}"#, "í"), (#"{\'\i}"#, "í"), (#"\'\i"#, "í"), (#"{\v C}"#, "Č"), (#"\v{C}"#, "Č"), (#"\v C"#, "Č"),
        (#"\c{c}"#, "ç"), (#"\c c"#, "ç"), (#"{\c{C}}"#, "Ç"), (#"\k{a}"#, "ą"), (#"\H{o}"#, "ő"), (#"\r{a}"#, "å"),
        (#"\=a"#, "ā"), (#"\.z"#, "ż"), (#"\u{g}"#, "ğ"), (#"\`a"#, "à"), (#"\^e"#, "ê"), (#"\~n"#, "ñ"),
        (#"\d{s}"#, "ṣ"), (#"\b{k}"#, "ḵ"), (#"\~{\^e}"#, "ễ"), (#"{\'{\o}}"#, "ǿ"), (#"\"{\i}"#, "ï"),
        (#"\'E"#, "É"), (#"Erd{\H o}s"#, "Erdős"), (#"G{\"o}del"#, "Gödel"), (#"Schr\"odinger"#, "Schrödinger"),
        (#"Ma\v{s}ek"#, "Mašek"), (#"Fran\c{c}ois"#, "François"), (#"\t{oo}"#, "o͡o"), (#"\'{}"#, "´"),
        // Special letters.
        (#"\ss"#, "ß"), (#"{\ss}"#, "ß"), (#"Stra\ss e"#, "Straße"), (#"Stra\ss{}e"#, "Straße"), (#"\o"#, "ø"),
        (#"{\O}"#, "Ø"), (#"\ae"#, "æ"), (#"\AE"#, "Æ"), (#"\oe"#, "œ"), (#"\OE"#, "Œ"), (#"\l"#, "ł"), (#"\L"#, "Ł"),
        (#"\aa"#, "å"), (#"\AA"#, "Å"), (#"\i"#, "ı"), (#"\j"#, "ȷ"), (#"{\L}\'od\'z"#, "Łódź"), (#"{\dh}"#, "ð"),
        (#"{\th}"#, "þ"), (#"{\NG}"#, "Ŋ"),
        // Symbols.
        (#"R\&D"#, "R&D"), (#"50\%"#, "50%"), (#"\$5"#, "$5"), (##"\#1"##, "#1"), (#"a\_b"#, "a_b"), (#"\{x\}"#, "{x}"),
        ("1--2", "1–2"), ("a---b", "a—b"), ("Fig.~1", "Fig.\u{00A0}1"), ("``quoted''", "“quoted”"), ("`single'", "‘single'"),
        (#"\textendash"#, "–"), (#"\textemdash"#, "—"), (#"wait\ldots"#, "wait…"), (#"\dots"#, "…"), (#"\S 3"#, "§3"),
        (#"{\S}3"#, "§3"), (#"\copyright"#, "©"), (#"\textregistered"#, "®"), (#"\texttrademark"#, "™"),
        (#"\textdegree C"#, "°C"), (#"{\pounds}"#, "£"), (#"\textbackslash"#, "\\"), (#"\textasciitilde"#, "~"),
        (#"{\textbraceleft}"#, "{"), (#"\guillemotleft x\guillemotright"#, "«x»"), (#"a\,b"#, "a\u{202F}b"),
        (#"a{\,}b"#, "a\u{202F}b"), (#"co\-operate"#, "co\u{00AD}operate"), (#"\LaTeX"#, "LaTeX"), (#"A\\B"#, "A B"),
        (#"\textless x\textgreater"#, "<x>"), (#"{\ensuremath{\leq}}"#, "≤"), (#"{\ensuremath{\alpha}}"#, "α"),
        (#"{\ensuremath{\mathrm{A}}}"#, "Α"), (#"\alpha"#, "α"), (#"{l\textperiodcentered}"#, "ŀ"), (#"\P"#, "¶"),
        (#"\textquoteright"#, "’"), (#"\textquotedblleft x\textquotedblright"#, "“x”"), ("{\\textmu}m", "µm"),
        // White space: collapsed, trimmed; braces vanish in plain text.
        ("  a \n\t b  ", "a b"), ("{NASA} {D}ata", "NASA Data"), ("{}", ""), ("a{}b", "ab"),
        // Non-ASCII passes through, NFC.
        ("Déjà vu", "Déjà vu"), ("e\u{0301}t\u{00E9}", "été"), ("日本語", "日本語"),
        // Formatting commands keep their text.
        (#"\emph{x}"#, "x"), (#"{\em x}"#, "x"), (#"\mbox{a b}"#, "a b"), (#"\textrm{x}"#, "x"), (#"\NoCaseChange{x}"#, "x"),
        (#"\enquote{x}"#, "“x”"), (#"a\hspace{1em}x"#, "a x"),
        // `\discretionary`'s unbroken text; `\symbol` in every notation of the code (control
        // codes and lower-case hex are not codes: kept); a bad argument list is kept.
        (#"dis\discretionary{-}{}{}cre\discretionary {x}{y} {tion}"#, "discretion"),
        (#"\symbol{126}\symbol{"7E}\symbol{'176}\symbol{`\~}\symbol{`a}\symbol{ 233 }"#, "~~~~aé"),
        (#"\symbol{7}\symbol{"7e}"#, #"\symbol{7}\symbol{"7e}"#), (#"\discretionary{a}{b}"#, #"\discretionary{a}{b}"#),
        // Unbalanced and odd input does not crash.
        ("}", ""), ("{", ""), (#"\"#, "\\"), ("$", "$"), ("a $ b", "a $ b"),
    ]

    @Test("plain text of LaTeX", arguments: plainCases)
    func plain(_ c: (String, String)) {
        #expect(LaTeXDecoder.plain(c.0) == c.1, "\(c.0)")
    }

    /// (LaTeX, inlines).
    static let richCases: [(String, [Inline])] = [
        ("The {NASA} Mission", [.text("The "), .caseProtected([.text("NASA")]), .text(" Mission")]),
        ("{Deep Learning}", [.caseProtected([.text("Deep Learning")])]),
        ("{{Double}}", [.caseProtected([.text("Double")])]),
        ("A {bunch {of} braces}", [.text("A "), .caseProtected([.text("bunch of braces")])]),
        (#"{\"O}sterreich"#, [.text("Österreich")]),
        (#"{\relax Ch}ristopher"#, [.text("Christopher")]),
        (#"\emph{Italic}"#, [.italic([.text("Italic")])]),
        (#"\textit{x}"#, [.italic([.text("x")])]),
        (#"\textbf{x}"#, [.bold([.text("x")])]),
        (#"\textsc{x}"#, [.smallCaps([.text("x")])]),
        (#"H\textsubscript{2}O"#, [.text("H"), .subscript([.text("2")]), .text("O")]),
        (#"x\textsuperscript{th}"#, [.text("x"), .superscript([.text("th")])]),
        (#"\texttt{x\_1 \& y}"#, [.code("x_1 & y")]),
        (#"{\em a} b"#, [.italic([.text("a")]), .text(" b")]),
        (#"{\bf a}"#, [.bold([.text("a")])]),
        (#"{a \em b}"#, [.caseProtected([.text("a "), .italic([.text("b")])])]),
        (#"\emph{{J}atropha}"#, [.italic([.text("Jatropha")])]),
        (#"{{\emph{Natrix}}}"#, [.caseProtected([.italic([.text("Natrix")])])]),
        ("$x^2$", [.math("x^2")]),
        ("$$E=mc^2$$", [.math("E=mc^2")]),
        (#"\(a+b\)"#, [.math("a+b")]),
        (#"\[a\]"#, [.math("a")]),
        (#"a $\alpha$-stable"#, [.text("a "), .math(#"\alpha"#), .text("-stable")]),
        (#"{$\Delta$}"#, [.caseProtected([.math(#"\Delta"#)])]),
        (#"\ensuremath{x+y}"#, [.math("x+y")]),
        (#"\url{https://x.org/a\_b\%20}"#, [.link(url: "https://x.org/a_b%20", [.text("https://x.org/a_b%20")])]),
        (#"\href{https://x.org}{here}"#, [.link(url: "https://x.org", [.text("here")])]),
        (#"\href {https://x.org} {here}"#, [.link(url: "https://x.org", [.text("here")])]),
        (#"see \cite{k} now"#, [.text("see "), .raw(format: "latex", #"\cite{k}"#), .text(" now")]),
        (#"\foo bar"#, [.raw(format: "latex", #"\foo "#), .text("bar")]),
        (#"{\foo x}y"#, [.raw(format: "latex", #"{\foo x}"#), .text("y")]),
        (#"\mkbibquote{x}"#, [.text("“x”")]),
        (#"{\noopsort{a}}Zed"#, [.raw(format: "latex", #"\noopsort{a}"#), .text("Zed")]),
        (#"\NoCaseChange{iPhone}"#, [.caseProtected([.text("iPhone")])]),
        (#"\textbf{\emph{x}}"#, [.bold([.italic([.text("x")])])]),
        (#"\href{u}{\emph{t}}"#, [.link(url: "u", [.italic([.text("t")])])]),
    ]

    @Test("rich text of LaTeX", arguments: richCases)
    func rich(_ c: (String, [Inline])) {
        #expect(LaTeXDecoder.decode(c.0).text == RichText(c.1), "\(c.0)")
    }

    @Test("unknown commands are kept verbatim and named, never dropped")
    func unknown() {
        let r = LaTeXDecoder.decode(#"A \foo{x}[y] and \bar and \cite{k}"#)
        #expect(r.unknownCommands == ["foo", "bar", "cite"])
        #expect(r.text.plainText.contains(#"\foo{x}"#))
        #expect(r.text.plainText.contains(#"\cite{k}"#))
        #expect(LaTeXDecoder.decode(#"\noopsort{x}"#).unknownCommands.isEmpty)
    }

    @Test("without protection (names, publishers) braces are only grouping")
    func noProtection() {
        #expect(LaTeXDecoder.decode("{IEEE} Press", protectGroups: false).text == RichText("IEEE Press"))
    }

    @Test("every character of the writer's table reads back as itself")
    func writerTable() {
        var failures: [String] = []
        for (scalar, form) in LaTeXCharacterTable.textForms {
            let decoded = LaTeXDecoder.plain("x" + form + "x")
            // Forms shared by several characters (`-`, `'`, `\,`…) read back as the first of them.
            let first = LaTeXCharacterTable.textForms.filter { $0.value == form }.map(\.key).sorted { $0.value < $1.value }
            let ok = decoded == "x" + String(scalar) + "x" || first.contains { decoded == "x" + String($0) + "x" }
                || form == String(decoded.dropFirst().dropLast())
            if !ok { failures.append("\(String(scalar)) U+\(String(scalar.value, radix: 16)) \(form) → \(decoded)") }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("encoding then decoding gives the text back", arguments: [
        "Erdős and Gödel", "Łódź — a city", "“Quoted” text…", "50% of R&D costs $5 #1 a_b", "x ≤ y and α-stable",
        "Ñúñez Íñigo", "Straße", "{braces}", "back\\slash", "tilde~caret^",
    ])
    func encodeDecode(_ text: String) {
        var encoder = LaTeXEncoder(asciiOnly: true)
        var out: [UInt8] = []
        encoder.appendText(text, to: &out)
        #expect(LaTeXDecoder.plain(String(decoding: out, as: UTF8.self)) == text)
    }

    @Test("ten thousand nested braces and formatting do not overflow the stack")
    func deepNesting() {
        let depth = 10_000
        let braces = String(repeating: "{", count: depth) + "x" + String(repeating: "}", count: depth)
        #expect(LaTeXDecoder.plain(braces) == "x")
        let emph = String(repeating: #"\emph{"#, count: depth) + "x" + String(repeating: "}", count: depth)
        let r = LaTeXDecoder.decode(emph)
        #expect(r.flattened)
        #expect(r.text.plainText == "x")
        let accents = String(repeating: #"\"{"#, count: depth) + "o" + String(repeating: "}", count: depth)
        #expect(!LaTeXDecoder.plain(accents).isEmpty)
    }

    /// Strings over an alphabet of the bytes the fast path and the parser treat specially.
    static func samples(count: Int, seed: UInt64) -> [String] {
        let alphabet = ["a", "B", "7", " ", "  ", "-", "--", "'", "''", "`", "~", "\\'e", "{", "}", "$", "é", "e\u{301}", "\t", ".", ",", "\\&"]
        return strings(of: alphabet, upTo: 12, count: count, seed: seed)
    }

    /// `count` strings of fewer than `pieces` pieces of `alphabet`, drawn by a fixed generator.
    static func strings(of alphabet: [String], upTo pieces: Int, count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        return (0..<count).map { _ in (0..<(next() % pieces)).map { _ in alphabet[next() % alphabet.count] }.joined() }
    }

    @Test("the fast path for plain values decodes exactly as the parser does")
    func fastPathAgreesWithParser() {
        var taken = 0
        for text in Self.samples(count: 4000, seed: 7) + ["O'Brien", "Frank-Wolfe", "0021-9991", "a-b-c", "it's", "-", "'", "a -", "- a"] {
            var t = text
            t.withUTF8 { buf in
                guard let fast = LaTeXDecoder.plainFastPath(buf) else { return }
                taken += 1
                for protect in [false, true] {
                    let full = LaTeXDecoder.parsed(buf, protectGroups: protect)
                    #expect(full.text == RichText(fast), "\(text.debugDescription)")
                    #expect(full.unknownCommands.isEmpty)
                }
            }
        }
        #expect(taken > 300)
    }

    /// Longer strings over the bytes the eight-byte tests look at, so that each comes at every
    /// position of a word, after a word that ends with a space, a dash or a quote, and so on.
    static func wordSamples(count: Int, seed: UInt64) -> [String] {
        let alphabet = [
            "abc", "Z", "7", " ", "  ", "-", "--", "'", "''", "`", "~", "\\'e", "{", "}", "$", "é", "\t", "\n", ".",
            "\\&", "%", "&", "|", "\u{1}", "\u{7F}", "defgh ", " ijklmn", "ö-ü",
        ]
        return strings(of: alphabet, upTo: 40, count: count, seed: seed)
    }

    @Test("the fast path's and the parser's eight-byte steps decide as byte by byte")
    func wordStepsAgreeWithByteSteps() {
        var stopsInside = 0
        for text in Self.wordSamples(count: 6000, seed: 31) + Self.samples(count: 2000, seed: 37) {
            var t = text
            t.withUTF8 { buf in
                let words = LaTeXDecoder.plainStop(buf, wordAtATime: true)
                let bytes = LaTeXDecoder.plainStop(buf, wordAtATime: false)
                #expect(words.stop == bytes.stop, "\(text.debugDescription)")
                #expect(words.nonASCII == bytes.nonASCII, "\(text.debugDescription)")
                if bytes.stop >= 8 { stopsInside += 1 }
                for protect in [false, true] {
                    let byWords = LaTeXDecoder.parsed(buf, protectGroups: protect)
                    let byBytes = LaTeXDecoder.parsed(buf, protectGroups: protect, wordAtATime: false)
                    #expect(byWords.text.inlines == byBytes.text.inlines, "\(text.debugDescription)")
                    #expect(byWords.unknownCommands == byBytes.unknownCommands)
                }
            }
        }
        // Values plain for more than a word before what stops the fast path.
        #expect(stopsInside > 500)
    }

    @Test("the parser started after the plain prefix the fast path saw reads as from the start")
    func plainPrefixHandOff() {
        var started = 0
        for text in Self.samples(count: 4000, seed: 11) + ["Hello wor\\'ld", "a  b", "a -- b", "x ''y''", "trail ", "it's {A}"] {
            var t = text
            t.withUTF8 { buf in
                let (stop, _) = LaTeXDecoder.plainStop(buf)
                guard stop > 0 else { return }
                started += 1
                for protect in [false, true] {
                    let whole = LaTeXDecoder.parsed(buf, protectGroups: protect)
                    let handed = LaTeXDecoder.parsed(buf, protectGroups: protect, plainPrefix: stop)
                    #expect(whole.text == handed.text, "\(text.debugDescription)")
                    #expect(whole.unknownCommands == handed.unknownCommands)
                    #expect(LaTeXDecoder.decode(buf, protectGroups: protect).text == whole.text)
                }
            }
        }
        #expect(started > 300)
    }

    /// Strings rich in what makes or joins runs of spaces: spacing commands, groups that
    /// start or end with a space, formatting, math, accents, unknown commands.
    static func spacySamples(count: Int, seed: UInt64) -> [String] {
        let alphabet = [
            "a", "B", " ", "  ", "\\space ", "\\space{}", "\\textspace ", "\\ ", "\\,", "~", "{", "}", "{ ", " }",
            "\\emph{", "{\\em ", "\\textbf{ x ", "$x$", " $y$ ", "\\'{e}", "\\'{ e}", "\\foo{ z }", "\\relax ", "\\par ",
            "\\url{a b}", "\\href{u}{ t }", "\\enquote{ q }", "\\mbox{ m }", "--", "\t", "\n", "\\o", "{\\\"o}",
        ]
        return strings(of: alphabet, upTo: 16, count: count, seed: seed)
    }

    @Test("runs of spaces are collapsed as when every text run was looked at")
    func spacesCollapsedLikeTheGeneralWay() {
        var withSpaces = 0
        let fixed = ["a {  b} c", "a{ b}", "x \\space y", "x\\space\\space y", "{a }{ b}", "\\emph{a } b", "a $x$  b", "a \\par  b"]
        for text in Self.spacySamples(count: 6000, seed: 23) + fixed {
            var t = text
            t.withUTF8 { buf in
                for protect in [false, true] {
                    let general = LaTeXDecoder.parsedCheckingAllSpaces(buf, protectGroups: protect)
                    let fast = LaTeXDecoder.parsed(buf, protectGroups: protect)
                    #expect(fast.text == general.text, "\(text.debugDescription)")
                    #expect(fast.text.inlines == general.text.inlines, "\(text.debugDescription)")
                    #expect(LaTeXDecoder.decode(buf, protectGroups: protect).text == general.text, "\(text.debugDescription)")
                    if general.text.inlines.contains(where: { if case .text(let s) = $0 { s.contains(" ") } else { false } }) {
                        withSpaces += 1
                    }
                }
            }
        }
        // The samples do make runs that need collapsing at joins and after spacing commands.
        var joined = "a {  b} c"
        let joinedText = joined.withUTF8 { LaTeXDecoder.parsedCheckingAllSpaces($0, protectGroups: false) }.text
        #expect(joinedText == RichText("a b c"))
        #expect(withSpaces > 1000)
    }

    @Test("the plain cache gives what decoding gives, for values met again and after it starts afresh")
    func plainCacheAgreesWithDecoding() {
        var cache = LaTeXPlainCache()
        let samples = Self.samples(count: 3000, seed: 5) + Self.spacySamples(count: 3000, seed: 9)
            + ["H{\\'{e}}l{\\`e}ne", "Wang, H{\\'{e}}l{\\`e}ne S.", "\\foo{x}", "{\\\"o}"]
        // More distinct values than the cache holds, several times over, and each value twice.
        var values: [String] = []
        for round in 0..<4 {
            for (k, text) in samples.enumerated() { values.append(text + (round == 0 ? "" : " \\relax{}\(k % 997)")) }
        }
        #expect(Set(values).count > LaTeXPlainCache.maxCount)
        for text in values + values.reversed() {
            var t = text
            t.withUTF8 { buf in
                let cached = cache.plain(buf)
                let direct = LaTeXDecoder.plain(buf)
                #expect(cached.0 == direct.0, "\(text.debugDescription)")
                #expect(cached.1 == direct.1, "\(text.debugDescription)")
            }
        }
    }

    @Test("double spaces are found wherever they are")
    func doubleSpaces() {
        for n in 0..<40 {
            let base = String(repeating: "ab c", count: 10).prefix(n)
            #expect(!LaTeXDecoderStyle.hasDoubleSpace(String(base)))
            for k in 0..<max(0, n - 1) {
                var bytes = Array(base.utf8)
                bytes[k] = 0x20
                bytes[k + 1] = 0x20
                let s = String(decoding: bytes, as: UTF8.self)
                #expect(LaTeXDecoderStyle.hasDoubleSpace(s), "\(s.debugDescription)")
            }
        }
        #expect(!LaTeXDecoderStyle.hasDoubleSpace(" !a !b !c !d !e !f !g"))
        #expect(LaTeXDecoderStyle.hasDoubleSpace("é         x"))
    }

    @Test("one command table answers as the separate tables did, in their order")
    func commandTable() {
        var names = Set<String>()
        names.formUnion(LaTeXDecoder.accentMarks.keys)
        names.formUnion(LaTeXDecoder.wordText.keys)
        names.formUnion(LaTeXDecoder.styleCommands.keys)
        names.formUnion(LaTeXDecoder.declarations.keys)
        names.formUnion(LaTeXDecoder.noOps)
        names.formUnion(LaTeXDecoder.spaces)
        names.formUnion(LaTeXDecoder.spaceWithArgument)
        names.formUnion(LaTeXDecoder.keptQuietly)
        names.formUnion(LaTeXDecoder.mathText.keys.filter { $0.hasPrefix("\\") }.map { String($0.dropFirst()) })
        names.formUnion(["url", "path", "href", "discretionary", "symbol", "ensuremath", "textcircled", "nosuch", "x"])
        for name in names {
            let expected: String
            if let mark = LaTeXDecoder.accentMarks[name] {
                expected = "accent \(mark)"
            } else if let text = LaTeXDecoder.wordText[name] {
                expected = "text \(text)"
            } else if let style = LaTeXDecoder.styleCommands[name] {
                expected = "style \(style)"
            } else if let style = LaTeXDecoder.declarations[name] {
                expected = "declaration \(style)"
            } else if name == "url" || name == "path" {
                expected = "url"
            } else if ["href", "discretionary", "symbol", "ensuremath"].contains(name) {
                expected = name
            } else if LaTeXDecoder.noOps.contains(name) {
                expected = "noOp"
            } else if LaTeXDecoder.spaces.contains(name) {
                expected = "space"
            } else if LaTeXDecoder.spaceWithArgument.contains(name) {
                expected = "spaceWithArgument"
            } else if let text = LaTeXDecoder.mathText["\\" + name] {
                expected = "mathText \(text)"
            } else if LaTeXDecoder.keptQuietly.contains(name) {
                expected = "keptQuietly"
            } else {
                expected = "unknown"
            }
            let actual: String
            switch LaTeXDecoder.commands[name]?.action ?? .unknown {
            case .accent(let mark): actual = "accent \(mark)"
            case .text(let text): actual = "text \(text)"
            case .style(let style): actual = "style \(style)"
            case .declaration(let style): actual = "declaration \(style)"
            case .url: actual = "url"
            case .href: actual = "href"
            case .discretionary: actual = "discretionary"
            case .symbol: actual = "symbol"
            case .ensuremath: actual = "ensuremath"
            case .noOp: actual = "noOp"
            case .space: actual = "space"
            case .spaceWithArgument: actual = "spaceWithArgument"
            case .mathText(let text): actual = "mathText \(text)"
            case .keptQuietly: actual = "keptQuietly"
            case .unknown: actual = "unknown"
            }
            #expect(actual == expected, "\\\(name)")
            let knownOrMath = LaTeXDecoder.isKnown(name) || LaTeXDecoder.mathText["\\" + name] != nil
            #expect(LaTeXDecoder.isKnownOrMath(name) == knownOrMath, "\\\(name)")
        }
        for symbol in ["'", "@", "&", "\\"] { #expect(LaTeXDecoder.isKnownOrMath(symbol)) }
    }
}
