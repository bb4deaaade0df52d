import CLibXML2

/// The only module that touches libxml2 (arrives with the JATS issue).
public enum BibXML {
    /// The libxml2 version in use.
    public static var libxmlVersion: String { String(cString: xmlParserVersion) }
}
