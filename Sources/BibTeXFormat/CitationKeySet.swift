/// A set of citation keys compared as BibTeX compares them, ignoring ASCII case, and
/// otherwise as Swift compares strings (canonical equivalence): what a `Set<String>` of
/// ``BibTeXKeys/folded(_:)`` keys holds, for the key tables that grow with the file (the
/// duplicate-key check, the streaming reader's first pass, the writer's ``KeyRegistry``).
///
/// A `Set<String>` of 100 000 keys hashes every key again (SipHash) at each resize and keeps
/// the long ones as 100 000 small heap blocks among the short-lived ones. Here the keys'
/// bytes go one after another into one growing array and an open-addressing table holds,
/// for each, its hash and its index: a cheap hash of the bytes, folded to lower case on the
/// fly, so a key given as bytes is looked up without making a `String`, and growing the
/// table never hashes a key again. Each key keeps its first spelling (``spelling(at:)``).
///
/// Keys whose bytes are all ASCII are compared byte by byte (folded), which is what string
/// equality is for them. A key with any other byte is compared as a `String` in a
/// dictionary, except where string equality makes it equal to an ASCII key: three
/// characters are canonically equivalent to an ASCII one (U+037E GREEK QUESTION MARK to
/// `;`, U+1FEF GREEK VARIA to `` ` ``, U+212A KELVIN SIGN to `K`), and a key made of those
/// and ASCII bytes is filed under its ASCII form.
struct CitationKeySet {
    /// Every key's bytes, one after another: the first spelling, or the ASCII form it is
    /// filed under (then its spelling is in `respelled`).
    private var bytes: [UInt8] = []
    /// Where each key's bytes end (key `i` starts where key `i - 1` ends).
    private var ends: [Int] = []
    /// Open addressing with linear probing over a power-of-two table, at most half full: 0 is
    /// an empty slot, else the key's hash (high 32 bits) and its index + 1 (low 32 bits).
    private var slots: [UInt64] = []
    /// How many keys are in `slots`.
    private var filed = 0
    /// Keys not in `slots` (with a byte that is not ASCII, or met after `limit`), by their
    /// folded form: string equality, as `Set<String>` compares them.
    private var others: [String: Int] = [:]
    /// The first spelling of keys filed under their ASCII form.
    private var respelled: [Int: String] = [:]
    /// How many keys may go in `slots` (their index must fit in 32 bits); the others go to
    /// `others`. Lower only in tests.
    private let limit: Int
    /// The bits of the hash kept (all but in tests, which make keys collide).
    private let hashMask: UInt32

    /// An empty set (no allocation until the first key).
    init() {
        limit = Int(UInt32.max) - 1
        hashMask = .max
    }

    /// For tests: an empty set that files at most `limit` keys in its table (the keys after
    /// those take the path of keys that are not ASCII) and keeps only the bits `hashMask` of
    /// the hash (so that many keys have the same).
    init(limit: Int, hashMask: UInt32 = .max) {
        self.limit = max(0, min(limit, Int(UInt32.max) - 1))
        self.hashMask = hashMask
    }

    /// How many keys are in the set.
    var count: Int { ends.count }

    /// True when the set has no key.
    var isEmpty: Bool { ends.isEmpty }

    /// The first spelling of the key with this index (indices count from 0 in the order the
    /// keys were inserted).
    func spelling(at index: Int) -> String {
        if !respelled.isEmpty, let spelled = respelled[index] { return spelled }
        guard index >= 0 && index < ends.count else { return "" }
        let start = index == 0 ? 0 : ends[index - 1]
        return String(decoding: bytes[start..<ends[index]], as: UTF8.self)
    }

    /// Every key's first spelling, in the order they were inserted.
    var spellings: [String] { ends.indices.map(spelling(at:)) }

