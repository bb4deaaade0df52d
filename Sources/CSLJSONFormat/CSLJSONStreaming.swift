import BibModel

extension CSLJSONWriter.Stream: StreamingWriter {
    /// Closes the array and reports the collection metadata CSL-JSON has no place for.
    public mutating func finish(metadata: CollectionMetadata, diagnostics: inout Diagnostics) {
        finish()
        CSLJSONWriter.report(metadata, entryComments: entryComments, &diagnostics)
    }
}
