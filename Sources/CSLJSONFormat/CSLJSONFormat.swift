import BibModel

/// CSL-JSON: the format plug-in (reader and writer arrive with their issue).
public enum CSLJSONFormat {}