    /// Inserts `key` unless an equal key is in the set: `inserted` says which, `index` is the
    /// index of the key in the set (the earlier one when not inserted).
    @discardableResult
    mutating func insert(_ key: String) -> (inserted: Bool, index: Int) {
        if let done = key.utf8.withContiguousStorageIfAvailable({ insert($0) { key } }) { return done }
        return Array(key.utf8).withUnsafeBufferPointer { insert($0) { key } }
    }

    /// Inserts the key whose UTF-8 bytes are `buf`; `string` gives it as a `String` when it
    /// is needed (a byte is not ASCII), which lets the caller decide how such bytes decode.
    @discardableResult
    mutating func insert(_ buf: UnsafeBufferPointer<UInt8>, string: () -> String) -> (inserted: Bool, index: Int) {
        let (hash, ascii) = hash(buf)
        guard ascii else { return insertOther(string()) }
        if let found = find(buf, hash: hash) { return (false, found) }
        if filed >= limit {
            let folded = BibTeXKeys.folded(String(decoding: buf, as: UTF8.self))
            if let found = others[folded] { return (false, found) }
            let index = append(buf)
            others[folded] = index
            return (true, index)
        }
        let index = append(buf)
        file(hash: hash, index: index)
        return (true, index)
    }

    /// True when a key equal to `key` is in the set.
    func contains(_ key: String) -> Bool {
        if let found = key.utf8.withContiguousStorageIfAvailable({ contains($0) { key } }) { return found }
        return Array(key.utf8).withUnsafeBufferPointer { contains($0) { key } }
    }

    /// True when a key equal to the one whose UTF-8 bytes are `buf` is in the set (`string`
    /// as for ``insert(_:string:)``).
    func contains(_ buf: UnsafeBufferPointer<UInt8>, string: () -> String) -> Bool {
        let (hash, ascii) = hash(buf)
        guard ascii else { return findOther(BibTeXKeys.folded(string())) != nil }
        if find(buf, hash: hash) != nil { return true }
        return filed >= limit && others[BibTeXKeys.folded(String(decoding: buf, as: UTF8.self))] != nil
    }

    // MARK: Keys that are not ASCII

    /// A key with a byte that is not ASCII.
    private mutating func insertOther(_ key: String) -> (inserted: Bool, index: Int) {
        let folded = BibTeXKeys.folded(key)
        if let found = findOther(folded) { return (false, found) }
        if let ascii = Self.asciiForm(folded), filed < limit {
            // Equal to ASCII keys: filed with them, under the ASCII form.
            let index = ascii.withUnsafeBufferPointer { buf in
                let index = append(buf)
                file(hash: hash(buf).hash, index: index)
                return index
            }
            respelled[index] = key
            return (true, index)
        }
        var spelling = key
        let index = spelling.withUTF8 { append($0) }
        others[folded] = index
        return (true, index)
    }

    /// The index of the key equal to `folded` (a folded key that is not ASCII), if any.
    private func findOther(_ folded: String) -> Int? {
        if let ascii = Self.asciiForm(folded),
            let found = ascii.withUnsafeBufferPointer({ find($0, hash: hash($0).hash) })
        {
            return found
        }
        return others.isEmpty ? nil : others[folded]
    }

