import BibModel
import BibXML

/// JATS XML reference lists: the format plug-in (arrives with its issue).
public enum JATSFormat {}
