/// A value that either parsed into its typed form or is kept verbatim because it did not.
///
/// Readers never drop a value they cannot interpret: `volume = {IV-1/W1}` survives as
/// `.raw("IV-1/W1")` and a writer can still emit it.
public enum Parsed<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The value parsed into its typed form.
    case typed(Value)
    /// The value as it appeared in the source, because it did not parse.
    case raw(String)

    /// The typed value, or `nil` when the value was kept raw.
    public var typed: Value? {
        if case .typed(let value) = self { return value }
        return nil
    }

    /// The raw text, or `nil` when the value parsed.
    public var raw: String? {
        if case .raw(let text) = self { return text }
        return nil
    }
}