    /// The ASCII string canonically equivalent to `folded`, when there is one that an ASCII
    /// key folds to (no capital letter: a folded ASCII key has none); nil otherwise.
    static func asciiForm(_ folded: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(folded.utf8.count)
        for scalar in folded.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: out.append(UInt8(scalar.value))
            case 0x037E: out.append(UInt8(ascii: ";"))
            case 0x1FEF: out.append(UInt8(ascii: "`"))
            default: return nil  // U+212A KELVIN SIGN is a capital K: no folded ASCII key equals it
            }
        }
        return out.contains(where: { $0 &- 0x41 < 26 }) ? nil : out
    }

    // MARK: The table

    /// Appends a key's bytes; returns its index.
    private mutating func append(_ buf: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.append(contentsOf: buf)
        ends.append(bytes.count)
        return ends.count - 1
    }

    /// The index of the ASCII key equal to `buf` (ignoring case), if it is in `slots`.
    private func find(_ buf: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        guard !slots.isEmpty else { return nil }
        return slots.withUnsafeBufferPointer { table -> Int? in
            let mask = table.count - 1
            var i = Int(hash) & mask
            while true {
                let slot = table[i]
                if slot == 0 { return nil }
                if UInt32(truncatingIfNeeded: slot >> 32) == hash {
                    let index = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                    if equal(index, buf) { return index }
                }
                i = (i + 1) & mask
            }
        }
    }

    /// True when key `index` is `buf`, ignoring ASCII case.
    private func equal(_ index: Int, _ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index >= 0 && index < ends.count else { return false }
        let start = index == 0 ? 0 : ends[index - 1]
        guard ends[index] - start == buf.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            for k in 0..<buf.count {
                let a = all[start + k]
                let b = buf[k]
                if a != b && (a | 0x20 != b | 0x20 || (a | 0x20) &- 0x61 >= 26) { return false }
            }
            return true
        }
    }

    /// Puts key `index` with this hash in the table, growing it first when it would be more
    /// than half full (the stored hashes place the keys again).
    private mutating func file(hash: UInt32, index: Int) {
        if (filed + 1) * 2 > slots.count {
            let old = slots
            slots = [UInt64](repeating: 0, count: max(16, old.count * 2))
            for slot in old where slot != 0 { place(slot) }
        }
        place(UInt64(hash) << 32 | UInt64(index + 1))
        filed += 1
    }

    /// Puts a slot in the first free place from its hash on.
    private mutating func place(_ slot: UInt64) {
        slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            var i = Int(truncatingIfNeeded: slot >> 32) & mask
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = slot
        }
    }

    // MARK: Hashing

    /// ``hash(_:)`` with the bits of `hashMask`.
    private func hash(_ buf: UnsafeBufferPointer<UInt8>) -> (hash: UInt32, ascii: Bool) {
        let (hash, ascii) = Self.hash(buf)
        return (hash & hashMask, ascii)
    }

    /// A seed for the hash, chosen once per process: which keys collide cannot be foreseen.
    private static let seed = UInt64.random(in: .min ... .max)

    /// The hash of the bytes folded to ASCII lower case (32 bits, the part the table keeps),
    /// and whether every byte is ASCII (when not, the hash is of no use).
    static func hash(_ buf: UnsafeBufferPointer<UInt8>) -> (hash: UInt32, ascii: Bool) {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        /// Eight ASCII bytes with their capitals lowered: a byte is a capital when adding
        /// 0x3F carries it to 0x80 and adding 0x25 does not (no byte carries into the next).
        @inline(__always) func folded(_ w: UInt64) -> UInt64 {
            let atLeastA = w &+ 0x3F3F_3F3F_3F3F_3F3F
            let pastZ = w &+ 0x2525_2525_2525_2525
            return w | ((atLeastA & ~pastZ & highBits) >> 2)
        }
        @inline(__always) func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let p = a.multipliedFullWidth(by: b)
            return p.high ^ p.low
        }
        var h = seed ^ UInt64(buf.count)
        var high: UInt64 = 0
        var i = 0
        let n = buf.count
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                high |= w
                h = mix(folded(w) ^ 0xA076_1D64_78BD_642F, h ^ 0xE703_7ED1_A0B4_28DB)
                i += 8
            }
            if i < n {
                var w: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    w |= UInt64(base[i]) << shift
                    shift += 8
                    i += 1
                }
                high |= w
                h = mix(folded(w) ^ 0xA076_1D64_78BD_642F, h ^ 0xE703_7ED1_A0B4_28DB)
            }
        }
        h = mix(h ^ 0x8EBC_6AF0_9C88_C6E3, 0x5899_65CC_7537_4CC3 ^ UInt64(n))
        return (UInt32(truncatingIfNeeded: h >> 32), high & highBits == 0)
    }
}
