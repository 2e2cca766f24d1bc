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
