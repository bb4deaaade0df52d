/// Recasing of titles and names: ALL-CAPS to title case keeping acronyms, and the
/// sentence-case and title-case policies. Case-protected, math and code runs are never touched.
public enum TextCase {
    /// How titles are cased by the clean step.
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        /// Lower-case every word but the first, the first after a colon, acronyms, words
        /// with inner capitals and case-protected spans (`Deep learning for MRI: A survey`).
        case sentence
        /// Capitalise every word but short function words (`Deep Learning for MRI: A Survey`).
        case title
    }

    /// Acronyms kept in capitals when an ALL-CAPS title is recased.
    public static let acronyms: Set<String> = [
        "DNA", "RNA", "ATP", "PCR", "HIV", "AIDS", "SARS", "MERS", "COVID", "CRISPR", "MRI", "PET", "CT", "EEG",
        "ECG", "NMR", "UV", "USA", "UK", "EU", "UN", "USSR", "NATO", "OECD", "UNESCO", "UNICEF", "IMF", "GDP",
        "NASA", "ESA", "CERN", "LHC", "IEEE", "ACM", "SIAM", "AMS", "APS", "AI", "ML", "NLP", "CNN", "CNNS",
        "RNN", "RNNS", "LSTM", "GAN", "GANS", "GPU", "GPUS", "CPU", "CPUS", "TPU", "SVM", "PCA", "ICA", "BERT",
        "GPT", "LLM", "LLMS", "API", "XML", "HTML", "HTTP", "JSON", "SQL", "PDF", "TCP", "IP", "WWW", "GPS",
        "ISBN", "DOI", "QCD", "QED", "CMB", "BMI", "ICU", "RCT", "NHS", "II", "III", "IV", "VI",
        "VII", "VIII", "IX", "XI", "XII", "XIII", "XIV", "XV", "XX", "3D", "2D", "4D", "MCMC", "MPI", "SGD",
        "ADMM", "LP", "QP", "SDP", "MIP", "NP", "RL", "VAE", "VAES", "MLP", "ODE", "ODES", "PDE", "PDES", "FPGA",
        "ASIC", "IOT", "5G", "4G", "LTE", "WIFI", "RFID", "SNP", "SNPS", "GWAS", "MHC", "TNF", "IL", "EGFR",
        "BRCA", "HPV", "HBV", "HCV", "TB", "ADHD", "PTSD", "OCD", "COPD", "ALS", "BSE", "NGO", "NGOS",
    ]

    private static let smallWords: Set<String> = [
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "off", "on",
        "per", "to", "up", "via", "vs", "with", "from", "into", "over", "upon", "than",
    ]

    /// True when a text has cased letters and none of them is lower case, with at least two
    /// words of three or more letters that are not known acronyms (`DEEP LEARNING FOR MRI`).
    public static func isAllCaps(_ text: String) -> Bool {
        var upper = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isLowercase { return false }
            if scalar.properties.isUppercase { upper += 1 }
        }
        guard upper >= 6 else { return false }
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        let plain = words.filter { $0.count >= 3 && !acronyms.contains(String($0)) && !$0.contains(where: \.isNumber) }
        return plain.count >= 2
    }

    /// An ALL-CAPS title in title case, acronyms, roman numerals and words with digits kept:
    /// `DEEP LEARNING FOR MRI: A SURVEY` → `Deep Learning for MRI: A Survey`.
    public static func titleCaseFromAllCaps(_ text: RichText) -> RichText {
        var atStart = true
        return text.mappingText { run in recase(run, atStart: &atStart, mode: .fromAllCaps) }
    }

    /// A title recased by `policy`; runs already case-protected are left alone.
    public static func apply(_ policy: Policy, to text: RichText) -> RichText {
        var atStart = true
        return text.mappingText { run in recase(run, atStart: &atStart, mode: policy == .sentence ? .sentence : .title) }
    }

    private enum Mode { case fromAllCaps, sentence, title }

    /// Recases one run word by word; `atStart` carries "the next word begins the title or a
    /// sub-title" across runs.
    private static func recase(_ run: String, atStart: inout Bool, mode: Mode) -> String {
        var out = ""
        out.reserveCapacity(run.utf8.count)
        var word = ""
        func flushWord() {
            guard !word.isEmpty else { return }
            out += recaseWord(word, first: atStart, mode: mode)
            atStart = false
            word = ""
        }
        for ch in run {
            if ch.isLetter || ch.isNumber || ch == "'" || ch == "’" {
                word.append(ch)
            } else {
                flushWord()
                out.append(ch)
                if ch == ":" || ch == "?" || ch == "!" || ch == "." || ch == "—" { atStart = true }
            }
        }
        flushWord()
        return out
    }

    private static func recaseWord(_ word: String, first: Bool, mode: Mode) -> String {
        let lowered = word.lowercased()
        switch mode {
        case .fromAllCaps:
            if keepsCapitals(word) { return word }
            if !first && smallWords.contains(lowered) { return lowered }
            return capitalized(lowered)
        case .title:
            // Only all-lower-case words change; anything with a capital is someone's choice.
            guard word == lowered else { return word }
            if !first && smallWords.contains(lowered) { return word }
            return capitalized(word)
        case .sentence:
            if first { return word == lowered ? capitalized(word) : word }
            // Only plain capitalised words (`Learning`) are lowered; `MRI`, `iPhone`, `McGill` stay.
            guard let head = word.first, head.isUppercase, word.dropFirst() == word.dropFirst().lowercased() else {
                return word
            }
            if word == "I" || word.hasPrefix("I'") { return word }
            return lowered
        }
    }

    private static func keepsCapitals(_ word: String) -> Bool {
        if word.contains(where: \.isNumber) { return true }
        let bare = word.hasSuffix("'S") || word.hasSuffix("’S") ? String(word.dropLast(2)) : word
        if acronyms.contains(bare) { return true }
        return isRomanNumeral(bare) && bare.count >= 2
    }

    private static func isRomanNumeral(_ word: String) -> Bool {
        guard !word.isEmpty, word.count <= 6, word.allSatisfy({ "IVXL".contains($0) }) else { return false }
        let valid: Set<String> = [
            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
            "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXX", "XL", "L",
        ]
        return valid.contains(word)
    }

    private static func capitalized(_ word: String) -> String {
        guard let head = word.first else { return word }
        return head.uppercased() + word.dropFirst()
    }

    /// A name part in ALL CAPS in proper case: `SMITH` → `Smith`, `O'BRIEN` → `O'Brien`,
    /// `JEAN-PIERRE` → `Jean-Pierre`, `MCDONALD` → `McDonald`. Other text is returned as is.
    public static func properCaseName(_ part: String) -> String {
        guard isAllCapsName(part) else { return part }
        var out = ""
        var capitalizeNext = true
        var segment = ""
        func flush() {
            out += segment
            segment = ""
        }
        for ch in part.lowercased() {
            if ch.isLetter {
                segment.append(capitalizeNext ? Character(ch.uppercased()) : ch)
                capitalizeNext = false
                if segment == "Mc" { capitalizeNext = true }
            } else {
                // O'Brien, D'Angelo: capital after an apostrophe that follows one letter.
                let apostrophe = ch == "'" || ch == "’"
                capitalizeNext = !apostrophe || segment.count == 1
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    /// True for a name part of two or more letters, all upper case (`SMITH`, not `J.` or `McD`).
    public static func isAllCapsName(_ part: String) -> Bool {
        var letters = 0
        for scalar in part.unicodeScalars {
            if scalar.properties.isLowercase { return false }
            if scalar.properties.isUppercase { letters += 1 }
        }
        return letters >= 2
    }
}
