import BibModel
import Testing

@testable import CSLJSONFormat

/// model → CSL-JSON → model is the identity for everything the mapping promises.
@Suite struct ModelRoundTripTests {
    static func roundTrip(_ entries: [Entry], pretty: Bool = true) -> (Library, Diagnostics) {
        let (bytes, _) = Support.write(Library(entries: entries), pretty: pretty)
        return Support.read(bytes)
    }

    @Test(arguments: Samples.all)
    func richEntrySurvives(entry: Entry) {
        for pretty in [true, false] {
            let (back, diagnostics) = Self.roundTrip([entry], pretty: pretty)
            #expect(back.entries.count == 1)
            #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
            guard let got = back.entries.first else { continue }
            #expect(got == entry, "differs: \(Self.difference(entry, got))")
        }
    }

    @Test func everyWorkTypeSurvives() {
        let (back, _) = Self.roundTrip(Samples.everyType)
        #expect(back.entries == Samples.everyType)
    }

    @Test func allSamplesTogetherKeepOrderAndKeys() {
        let entries = Samples.all + Samples.everyType
        let (back, diagnostics) = Self.roundTrip(entries)
        #expect(back.entries == entries)
        #expect(diagnostics.all.filter { $0.severity != .note }.isEmpty, "\(diagnostics.all)")
    }

    @Test func unicodeAndControlCharactersSurvive() {
        var e = Entry(key: "u", type: EntryType(.book))
        e.title = RichText("Tab\there, NUL\u{0}, bell\u{7}, DEL\u{7F}, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓, “quotes”, \\ and \" and </script>")
        e.contributors[.author] = NameList([PersonName(family: "Ødegård", given: "Åse")])
        let (back, _) = Self.roundTrip([e])
        #expect(back.entries == [e])
    }

    /// A readable account of which parts differ.
    static func difference(_ a: Entry, _ b: Entry) -> String {
        var out: [String] = []
        if a.key != b.key { out.append("key \(String(describing: a.key)) vs \(String(describing: b.key))") }
        if a.type != b.type { out.append("type \(a.type) vs \(b.type)") }
        if a.title != b.title { out.append("title \(String(describing: a.title)) vs \(String(describing: b.title))") }
        if a.shortTitle != b.shortTitle { out.append("shortTitle") }
        if a.contributors != b.contributors { out.append("contributors \(a.contributors) vs \(b.contributors)") }
        if a.dates != b.dates { out.append("dates \(a.dates) vs \(b.dates)") }
        if a.container != b.container { out.append("container \(String(describing: a.container)) vs \(String(describing: b.container))") }
        if a.series != b.series { out.append("series \(String(describing: a.series)) vs \(String(describing: b.series))") }
        if a.fields != b.fields { out.append("fields \(a.fields) vs \(b.fields)") }
        if a.identifiers != b.identifiers { out.append("identifiers \(a.identifiers) vs \(b.identifiers)") }
        if a.links != b.links { out.append("links \(a.links) vs \(b.links)") }
        if a.abstract != b.abstract { out.append("abstract \(String(describing: a.abstract)) vs \(String(describing: b.abstract))") }
        if a.keywords != b.keywords { out.append("keywords \(a.keywords) vs \(b.keywords)") }
        if a.language != b.language { out.append("language") }
        if a.notes != b.notes { out.append("notes \(a.notes) vs \(b.notes)") }
        if a.extra != b.extra { out.append("extra \(a.extra) vs \(b.extra)") }
        return out.joined(separator: "; ")
    }
}
