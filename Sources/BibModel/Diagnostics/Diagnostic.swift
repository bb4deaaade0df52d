/// A problem found while reading, transforming or writing: a value, collected and
/// rendered by the caller, never printed by the library.
public struct Diagnostic: Hashable, Sendable {
    /// How serious a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Comparable, Codable {
        /// Context for another diagnostic, or information.
        case note
        /// Something was guessed, lost or changed; the output is still produced.
        case warning
        /// The input is wrong; the affected entry or field may be skipped.
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        /// Orders note < warning < error.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The severity.
    public var severity: Severity
    /// A stable code such as `bibtex.unbalanced-brace` or `profile.bad-meta-line`.
    public var code: String
    /// The message, one sentence, no trailing period needed.
    public var message: String
    /// Where, if known.
    public var location: SourceLocation?
    /// The key of the entry concerned, if any.
    public var entryKey: String?
    /// The field concerned, if any.
    public var field: String?
    /// Further notes (hints, related locations).
    public var notes: [String]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, code: String, message: String, location: SourceLocation? = nil,
        entryKey: String? = nil, field: String? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.entryKey = entryKey
        self.field = field
        self.notes = notes
    }
}

/// Collects diagnostics in order. Readers and writers report here and go on.
public struct Diagnostics: Sendable {
    /// All diagnostics reported so far, in order.
    public private(set) var all: [Diagnostic] = []

    /// Creates an empty collection.
    public init() {}

    /// Reports a diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) { all.append(diagnostic) }

    /// Reports an error.
    public mutating func error(
        _ code: String, _ message: String, at location: SourceLocation? = nil, entryKey: String? = nil,
        field: String? = nil, notes: [String] = []
    ) {
        report(Diagnostic(.error, code: code, message: message, location: location, entryKey: entryKey, field: field, notes: notes))
    }

    /// Reports a warning.
    public mutating func warning(
        _ code: String, _ message: String, at location: SourceLocation? = nil, entryKey: String? = nil,
        field: String? = nil, notes: [String] = []
    ) {
        report(Diagnostic(.warning, code: code, message: message, location: location, entryKey: entryKey, field: field, notes: notes))
    }

    /// Reports a note.
    public mutating func note(
        _ code: String, _ message: String, at location: SourceLocation? = nil, entryKey: String? = nil,
        field: String? = nil
    ) {
        report(Diagnostic(.note, code: code, message: message, location: location, entryKey: entryKey, field: field))
    }

    /// Appends another collection.
    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    /// True when at least one error was reported.
    public var hasErrors: Bool { all.contains { $0.severity == .error } }

    /// The number of diagnostics of a severity.
    public func count(_ severity: Diagnostic.Severity) -> Int { all.filter { $0.severity == severity }.count }
}
