/// Errors that stop a bibkit operation before or instead of producing output.
public enum BibKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A format name nobody registered.
    case unknownFormat(String, valid: [String])
    /// A format that exists but cannot be read (or written).
    case unsupported(FormatID, FormatRegistry.Capability, valid: [String])
    /// The input's format could not be detected.
    case undetectableFormat(source: String, valid: [String])
    /// A file could not be read.
    case cannotRead(path: String, reason: String)
    /// The output could not be written.
    case cannotWrite(path: String, reason: String)
    /// The output format could not be told from the output path.
    case unknownOutputFormat(path: String, valid: [String])
    /// Standard output was a pipe whose reader went away (`bibkit … | head`).
    case brokenPipe

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .unknownFormat(let name, let valid):
            return "unknown format '\(name)'; valid formats: \(valid.joined(separator: ", "))"
        case .unsupported(let id, let cap, let valid):
            return "format '\(id)' cannot be \(cap == .read ? "read" : "written") yet; formats that can: \(valid.joined(separator: ", "))"
        case .undetectableFormat(let source, let valid):
            return "cannot tell the format of '\(source)' from its name or content; use --from (one of: \(valid.joined(separator: ", ")))"
        case .cannotRead(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason); nothing was written"
        case .brokenPipe:
            return "cannot write to standard output: the reading end of the pipe was closed"
        case .unknownOutputFormat(let path, let valid):
            return "cannot tell the output format from '\(path)'; use --to (one of: \(valid.joined(separator: ", ")))"
        }
    }
}
