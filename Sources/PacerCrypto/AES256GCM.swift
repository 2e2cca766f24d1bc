// SPDX-License-Identifier: GPL-2.0-or-later
import COpenSSL

/// AES-256-GCM from OpenSSL's libcrypto, for the peer channel's frames: a 32-byte key, a
/// 12-byte nonce, additional authenticated data and a 16-byte tag.
package enum AES256GCM {
    package static let tagSize = 16

    /// The ciphertext of `plaintext` followed by its tag; nil when OpenSSL fails.
    package static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: plaintext.count + tagSize)
        let ok = out.withUnsafeMutableBufferPointer { buffer in
            pacer_aes256gcm_seal(key, nonce, aad, aad.count, plaintext, plaintext.count,
                                 buffer.baseAddress!, buffer.baseAddress! + plaintext.count)
        }
        return ok == 1 ? out : nil
    }

    /// The plaintext of `sealed` (ciphertext, then tag) when its tag verifies; nil otherwise.
    package static func open(_ sealed: ArraySlice<UInt8>, key: [UInt8], nonce: [UInt8], aad: [UInt8]) -> [UInt8]? {
        guard sealed.count >= tagSize else { return nil }
        let length = sealed.count - tagSize
        var payload = [UInt8](repeating: 0, count: length)
        let ok = sealed.withUnsafeBufferPointer { input in
            payload.withUnsafeMutableBufferPointer { out in
                pacer_aes256gcm_open(key, nonce, aad, aad.count, input.baseAddress!, length, input.baseAddress! + length, out.baseAddress)
            }
        }
        return ok == 1 ? payload : nil
    }
}
