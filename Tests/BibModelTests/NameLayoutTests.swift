import Testing

@testable import BibModel

/// ``PersonName`` keeps its four rarer parts behind one shared reference (nil for most
/// names), and a whole library's name lists give back unused room
/// (``NameList/releaseUnusedCapacity()``): what a name or list holds, how it compares and
/// hashes, must be what the six parts say, however the value was built or changed.
@Suite struct NameLayoutTests {
    static let parts: [String?] = [nil, "", "van", "d'", "Jr.", "WHO"]

    /// Every combination of the four rarer parts over a few values (with family and given).
    static func names() -> [PersonName] {
        var out: [PersonName] = []
        for a in parts {
            for b in parts {
                for c in parts.prefix(3) {
                    for d in parts.prefix(3) {
                        out.append(
                            PersonName(
                                family: "Doe", given: "Jane", droppingParticle: a, nonDroppingParticle: b, suffix: c,
                                literal: d))
                    }
                }
            }
        }
        return out
    }

    @Test func partsReadBackAsGiven() {
        let name = PersonName(
            family: "Beethoven", given: "Ludwig", droppingParticle: "x", nonDroppingParticle: "van", suffix: "II",
            literal: "L")
        #expect(name.family == "Beethoven" && name.given == "Ludwig")
        #expect(name.droppingParticle == "x" && name.nonDroppingParticle == "van")
        #expect(name.suffix == "II" && name.literal == "L")
        let plain = PersonName(family: "Doe")
        #expect(plain.droppingParticle == nil && plain.nonDroppingParticle == nil && plain.suffix == nil)
        #expect(plain.literal == nil && !plain.isLiteral)
        #expect(PersonName.literal("WHO").isLiteral)
    }

    /// A name built part by part (setting, changing and clearing parts) equals the name made
    /// with the same parts at once, and hashes the same; a copy is unchanged by changes to
    /// the original.
    @Test func settingPartsEqualsMakingThem() {
        for target in Self.names() {
            var built = PersonName(family: "Doe", given: "Jane", droppingParticle: "zz", suffix: "zz", literal: "zz")
            let before = built
            built.nonDroppingParticle = "zz"
            built.droppingParticle = target.droppingParticle
            built.nonDroppingParticle = target.nonDroppingParticle
            built.suffix = target.suffix
            built.literal = target.literal
            #expect(built == target)
            #expect(built.hashValue == target.hashValue)
            #expect(before == PersonName(family: "Doe", given: "Jane", droppingParticle: "zz", suffix: "zz", literal: "zz"))
        }
        var cleared = PersonName(family: "Doe", droppingParticle: "van", nonDroppingParticle: "de", suffix: "Jr.", literal: "L")
        cleared.droppingParticle = nil
        cleared.nonDroppingParticle = nil
        cleared.suffix = nil
        cleared.literal = nil
        #expect(cleared == PersonName(family: "Doe"))
    }

    /// Equality is by the six parts: of all combinations, each equals only itself, and a
    /// set keeps each once.
    @Test func equalityAndHashingAreByParts() {
        let all = Self.names()
        for (i, a) in all.enumerated() {
            for (j, b) in all.enumerated() {
                let same =
                    a.droppingParticle == b.droppingParticle && a.nonDroppingParticle == b.nonDroppingParticle
                    && a.suffix == b.suffix && a.literal == b.literal
                #expect((a == b) == same && (i == j) == same, "\(i) \(j)")
            }
        }
        #expect(Set(all + all).count == all.count)
        #expect(PersonName(family: "A") != PersonName(family: "B"))
        #expect(PersonName(given: "A") != PersonName(family: "A"))
    }

    @Test func releasingUnusedCapacityKeepsTheNames() {
        for count in 0..<10 {
            var list = NameList([], truncated: count % 2 == 1)
            list.names.reserveCapacity(16)
            for i in 0..<count { list.names.append(PersonName(family: "F\(i)", given: "G", suffix: i % 3 == 0 ? "Jr." : nil)) }
            let before = list
            list.releaseUnusedCapacity()
            #expect(list == before)
            #expect(list.names.capacity < 16 || count >= 16)
            var entry = Entry(type: EntryType(.article))
            entry.contributors[.author] = before
            entry.container = Level(contributors: [.editor: before])
            entry.series = Level(contributors: [.collectionEditor: before])
            let copy = entry
            entry.releaseUnusedCapacity()
            #expect(entry == copy)
            #expect(entry.container == copy.container && entry.series == copy.series)
        }
    }
}
