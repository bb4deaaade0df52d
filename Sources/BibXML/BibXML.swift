import CLibXML2

/// The only module that touches libxml2 (arrives with the JATS issue).
public enum BibXML {
    /// The libxml2 version number, e.g. 20914.
    public static var libxmlVersion: Int { Int(LIBXML_VERSION) }
}
