// SPDX-License-Identifier: GPL-2.0-or-later
import PacerTestKit
import PacerWire
import Testing

/// Decoding is total: random and mutated frames give a message or a `WireError`, never a
/// crash, and whatever decodes encodes back to a frame that decodes to the same message.
@Suite("wire fuzz")
struct WireFuzzTests {
    static let valid: [[UInt8]] = WireMessageTests.peerMessages.map(\.encoded)
        + WireMessageTests.requests.map(\.encoded) + WireMessageTests.replies.map(\.encoded)

    /// Decodes `bytes` as each kind of message; checks that a decoded message is stable.
    static func decodeAll(_ bytes: [UInt8], seed: UInt64) {
        if let message = try? PeerMessage(decoding: bytes) {
            #expect((try? PeerMessage(decoding: message.encoded)) == message, "seed \(seed)")
        }
        if let request = try? DaemonRequest(decoding: bytes) {
            #expect((try? DaemonRequest(decoding: request.encoded)) == request, "seed \(seed)")
        }
        if let reply = try? DaemonReply(decoding: bytes) {
            #expect((try? DaemonReply(decoding: reply.encoded)) == reply, "seed \(seed)")
        }
    }

    @Test("random byte strings", arguments: [1, 2, 3] as [UInt64])
    func random(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...64, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of them look like a frame of this version, so the decoders get past the first byte.
            if generator.chance(0.5), !bytes.isEmpty { bytes[0] = WireFrame.version }
            Self.decodeAll(bytes, seed: seed)
        }
    }

    @Test("valid frames with bytes changed, cut, repeated or inserted", arguments: [11, 12, 13] as [UInt64])
    func mutated(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<3000 {
            var bytes = Self.valid.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.removeSubrange(at...)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
                default: bytes += bytes[at...].prefix(8)
                }
            }
            Self.decodeAll(bytes, seed: seed)
        }
    }

    @Test("field lists shuffled between kinds", arguments: [21] as [UInt64])
    func shuffledFields(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let lists = WireMessageTests.peerMessages.map(\.fields) + WireMessageTests.requests.map(\.fields)
            + WireMessageTests.replies.map(\.fields)
        let kinds = Set(lists.compactMap(\.first))
        for _ in 0..<2000 {
            var fields = lists.randomElement(using: &generator)!
            if generator.chance(0.5) { fields[0] = kinds.randomElement(using: &generator)! }
            if generator.chance(0.3), fields.count > 1 { fields.remove(at: Int.random(in: 1..<fields.count, using: &generator)) }
            if generator.chance(0.3) { fields.append(String(Int.random(in: -2...3, using: &generator))) }
            Self.decodeAll(WireFrame.encode(fields), seed: seed)
        }
    }
}
