// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerCrypto
import PacerHeartbeat
import Testing
import PacerTestKit

@Suite("authentication")
struct AuthTests {
    func scratch() throws -> String { try Tool.scratchDirectory("auth") }

    @Test("keygen writes 256 random bytes with mode 0600 and refuses to overwrite")
    func keygen() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/authkey"
        try AuthKey.generate(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 256)
        #expect(throws: AuthKeyError.exists(path: path)) { try AuthKey.generate(path: path) }
        _ = try AuthKey.load(path: path)
        let other = "\(dir)/other"
        try AuthKey.generate(path: other)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != Data(contentsOf: URL(fileURLWithPath: other)))
    }

    @Test("a key readable by others is refused, naming the file and mode")
    func worldReadable() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/authkey"
        try AuthKey.generate(path: path)
        chmod(path, 0o644)
        #expect(throws: AuthKeyError.tooOpen(path: path, mode: 0o644)) { try AuthKey.load(path: path) }
        #expect(throws: AuthKeyError.missing(path: "\(dir)/nope")) { try AuthKey.load(path: "\(dir)/nope") }
    }

    @Test("a key owned by another user is refused, naming the file and owner")
    func foreignOwner() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/authkey"
        try AuthKey.generate(path: path)
        #expect(chown(path, 65534, 65534) == 0)
        #expect(throws: AuthKeyError.wrongOwner(path: path, uid: 65534)) { try AuthKey.load(path: path) }
        #expect(AuthKeyError.wrongOwner(path: path, uid: 65534).description.contains("\(path) is owned by uid 65534"))
    }

    @Test("a FIFO, a directory or a symlink as the key is refused at once")
    func notARegularFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = "\(dir)/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let outcome = withTimeout(seconds: 5, unblocking: fifo) { () -> AuthKeyError? in
            do { _ = try AuthKey.load(path: fifo); return nil } catch { return error as? AuthKeyError }
        }
        #expect(outcome == .some(.notRegularFile(path: fifo, kind: "a FIFO")))
        #expect(throws: AuthKeyError.notRegularFile(path: dir, kind: "a directory")) { try AuthKey.load(path: dir) }
        let real = "\(dir)/real", link = "\(dir)/link"
        try AuthKey.generate(path: real)
        #expect(symlink(real, link) == 0)
        #expect(throws: AuthKeyError.notRegularFile(path: link, kind: "a symbolic link")) { try AuthKey.load(path: link) }
    }

    @Test("keygen --force never writes through a symlink")
    func keygenForceSymlink() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = "\(dir)/victim", link = "\(dir)/authkey"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, link) == 0)
        #expect(throws: AuthKeyError.notRegularFile(path: link, kind: "a symbolic link")) { try AuthKey.generate(path: link, force: true) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
    }

    @Test("sealed packets open with the same key only; tampering and truncation are rejected")
    func sealAndOpen() throws {
        let key = try AuthKey(bytes: Array(repeating: 7, count: 32))
        let wrong = try AuthKey(bytes: Array(repeating: 8, count: 32))
        let sealer = PacketSealer(key: key)
        let packet = sealer.seal(Array("hello".utf8))
        #expect(Array(try sealer.open(packet)) == Array("hello".utf8))
        #expect(throws: PacketSealer.Rejection.badTag) { try PacketSealer(key: wrong).open(packet) }
        var flipped = packet
        flipped[7] ^= 1
        #expect(throws: PacketSealer.Rejection.badTag) { try sealer.open(flipped) }
        #expect(throws: PacketSealer.Rejection.truncated(bytes: 10)) { try sealer.open(Array(packet.prefix(10))) }
        #expect(throws: PacketSealer.Rejection.lengthMismatch) { try sealer.open(packet + [0]) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let garbage = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: PacketSealer.Rejection.self) { try sealer.open(garbage) }
        }
    }
}

@Suite("cluster bundle")
struct ClusterBundleTests {
    @Test("a bundle round-trips; a cut, altered or foreign line is refused")
    func roundTrip() throws {
        let key = try AuthKey(bytes: (0..<256).map { UInt8($0) })
        let conf = "[cluster]\nname = ü pair\n"
        let line = ClusterBundle(configuration: conf, key: key).encoded
        let back = try ClusterBundle(decoding: line + "\n")
        #expect(back.configuration == conf)
        #expect(back.encoded == line)
        #expect(throws: ClusterBundle.Invalid.self) { try ClusterBundle(decoding: String(line.dropLast(4))) }
        var fields = line.split(separator: " ").map(String.init)
        fields[1] = String(fields[1].reversed())
        #expect(throws: ClusterBundle.Invalid.self) { try ClusterBundle(decoding: fields.joined(separator: " ")) }
        #expect(throws: ClusterBundle.Invalid.self) { try ClusterBundle(decoding: "hello world") }
        let other = ClusterBundle(configuration: conf, key: try AuthKey(bytes: Array(repeating: 9, count: 32))).encoded.split(separator: " ")
        var mixed = line.split(separator: " ")
        mixed[3] = other[3]
        #expect(throws: ClusterBundle.Invalid.self) { try ClusterBundle(decoding: mixed.joined(separator: " ")) }
    }
}
