// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import PacerTestKit
import Testing

@Suite("Heartbeat wire codec")
struct HeartbeatCodecTests {
    static let sample = Heartbeat(
        sender: "bravo", cluster: "web", incarnation: 0x0102_0304_0506_0708, sequence: 42, link: 1,
        echoedIncarnation: 0x1112_1314_1516_1718, seesRecipientAsMember: true, hasQuorum: false, isLeaving: true)

    @Test("round-trips every field and flag combination")
    func roundTrip() throws {
        for flags in 0..<16 {
            var heartbeat = Self.sample
            heartbeat.seesRecipientAsMember = flags & 1 != 0
            heartbeat.hasQuorum = flags & 2 != 0
            heartbeat.isLeaving = flags & 4 != 0
            heartbeat.reportsLoss = flags & 8 != 0
            #expect(try Heartbeat.decode(heartbeat.encode()) == heartbeat)
        }
        let extreme = Heartbeat(
            sender: String(repeating: "ü", count: 127) + "x", cluster: "c", incarnation: .max, sequence: .max, link: 255,
            echoedIncarnation: .max)
        #expect(try Heartbeat.decode(extreme.encode()) == extreme)
    }

    @Test("layout is magic, version 2, flags, link, big-endian incarnation, sequence and echoed incarnation, then length-prefixed names")
    func layout() {
        let bytes = Self.sample.encode()
        #expect(bytes.count == 29 + 1 + 5 + 1 + 3)
        #expect(Array(bytes[0..<5]) == [0x50, 0x48, 2, 0b101, 1])
        #expect(Array(bytes[5..<13]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(Array(bytes[13..<21]) == [0, 0, 0, 0, 0, 0, 0, 42])
        #expect(Array(bytes[21..<29]) == [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18])
        #expect(bytes[29] == 5 && bytes[35] == 3)
        #expect(Heartbeat(sender: "a", cluster: "c", incarnation: 1, sequence: 1, link: 0).encode().count == Heartbeat.minimumEncodedSize)
    }

    @Test("a version 1 packet (an older release, without the echoed incarnation) is refused, naming both versions")
    func olderVersionRefused() {
        var bytes = Self.sample.encode()
        bytes[2] = 1
        bytes.removeSubrange(21..<29)  // version 1 had no echoed incarnation
        #expect(throws: MembershipError.unsupportedVersion(1)) { try Heartbeat.decode(bytes) }
        #expect("\(MembershipError.unsupportedVersion(1))" == "heartbeat wire version 1 is not supported (this build reads version 2): "
            + "the peer runs an older Pacer release; both nodes must run releases with the same heartbeat format")
    }

    @Test("every truncation throws 'truncated' naming the field it cut")
    func truncations() {
        let bytes = Self.sample.encode()
        for length in 0..<bytes.count {
            #expect(throws: MembershipError.self) { try Heartbeat.decode(bytes[0..<length]) }
            do {
                _ = try Heartbeat.decode(bytes[0..<length])
            } catch {
                guard case .truncated = error else {
                    Issue.record("prefix of \(length) bytes: expected truncated, got \(error)")
                    continue
                }
            }
        }
        #expect(throws: MembershipError.truncated(field: "sequence", offset: 13, needed: 8, available: 3)) {
            try Heartbeat.decode(bytes[0..<16])
        }
        #expect("\(MembershipError.truncated(field: "sequence", offset: 13, needed: 8, available: 3))"
            == "heartbeat truncated at byte 13: 'sequence' needs 8 bytes, 3 left")
    }

    @Test("garbage is rejected with the precise reason")
    func garbage() {
        var bytes = Self.sample.encode()
        #expect(throws: MembershipError.badMagic(found: [0x47, 0x45])) { try Heartbeat.decode(Array("GET / HTTP/1.1\r\n\r\n".utf8)) }
        bytes[2] = 9
        #expect(throws: MembershipError.unsupportedVersion(9)) { try Heartbeat.decode(bytes) }
        bytes = Self.sample.encode()
        bytes[3] = 0b1000_0001
        #expect(throws: MembershipError.unknownFlags(0b1000_0000)) { try Heartbeat.decode(bytes) }
        bytes = Self.sample.encode()
        bytes[30] = 0xFF
        #expect(throws: MembershipError.malformedName(field: "sender", offset: 30, reason: "is not valid UTF-8")) { try Heartbeat.decode(bytes) }
        bytes = Self.sample.encode() + [0, 0]
        #expect(throws: MembershipError.trailingBytes(offset: 39, count: 2)) { try Heartbeat.decode(bytes) }
        bytes = Self.sample.encode()
        bytes[29] = 0
        #expect(throws: MembershipError.malformedName(field: "sender", offset: 29, reason: "is empty")) { try Heartbeat.decode(bytes) }
        #expect("\(MembershipError.badMagic(found: [0x47, 0x45]))" == "not a Pacer heartbeat: starts with 0x47 0x45, expected 0x50 0x48 ('PH')")
    }

    @Test("seeded fuzz: random and mutated bytes never crash, and whatever decodes re-encodes identically",
          arguments: [1, 2, 3, 4] as [UInt64])
    func fuzz(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let valid = Self.sample.encode()
        var decoded = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int.random(in: 0...48, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                bytes = valid
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            default:
                bytes = Array(valid.prefix(Int.random(in: 0...valid.count, using: &rng)))
                bytes += (0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            do {
                let heartbeat = try Heartbeat.decode(bytes)
                decoded += 1
                #expect(heartbeat.encode() == bytes, "seed \(seed) round \(round): \(bytes) re-encodes differently")
            } catch {
                #expect(!"\(error)".isEmpty, "seed \(seed) round \(round)")
            }
        }
        #expect(decoded > 0, "seed \(seed): the mutations never produced a valid packet")
    }
}
