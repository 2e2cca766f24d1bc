// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrypto
import PacerHeartbeat
import Testing

/// The peer channel's handshake and framing driven as values, the way a hostile peer on
/// the interlink would drive them: idle, reflected, replayed, with the wrong key, with
/// garbage and with oversized frames (issue #10, findings 1 and 2).
@Suite("peer channel")
struct PeerChannelTests {
    let key = try! AuthKey(bytes: Array(repeating: 3, count: 32))
    let wrongKey = try! AuthKey(bytes: Array(repeating: 4, count: 32))

    /// Runs both handshakes to the end over an in-memory wire.
    func connect(_ alpha: inout PeerHandshake, _ bravo: inout PeerHandshake) throws -> (PeerSession, PeerSession) {
        var toAlpha = bravo.hello, toBravo = alpha.hello
        var sessionA: PeerSession?, sessionB: PeerSession?
        for _ in 0..<3 {
            let a = try alpha.advance(&toAlpha)
            toBravo += a.send
            sessionA = sessionA ?? a.session
            let b = try bravo.advance(&toBravo)
            toAlpha += b.send
            sessionB = sessionB ?? b.session
        }
        return (try #require(sessionA), try #require(sessionB))
    }

    @Test("two nodes with the same key agree; frames arrive in order, split across reads, encrypted")
    func roundTrip() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var bravo = PeerHandshake(key: key, localName: "bravo", peerName: "alpha")
        var (a, b) = try connect(&alpha, &bravo)
        let secret = Array("<cib><primitive passwd=\"hunter2\"/></cib>".utf8)
        var wire = try a.seal(secret) + a.seal(Array(repeating: 9, count: 100_000))
        #expect(!contains(wire, Array("hunter2".utf8)), "the payload crosses the wire in clear")
        var received: [[UInt8]] = []
        var buffer: [UInt8] = []
        while !wire.isEmpty {
            buffer += wire.prefix(777)
            wire.removeFirst(min(777, wire.count))
            while let payload = try b.open(from: &buffer) { received.append(payload) }
        }
        #expect(received.count == 2 && received[0] == secret && received[1].count == 100_000)
        var back = try b.seal([42])
        #expect(try a.open(from: &back) == [42])
    }

    @Test("a wrong key fails at the proof, before either side has a session")
    func wrongKeyFailsAtProof() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var intruder = PeerHandshake(key: wrongKey, localName: "bravo", peerName: "alpha")
        var toAlpha = intruder.hello
        let first = try alpha.advance(&toAlpha)
        #expect(first.session == nil)
        var toIntruder = alpha.hello
        toAlpha += try intruder.advance(&toIntruder).send
        #expect(throws: PeerHandshake.Failure.badProof) { _ = try alpha.advance(&toAlpha) }
        // And the other way round: alpha's proof does not verify under the wrong key either.
        toIntruder += first.send
        #expect(throws: PeerHandshake.Failure.badProof) { _ = try intruder.advance(&toIntruder) }
    }

    @Test("alpha's own hello sent back to it is refused (name or nonce), so are its own proofs")
    func reflection() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var mirrored = alpha.hello
        #expect(throws: PeerHandshake.Failure.unexpectedName("alpha")) { _ = try alpha.advance(&mirrored) }
        // The same nonce under the peer's name: equal nonces are refused outright.
        var alpha2 = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        let nonce = Array(alpha2.hello[4..<36])
        var forged = PeerHandshake.magic + nonce + [5] + Array("bravo".utf8)
        #expect(throws: PeerHandshake.Failure.reflected) { _ = try alpha2.advance(&forged) }
        // A fresh nonce, and alpha's own proof for it reflected as bravo's: the direction label differs.
        var alpha3 = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var hello = PeerHandshake.magic + PeerHandshake.makeNonce() + [5] + Array("bravo".utf8)
        let proof = try alpha3.advance(&hello).send
        var reflected = proof
        #expect(throws: PeerHandshake.Failure.badProof) { _ = try alpha3.advance(&reflected) }
    }

    @Test("a proof recorded on an earlier connection does not open a new one")
    func replayedHandshake() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var bravo = PeerHandshake(key: key, localName: "bravo", peerName: "alpha")
        // Record bravo's hello and proof on one connection…
        var toBravo = alpha.hello
        let recordedHello = bravo.hello
        let recordedProof = try bravo.advance(&toBravo).send
        // …and replay them to a new alpha connection (fresh nonce).
        var alphaAgain = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var replay = recordedHello + recordedProof
        #expect(throws: PeerHandshake.Failure.badProof) { _ = try alphaAgain.advance(&replay) }
        _ = alpha
    }

    @Test("garbage is refused at its first byte; a partial hello waits for more")
    func garbage() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var http = Array("GET / HTTP/1.1\r\n".utf8)
        #expect(throws: PeerHandshake.Failure.notAPeer) { _ = try alpha.advance(&http) }
        var partial = Array(PeerHandshake.magic.prefix(2))
        let progress = try PeerHandshake(key: key, localName: "alpha", peerName: "bravo").advanceCopy(&partial)
        #expect(progress.send.isEmpty && progress.session == nil)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var handshake = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
            var bytes = PeerHandshake.magic + (0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if let progress = try? handshake.advance(&bytes) { #expect(progress.session == nil) }
        }
    }

    @Test("an oversized frame is refused from its header, without waiting for its bytes; sealing one throws")
    func oversized() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var bravo = PeerHandshake(key: key, localName: "bravo", peerName: "alpha")
        var (a, b) = try connect(&alpha, &bravo)
        var header: [UInt8] = [0xff, 0xff, 0xff, 0xff]
        #expect(throws: PeerSession.FrameError.tooLarge(bytes: 0xffff_ffff)) { _ = try b.open(from: &header) }
        #expect(throws: PeerSession.FrameError.tooLarge(bytes: PeerSession.maxFrame + 1)) {
            _ = try a.seal([UInt8](repeating: 0, count: PeerSession.maxFrame + 1))
        }
    }

    @Test("replayed, reordered, altered and foreign-session frames are rejected")
    func frameRejections() throws {
        var alpha = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var bravo = PeerHandshake(key: key, localName: "bravo", peerName: "alpha")
        var (a, b) = try connect(&alpha, &bravo)
        let first = try a.seal([1]), second = try a.seal([2])
        var buffer = second
        #expect(throws: PeerSession.FrameError.badTag) { _ = try b.open(from: &buffer) }
        var b2 = b
        buffer = first
        #expect(try b2.open(from: &buffer) == [1])
        buffer = first
        #expect(throws: PeerSession.FrameError.badTag) { _ = try b2.open(from: &buffer) }
        var altered = second
        altered[5] ^= 1
        #expect(throws: PeerSession.FrameError.badTag) { _ = try b2.open(from: &altered) }
        var alpha3 = PeerHandshake(key: key, localName: "alpha", peerName: "bravo")
        var bravo3 = PeerHandshake(key: key, localName: "bravo", peerName: "alpha")
        var (_, other) = try connect(&alpha3, &bravo3)
        buffer = first
        #expect(throws: PeerSession.FrameError.badTag) { _ = try other.open(from: &buffer) }
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

extension PeerHandshake {
    /// `advance` on a copy (for a test that only looks).
    func advanceCopy(_ buffer: inout [UInt8]) throws -> Progress {
        var copy = self
        return try copy.advance(&buffer)
    }
}
