import BibModel

/// RIS: the format plug-in (reader and writer arrive with their issue).
public enum RISFormat {}
