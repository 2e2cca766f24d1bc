// SPDX-License-Identifier: GPL-2.0-or-later
import COpenSSL

/// HMAC-SHA256, randomness and constant-time comparison from OpenSSL's libcrypto.
///
/// Why not swift-crypto: on Linux it imports Foundation, which alone adds about 8 MB of
/// resident memory to pacerd (against an idle target of 20 MB for the whole daemon);
/// libcrypto is as well kept and is already on every Debian system.
package enum HMACSHA256 {
    package static let size = 32

    package static func tag<C: Collection<UInt8>>(_ data: C, key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        let ok = key.withUnsafeBufferPointer { keyBuffer in
            data.withContiguousStorageIfAvailable { dataBuffer in
                pacer_hmac_sha256(keyBuffer.baseAddress, keyBuffer.count, dataBuffer.baseAddress, dataBuffer.count, &out)
            } ?? Array(data).withUnsafeBufferPointer { dataBuffer in
                pacer_hmac_sha256(keyBuffer.baseAddress, keyBuffer.count, dataBuffer.baseAddress, dataBuffer.count, &out)
            }
        }
        precondition(ok == 1, "OpenSSL HMAC-SHA256 failed")
        return out
    }

    /// A key prepared once for many messages.
    package struct PreparedKey: Sendable {
        let state: pacer_hmac_key
        package init(_ key: [UInt8]) {
            var state = pacer_hmac_key()
            key.withUnsafeBufferPointer { pacer_hmac_key_init(&state, $0.baseAddress, $0.count) }
            self.state = state
        }
    }

    package static func tag(_ data: ArraySlice<UInt8>, key: PreparedKey) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        withUnsafePointer(to: key.state) { state in
            data.withUnsafeBufferPointer { pacer_hmac_sha256_keyed(state, $0.baseAddress, $0.count, &out) }
        }
        return out
    }

    /// Whether `tag` authenticates `data`, compared in constant time.
    package static func verify(_ tag: ArraySlice<UInt8>, for data: ArraySlice<UInt8>, key: PreparedKey) -> Bool {
        let expected = self.tag(data, key: key)
        guard tag.count == expected.count else { return false }
        return tag.withUnsafeBufferPointer { pacer_memcmp_const($0.baseAddress, expected, expected.count) } == 0
    }

    /// Whether `tag` authenticates `data`, compared in constant time.
    package static func verify<C: Collection<UInt8>, T: Collection<UInt8>>(_ tag: T, for data: C, key: [UInt8]) -> Bool {
        let expected = self.tag(data, key: key)
        let given = Array(tag)
        guard given.count == expected.count else { return false }
        return pacer_memcmp_const(given, expected, expected.count) == 0
    }

    package static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        precondition(pacer_random_bytes(&bytes, Int32(count)) == 1, "OpenSSL could not produce random bytes")
        return bytes
    }

    /// Whether `a` and `b` are equal, in time that does not depend on where they differ.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && pacer_memcmp_const(a, b, a.count) == 0
    }
}
