@_exported import BibModel
