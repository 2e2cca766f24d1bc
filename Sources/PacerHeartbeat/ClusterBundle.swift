// SPDX-License-Identifier: GPL-2.0-or-later
/// pacer.conf and the cluster key as one line of text, to give the second node the same
/// configuration over a channel the operator trusts (`pacer cluster export | ssh bravo
/// pacer cluster import -`): `pacer-bundle-v1 BASE64(conf) BASE64(key) BASE64(tag)`, where
/// the tag is HMAC-SHA256 under the key of the label and the configuration, so a bundle cut
/// or altered in transit is refused rather than installed.
public struct ClusterBundle: Sendable {
    public var configuration: String
    public var key: AuthKey

    public init(configuration: String, key: AuthKey) {
        self.configuration = configuration
        self.key = key
    }

    static let magic = "pacer-bundle-v1"

    public var encoded: String {
        let conf = Array(configuration.utf8)
        let tag = HMACSHA256.tag(Array(Self.magic.utf8) + [0] + conf, key: key.key)
        return [Self.magic, Base64.encode(conf), Base64.encode(key.key), Base64.encode(tag)].joined(separator: " ")
    }

    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(decoding text: String) throws(Invalid) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).map(String.init)
        guard fields.count == 4, fields[0] == Self.magic else {
            throw Invalid(description: "not a Pacer cluster bundle (it starts with '\(Self.magic)' and has four fields; made by pacer cluster export)")
        }
        guard let conf = Base64.decode(fields[1]), let keyBytes = Base64.decode(fields[2]), let tag = Base64.decode(fields[3]),
              let text = String(validating: conf, as: UTF8.self) else {
            throw Invalid(description: "the bundle is damaged (not base64, or the configuration is not UTF-8)")
        }
        let key: AuthKey
        do { key = try AuthKey(bytes: keyBytes) } catch { throw Invalid(description: "the bundle's key is too short (\(keyBytes.count) bytes)") }
        guard HMACSHA256.verify(tag, for: Array(Self.magic.utf8) + [0] + conf, key: keyBytes) else {
            throw Invalid(description: "the bundle's check does not match: it was cut or altered on the way")
        }
        self.init(configuration: text, key: key)
    }
}

/// RFC 4648 base64 (standard alphabet, padded), without Foundation.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int((value >> UInt32(18 - 6 * position)) & 63)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var lookup = [Int](repeating: -1, count: 256)
        for (index, char) in alphabet.enumerated() { lookup[Int(char)] = index }
        var out: [UInt8] = []
        var index = 0
        while index < chars.count {
            var value: UInt32 = 0
            var padding = 0
            for position in 0..<4 {
                let char = chars[index + position]
                if char == UInt8(ascii: "=") {
                    guard index + 4 == chars.count, position >= 2 else { return nil }
                    padding += 1
                    value <<= 6
                } else {
                    guard padding == 0, lookup[Int(char)] >= 0 else { return nil }
                    value = value << 6 | UInt32(lookup[Int(char)])
                }
            }
            out.append(UInt8(value >> 16 & 0xff))
            if padding < 2 { out.append(UInt8(value >> 8 & 0xff)) }
            if padding < 1 { out.append(UInt8(value & 0xff)) }
            index += 4
        }
        return out
    }
}
