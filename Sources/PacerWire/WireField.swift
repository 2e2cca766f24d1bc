// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// A value written as one string of a message.
public protocol WireField {
    var wireText: String { get }
    /// Nil when `wireText` is not such a value.
    init?(wireText: String)
}

extension WireField where Self: LosslessStringConvertible {
    public var wireText: String { description }
    public init?(wireText: String) { self.init(wireText) }
}

extension String: WireField {}
extension Int: WireField {}
extension Int32: WireField {}
extension UInt64: WireField {}
extension Bool: WireField {}

extension WireField where Self: RawRepresentable, RawValue == String {
    public var wireText: String { rawValue }
    public init?(wireText: String) { self.init(rawValue: wireText) }
}

extension CIBVersion: WireField {
    public var wireText: String { description }
    public init?(wireText: String) { self.init(parsing: wireText) }
}

/// `seconds:attoseconds`, both components, so no precision is lost.
extension Duration: WireField {
    public var wireText: String { "\(components.seconds):\(components.attoseconds)" }
    public init?(wireText: String) {
        let parts = wireText.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seconds = Int64(parts[0]), let attoseconds = Int64(parts[1]) else { return nil }
        self.init(secondsComponent: seconds, attosecondsComponent: attoseconds)
    }
}

/// Nil is the empty string; a value is `=` and its text (so an empty string stays a value).
extension Optional: WireField where Wrapped: WireField {
    public var wireText: String { map { "=" + $0.wireText } ?? "" }
    public init?(wireText: String) {
        if wireText.isEmpty { self = .none; return }
        guard wireText.first == "=", let value = Wrapped(wireText: String(wireText.dropFirst())) else { return nil }
        self = .some(value)
    }
}
