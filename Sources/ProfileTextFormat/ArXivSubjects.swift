/// The two-letter subject codes of profile pages and the arXiv classes they stand for.
///
/// One table, used in both directions. Where two archives share a code, the class most
/// common on machine-learning and computer-science profiles wins, cs first:
///
/// | code | chosen | also possible |
/// | --- | --- | --- |
/// | CV | cs.CV (computer vision) | math.CV (complex variables) |
/// | DS | cs.DS (data structures) | math.DS (dynamical systems) |
/// | GT | cs.GT (game theory) | math.GT (geometric topology) |
/// | GR | cs.GR (graphics) | math.GR (group theory) |
/// | IT | cs.IT | math.IT (an alias of cs.IT) |
/// | LO | cs.LO (logic in CS) | math.LO (logic) |
/// | NA | cs.NA | math.NA (an alias of cs.NA) |
/// | SY | cs.SY | eess.SY (an alias of cs.SY) |
/// | SC | cs.SC (symbolic computation) | q-bio.SC |
/// | SP | eess.SP (signal processing) | math.SP (spectral theory) |
/// | AP | math.AP (PDEs) | stat.AP (applications) |
/// | CO | math.CO (combinatorics) | stat.CO (computation) |
/// | ST | math.ST (statistics theory) | q-fin.ST |
/// | PR | math.PR (probability) | q-fin.PR |
/// | GN | math.GN (general topology) | q-bio.GN, econ.GN |
/// | TH | stat.TH | econ.TH |
///
/// The raw code is always kept beside the class (`profile:subject`), so nothing is lost
/// when the guess is wrong.
public enum ArXivSubjects {
    /// Code → class, in a fixed order (cs, math, stat, eess, q-bio, q-fin, econ).
    public static let table: [(code: String, arxivClass: String)] = [
        // Computer science.
        ("AI", "cs.AI"), ("AR", "cs.AR"), ("CC", "cs.CC"), ("CE", "cs.CE"), ("CG", "cs.CG"),
        ("CL", "cs.CL"), ("CR", "cs.CR"), ("CV", "cs.CV"), ("CY", "cs.CY"), ("DB", "cs.DB"),
        ("DC", "cs.DC"), ("DL", "cs.DL"), ("DM", "cs.DM"), ("DS", "cs.DS"), ("ET", "cs.ET"),
        ("FL", "cs.FL"), ("GL", "cs.GL"), ("GR", "cs.GR"), ("GT", "cs.GT"), ("HC", "cs.HC"),
        ("IR", "cs.IR"), ("IT", "cs.IT"), ("LG", "cs.LG"), ("LO", "cs.LO"), ("MA", "cs.MA"),
        ("MM", "cs.MM"), ("MS", "cs.MS"), ("NA", "cs.NA"), ("NE", "cs.NE"), ("NI", "cs.NI"),
        ("OH", "cs.OH"), ("OS", "cs.OS"), ("PF", "cs.PF"), ("PL", "cs.PL"), ("RO", "cs.RO"),
        ("SC", "cs.SC"), ("SD", "cs.SD"), ("SE", "cs.SE"), ("SI", "cs.SI"), ("SY", "cs.SY"),
        // Mathematics.
        ("AC", "math.AC"), ("AG", "math.AG"), ("AP", "math.AP"), ("AT", "math.AT"),
        ("CA", "math.CA"), ("CO", "math.CO"), ("CT", "math.CT"), ("DG", "math.DG"),
        ("FA", "math.FA"), ("GM", "math.GM"), ("GN", "math.GN"), ("HO", "math.HO"),
        ("KT", "math.KT"), ("MG", "math.MG"), ("MP", "math.MP"), ("NT", "math.NT"),
        ("OA", "math.OA"), ("OC", "math.OC"), ("PR", "math.PR"), ("QA", "math.QA"),
        ("RA", "math.RA"), ("RT", "math.RT"), ("SG", "math.SG"), ("ST", "math.ST"),
        // Statistics.
        ("ML", "stat.ML"), ("ME", "stat.ME"), ("OT", "stat.OT"), ("TH", "stat.TH"),
        // Electrical engineering and systems science.
        ("AS", "eess.AS"), ("IV", "eess.IV"), ("SP", "eess.SP"),
        // Quantitative biology.
        ("BM", "q-bio.BM"), ("CB", "q-bio.CB"), ("MN", "q-bio.MN"), ("NC", "q-bio.NC"),
        ("PE", "q-bio.PE"), ("QM", "q-bio.QM"), ("TO", "q-bio.TO"),
        // Quantitative finance.
        ("CP", "q-fin.CP"), ("MF", "q-fin.MF"), ("PM", "q-fin.PM"), ("RM", "q-fin.RM"),
        ("TR", "q-fin.TR"),
        // Economics.
        ("EM", "econ.EM"),
    ]

    private static let byCode: [String: String] = {
        var map: [String: String] = [:]
        for row in table where map[row.code] == nil { map[row.code] = row.arxivClass }
        return map
    }()

    private static let byClass: [String: String] = {
        var map: [String: String] = [:]
        for row in table where map[row.arxivClass] == nil { map[row.arxivClass] = row.code }
        return map
    }()

    /// The arXiv class of a profile subject code (`LG` → `cs.LG`), or nil when unknown.
    public static func arxivClass(forCode code: String) -> String? { byCode[code] }

    /// The profile subject code of an arXiv class (`cs.LG` → `LG`), or nil.
    public static func code(forClass arxivClass: String) -> String? { byClass[arxivClass] }
}
