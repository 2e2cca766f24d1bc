// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import PacerTestKit
import Testing

@Suite("ReplayWindow")
struct ReplayWindowTests {
    @Test("accepts increasing sequences and rejects a repeat as duplicate")
    func duplicates() {
        var window = ReplayWindow()
        #expect(window.accept(incarnation: 7, sequence: 1) == nil)
        #expect(window.accept(incarnation: 7, sequence: 2) == nil)
        #expect(window.accept(incarnation: 7, sequence: 2) == .duplicate)
        #expect(window.accept(incarnation: 7, sequence: 1) == .duplicate)
        #expect(window.rejections[.duplicate] == 2)
        #expect(window.highestSequence == 2)
    }

    @Test("accepts reordered packets within 64 once each, rejects older ones as outside the window")
    func reorderingWithinWindow() {
        var window = ReplayWindow()
        #expect(window.accept(incarnation: 1, sequence: 100) == nil)
        #expect(window.accept(incarnation: 1, sequence: 37) == nil)  // 63 behind: the oldest remembered
        #expect(window.accept(incarnation: 1, sequence: 37) == .duplicate)
        #expect(window.accept(incarnation: 1, sequence: 36) == .outsideWindow)
        #expect(window.accept(incarnation: 1, sequence: 99) == nil)
        #expect(window.accept(incarnation: 1, sequence: 500) == nil)  // a jump forgets everything before
        #expect(window.accept(incarnation: 1, sequence: 100) == .outsideWindow)
        #expect(window.rejections.description == "duplicate=1 outside replay window=2")
    }

    @Test("a higher incarnation starts afresh and an older one is rejected as stale")
    func incarnations() {
        var window = ReplayWindow()
        #expect(window.accept(incarnation: 5, sequence: 900) == nil)
        #expect(window.accept(incarnation: 6, sequence: 1) == nil)
        #expect(window.incarnation == 6)
        #expect(window.accept(incarnation: 5, sequence: 901) == .staleIncarnation)
        #expect(window.accept(incarnation: 6, sequence: 1) == .duplicate)
        #expect(window.rejections[.staleIncarnation] == 1)
        #expect(window.rejections.total == 2)
    }

    @Test("no pair is ever accepted twice under a seeded random stream", arguments: [1, 2, 3] as [UInt64])
    func neverTwice(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var window = ReplayWindow()
        var accepted: Set<UInt64> = []
        for _ in 0..<20_000 {
            let sequence = UInt64.random(in: 1...3_000, using: &rng)
            if window.accept(incarnation: 1, sequence: sequence) == nil {
                #expect(accepted.insert(sequence).inserted, "seed \(seed): sequence \(sequence) accepted twice")
            }
        }
    }
}
