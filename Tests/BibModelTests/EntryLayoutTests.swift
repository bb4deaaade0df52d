import Testing

@testable import BibModel

/// ``Entry`` keeps its series (which few entries have) behind one reference, nil for most
/// entries: reading, setting, changing in place and clearing the series, copies, equality and
/// hashing must behave as for a stored ``Level``.
@Suite struct EntryLayoutTests {
    static let series = Level(
        title: RichText("Lecture Notes in Computer Science"), shortTitle: "LNCS",
        contributors: [.editor: NameList([PersonName(family: "Goos", given: "Gerhard")])], number: "1234",
        identifiers: [Identifier(.issn, "0302-9743")])

    static func entry(series: Level?) -> Entry {
        Entry(key: "k", type: EntryType(.paperConference), title: RichText("T"), series: series)
    }

    @Test func seriesReadsBackAsGiven() {
        #expect(Self.entry(series: nil).series == nil)
        #expect(Self.entry(series: Self.series).series == Self.series)
        var e = Self.entry(series: nil)
        e.series = Self.series
        #expect(e.series == Self.series)
        e.series = nil
        #expect(e.series == nil)
        #expect(e == Self.entry(series: nil))
    }

    /// Changed in place (through optional chaining, as readers and transforms do) it is the
    /// series changed; a copy made before is not changed, nor is the original by changes to a copy.
    @Test func changesInPlaceKeepValueSemantics() {
        let original = Self.entry(series: Self.series)
        var copy = original
        copy.series?.number = "99"
        copy.series?.contributors[.editor]?.names.append(PersonName(family: "Hartmanis"))
        copy.series?.title = RichText("LNAI")
        #expect(original.series == Self.series)
        #expect(copy.series?.number == "99")
        #expect(copy.series?.title == RichText("LNAI"))
        #expect(copy.series?.contributors[.editor]?.names.count == 2)
        #expect(copy != original)

        var again = copy
        again.series?.number = "1234"
        again.series?.title = Self.series.title
        again.series?.contributors[.editor]?.names.removeLast()
        #expect(again == original && again.hashValue == original.hashValue)
        #expect(copy.series?.number == "99")

        // Optional chaining on a missing series changes nothing and makes none.
        var none = Self.entry(series: nil)
        none.series?.number = "1"
        #expect(none.series == nil)
        // `if` on a missing series with a default sets it.
        if none.series == nil { none.series = Level() }
        none.series?.number = "7"
        #expect(none.series == Level(number: "7"))
    }

    @Test func equalityAndHashingSeeTheSeries() {
        let a = Self.entry(series: Self.series)
        var b = Self.entry(series: Self.series)
        #expect(a == b && a.hashValue == b.hashValue)
        b.series?.shortTitle = "X"
        #expect(a != b)
        #expect(a != Self.entry(series: nil))
    }

    @Test func unusedRoomOfTheSeriesNamesIsGivenBack() {
        var names = NameList([PersonName(family: "A")])
        names.names.reserveCapacity(64)
        var e = Self.entry(series: Level(contributors: [.editor: names]))
        let copy = e
        e.releaseUnusedCapacity()
        #expect(e == copy)
        #expect((e.series?.contributors[.editor]?.names.capacity ?? 0) < 64)
    }

    /// The series no longer takes room in every entry of a library (72 bytes inline), nor
    /// do the comments before the entry (they share the series' reference).
    @Test func seriesIsNotInline() {
        #expect(MemoryLayout<Entry>.size < 400, "Entry is \(MemoryLayout<Entry>.size) bytes")
        var e = Self.entry(series: nil)
        let size = MemoryLayout.size(ofValue: e)
        e.precedingComments = ["a comment"]
        #expect(MemoryLayout.size(ofValue: e) == size)
    }

    /// The comments before the entry share the box with the series: each is kept when the
    /// other is set, changed in place or cleared, and both count in equality.
    @Test func commentsAndSeriesShareTheirBox() {
        let comments: [BibComment] = [BibComment("% chapter 2", form: .text), "jabref-meta: x"]
        var e = Self.entry(series: nil)
        #expect(e.precedingComments.isEmpty)
        e.precedingComments = comments
        #expect(e.precedingComments == comments && e.series == nil)
        e.series = Self.series
        #expect(e.precedingComments == comments && e.series == Self.series)
        let copy = e
        e.series?.number = "99"
        #expect(e.precedingComments == comments && e.series?.number == "99")
        #expect(copy.series == Self.series && copy.precedingComments == comments)
        e.series = nil
        #expect(e.precedingComments == comments && e.series == nil)
        #expect(e != Self.entry(series: nil))
        e.precedingComments = []
        #expect(e == Self.entry(series: nil))
        #expect(Entry(key: "k", type: EntryType(.paperConference), precedingComments: comments).precedingComments == comments)
    }
}
