import Testing

@testable import BibModel

/// Key patterns cut titles into words on bytes when the title is ASCII: the words must be
/// those the cut by Characters gives.
@Suite struct CitationKeyTitleTests {
    @Test func asciiTitlesAreCutAsByCharacters() {
        let pieces = ["A", "b", "Z", "0", "9", "'", " ", "-", ":", "\r\n", "\t", "@", "[", "`", "{", "$", "\\", "O(n)", "95%", "e.g."]
        var state: UInt64 = 3
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<20_000 {
            var title = ""
            for _ in 0..<(next() % 10) { title += pieces[next() % pieces.count] }
            #expect(
                CitationKeyPattern.titlePieces(title).map(String.init)
                    == CitationKeyPattern.titlePiecesByCharacters(title).map(String.init), "\(title.debugDescription)")
        }
    }

    @Test func asciiWordsAreCutAsByCharacters() {
        let pieces = ["A", "b", "Z", "0", "9", "'", " ", "-", "\r\n", "@", "[", "`", "{", "_", "é", "e\u{301}", "ß", "中"]
        var state: UInt64 = 5
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(next() % 10) { text += pieces[next() % pieces.count] }
            #expect(
                CitationKeyGenerator.asciiAlnumWords(text).map(String.init)
                    == CitationKeyGenerator.asciiAlnumWordsByCharacters(text).map(String.init), "\(text.debugDescription)")
        }
    }

    @Test func otherTitlesAreCutByCharacters() {
        #expect(CitationKeyPattern.titlePieces("Schrödinger’s cat: 2 Lösungen").map(String.init) == ["Schrödinger’s", "cat", "2", "Lösungen"])
        #expect(CitationKeyPattern.titlePieces("Don't stop, O(n)").map(String.init) == ["Don't", "stop", "O", "n"])
    }
}
