import BibModel
import Foundation
import Testing

@testable import RISFormat

/// Linear reading (no re-scans); speed itself is measured by scripts/bench.sh, not by tests.
@Suite struct PerformanceTests {
    /// The scanner never re-scans: many tiny records cost proportionally to their number.
    @Test func manySmallRecords() {
        let one = "TY  - JOUR\r\nTI  - T\r\nAU  - Doe, J.\r\nPY  - 2020\r\nER  - \r\n"
        let text = String(repeating: one, count: 20_000)
        let (lib, d) = readRIS(text)
        #expect(lib.entries.count == 20_000)
        #expect(d.all.isEmpty)
        #expect(lib.entries.last?.origin?.start.line == 20_000 * 5 - 4)
    }
}
