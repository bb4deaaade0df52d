import Testing

@testable import BibModel

/// `TextDecoding.utf8` must accept and reject exactly what the standard library's
/// `String(validating:as:)` does, and give the same string.
@Suite struct UTF8DecodingTests {
    private func same(_ bytes: [UInt8]) -> Bool {
        let ours = bytes.withUnsafeBufferPointer { TextDecoding.utf8($0) }
        return ours == String(validating: bytes, as: UTF8.self)
    }

    @Test func agreesOnEveryOneAndTwoByteSequence() {
        var mismatches: [[UInt8]] = []
        for a in 0...255 {
            if !same([UInt8(a)]) { mismatches.append([UInt8(a)]) }
            for b in 0...255 where !same([UInt8(a), UInt8(b)]) { mismatches.append([UInt8(a), UInt8(b)]) }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5))")
    }

    @Test func agreesOnEveryThreeByteLeadAndBoundaryTails() {
        // Every lead byte 0xC0…0xFF with every second byte, then tails at the class boundaries.
        let tails: [UInt8] = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        var mismatches: [[UInt8]] = []
        for a in 0xC0...0xFF {
            for b in 0...255 {
                for c in tails {
                    let three = [UInt8(a), UInt8(b), c]
                    if !same(three) { mismatches.append(three) }
                    for d in tails where !same(three + [d]) { mismatches.append(three + [d]) }
                }
            }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5))")
    }

    @Test func agreesOnLongMixedText() {
        // ASCII runs long enough for the eight-byte path, with multi-byte and broken sequences
        // at every alignment.
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("é".utf8), Array("€".utf8), Array("𝔸".utf8),
            [0xC3], [0xE2, 0x82], [0xF0, 0x9D], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checked = 0
        for _ in 0..<4000 {
            var bytes: [UInt8] = []
            for _ in 0..<12 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let pick = Int(state >> 33) % pieces.count
                // Valid pieces far more often than broken ones.
                bytes += pick < 4 || (state >> 20) % 5 != 0 ? pieces[pick % 4] : pieces[pick]
            }
            #expect(same(bytes), "\(bytes)")
            checked += 1
        }
        #expect(checked == 4000)
        #expect(TextDecoding.utf8(UnsafeBufferPointer(start: nil, count: 0)) == "")
    }

    @Test func firstInvalidUTF8PointsAtTheBrokenSequence() {
        func first(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0) } }
        #expect(first(Array("plain ascii, then é and 𝔸".utf8)) == nil)
        #expect(first(Array("twelve bytes".utf8) + [0xE0, 0x80, 0x80]) == 12)  // overlong
        #expect(first([0x41, 0xED, 0xA0, 0x80]) == 1)  // surrogate
        #expect(first([0xC3, 0xA9, 0xC3]) == 2)  // truncated at the end
    }
}
