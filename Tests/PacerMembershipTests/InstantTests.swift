// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import Testing

@Suite("Instant")
struct InstantTests {
    @Test("adding and subtracting durations moves by whole nanoseconds")
    func arithmetic() {
        let start = Instant(nanoseconds: 1_000)
        let later = start + .milliseconds(300)
        #expect(later.nanoseconds == 300_001_000)
        #expect(later - start == .milliseconds(300))
        #expect(start - later == .milliseconds(-300))
        #expect(later - .milliseconds(300) == start)
        var moving = Instant.zero
        moving += .seconds(2)
        #expect(moving == Instant(nanoseconds: 2_000_000_000))
    }

    @Test("instants order by time and describe themselves in seconds")
    func orderAndDescription() {
        #expect(Instant.zero < Instant(nanoseconds: 1))
        #expect([Instant(nanoseconds: 5), .zero, Instant(nanoseconds: 3)].sorted() == [.zero, Instant(nanoseconds: 3), Instant(nanoseconds: 5)])
        #expect((Instant.zero + .milliseconds(2007)).description == "t=2.007s")
        #expect((Instant.zero + .milliseconds(300)).description == "t=300ms")
    }
}
