// SPDX-License-Identifier: GPL-2.0-or-later
/// A resource agent named as Pacemaker names it: `ocf:PROVIDER:TYPE` or `lsb:TYPE`.
public struct ResourceAgent: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var resourceClass: String
    public var provider: String?
    public var type: String

    public init(resourceClass: String, provider: String?, type: String) {
        self.resourceClass = resourceClass
        self.provider = provider
        self.type = type
    }

    /// Parses `ocf:heartbeat:IPaddr2`, `lsb:cron`, or `IPaddr2` (ocf:heartbeat, as crmsh).
    public init?(_ spec: String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: self.init(resourceClass: "ocf", provider: "heartbeat", type: parts[0])
        case 2 where parts[0] == "ocf": self.init(resourceClass: "ocf", provider: "heartbeat", type: parts[1])
        case 2: self.init(resourceClass: parts[0], provider: nil, type: parts[1])
        case 3 where parts[0] == "ocf": self.init(resourceClass: "ocf", provider: parts[1], type: parts[2])
        default: return nil
        }
        guard !type.isEmpty, !type.contains("/"), provider?.contains("/") != true, provider?.isEmpty != true else { return nil }
    }

    public var description: String {
        provider.map { "\(resourceClass):\($0):\(type)" } ?? "\(resourceClass):\(type)"
    }
}
