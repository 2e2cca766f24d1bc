// SPDX-License-Identifier: GPL-2.0-or-later
/// A value whose fields are written and read by one function, so that adding a field is a
/// one-line change in that function (``code(_:with:)``).
public protocol WireCodable {
    /// Where decoding starts: ``code(_:with:)`` overwrites every field of it.
    static var wireBlank: Self { get }
    /// Passes each field, in order, to `coder`: a ``WireEncoder`` reads it, a ``WireDecoder``
    /// replaces it with the next field of the message.
    static func code<Coder: WireCoder>(_ value: inout Self, with coder: inout Coder) throws(WireError)
}

/// One direction of a ``WireCodable`` coding.
public protocol WireCoder {
    mutating func code<Field: WireField>(_ value: inout Field, _ name: String) throws(WireError)
    /// A count, then each element.
    mutating func code<Element: WireCodable>(_ values: inout [Element], _ name: String) throws(WireError)
    /// A count, then each value.
    mutating func code<Field: WireField>(_ values: inout [Field], _ name: String) throws(WireError)
}

/// Writes fields after a message's kind word.
public struct WireEncoder: WireCoder {
    public private(set) var fields: [String]

    public init(kind: String) { fields = [kind] }

    public mutating func code<Field: WireField>(_ value: inout Field, _ name: String) { fields.append(value.wireText) }

    public mutating func code<Element: WireCodable>(_ values: inout [Element], _ name: String) {
        fields.append(String(values.count))
        for index in values.indices { put(values[index]) }
    }

    public mutating func code<Field: WireField>(_ values: inout [Field], _ name: String) {
        fields.append(String(values.count))
        fields += values.map(\.wireText)
    }

    public mutating func put(_ value: some WireField) {
        var value = value
        code(&value, "")
    }

    public mutating func put<Value: WireCodable>(_ value: Value) {
        var value = value
        var encoder = self
        do { try Value.code(&value, with: &encoder) } catch { preconditionFailure("encoding cannot fail: \(error)") }
        self = encoder
    }
}

/// Reads the fields of a message after its kind word, each at most once and all of them.
public struct WireDecoder: WireCoder {
    let kind: String
    let fields: [String]
    var index = 1

    /// - Parameter fields: the message's kind word, then its fields.
    public init(_ fields: [String]) {
        kind = fields.first ?? ""
        self.fields = fields
    }

    public mutating func code<Field: WireField>(_ value: inout Field, _ name: String) throws(WireError) {
        value = try take(name)
    }

    public mutating func code<Element: WireCodable>(_ values: inout [Element], _ name: String) throws(WireError) {
        let count = try takeCount(name)
        values = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try take(Element.self)) }
    }

    public mutating func code<Field: WireField>(_ values: inout [Field], _ name: String) throws(WireError) {
        let count = try takeCount(name)
        values = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try take(name)) }
    }

    /// An element count; each element takes at least one field, so a count beyond what is
    /// left is a lie (and reserves nothing).
    mutating func takeCount(_ name: String) throws(WireError) -> Int {
        let count: Int = try take(name)
        guard count >= 0, count <= fields.count - index else {
            throw .badField(kind: kind, field: name, detail: "claims \(count) elements")
        }
        return count
    }

    public mutating func take<Field: WireField>(_ name: String) throws(WireError) -> Field {
        guard index < fields.count else { throw .badField(kind: kind, field: name, detail: "is missing") }
        guard let decoded = Field(wireText: fields[index]) else {
            throw .badField(kind: kind, field: name, detail: "'\(fields[index].prefix(40))' is not a \(Field.self)")
        }
        index += 1
        return decoded
    }

    public mutating func take<Value: WireCodable>(_: Value.Type) throws(WireError) -> Value {
        var value = Value.wireBlank
        try Value.code(&value, with: &self)
        return value
    }

    /// - Throws: when fields are left over.
    public func finish() throws(WireError) {
        guard index == fields.count else {
            throw .badField(kind: kind, field: "end", detail: "expected, \(fields.count - index) fields left over")
        }
    }
}
