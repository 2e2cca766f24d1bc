// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerCrypto
import Testing

/// The prepared-key HMAC-SHA256 of the heartbeat path against RFC 4231's vectors and OpenSSL's one-shot HMAC.
@Suite("HMAC-SHA256 with a prepared key")
struct HMACTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("RFC 4231 test cases 1, 2 and 6 (short key, text key, key longer than a block)", arguments: [
        ([UInt8](repeating: 0x0b, count: 20), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func rfc4231(key: [UInt8], data: String, expected: String) {
        let prepared = HMACSHA256.PreparedKey(key)
        #expect(Self.hex(HMACSHA256.tag(Array(data.utf8)[...], key: prepared)) == expected)
        #expect(Self.hex(HMACSHA256.tag(Array(data.utf8), key: key)) == expected)
    }

    @Test("equals OpenSSL's one-shot HMAC for keys and messages of every size around the block")
    func matchesOneShot() {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [0, 1, 32, 63, 64, 65, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prepared = HMACSHA256.PreparedKey(key)
            for dataLength in [0, 1, 55, 56, 64, 300] {
                let data = (0..<dataLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let tag = HMACSHA256.tag(data[...], key: prepared)
                #expect(tag == HMACSHA256.tag(data, key: key), "key \(keyLength) bytes, data \(dataLength) bytes")
                #expect(HMACSHA256.verify(tag[...], for: data[...], key: prepared))
                var forged = tag
                forged[0] ^= 1
                #expect(!HMACSHA256.verify(forged[...], for: data[...], key: prepared))
            }
        }
    }
}
