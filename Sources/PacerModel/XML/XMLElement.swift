// SPDX-License-Identifier: GPL-2.0-or-later
/// A node of an XML document as a plain value: what the CIB is stored as.
///
/// The CIB is kept as a tree of these rather than only as typed structs so that
/// everything Pacer does not model (ACLs, alerts, clones, unknown attributes)
/// survives a read/write untouched. Typed views (`CIB`, `Primitive`, …) read
/// from and write into this tree.
public enum XMLNode: Sendable, Equatable, Hashable {
    case element(XMLElement)
    case text(String)
    case comment(String)
}

/// One XML element: a name, attributes in document order, and children.
public struct XMLElement: Sendable, Equatable, Hashable {
    public var name: String
    /// Attributes in the order they were read or set; names are unique.
    public var attributes: [XMLAttribute]
    public var children: [XMLNode]
    /// Line in the source document, when the element was parsed (0 otherwise).
    public var line: Int

    public init(_ name: String, _ attributes: [(String, String)] = [], children: [XMLNode] = [], line: Int = 0) {
        self.name = name
        self.attributes = attributes.map { XMLAttribute(name: $0.0, value: $0.1) }
        self.children = children
        self.line = line
    }

    public init(_ name: String, _ attributes: [(String, String)] = [], elements: [XMLElement]) {
        self.init(name, attributes, children: elements.map { .element($0) })
    }

    public static func == (lhs: XMLElement, rhs: XMLElement) -> Bool {
        lhs.name == rhs.name && lhs.attributes == rhs.attributes && lhs.children == rhs.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(attributes)
        hasher.combine(children)
    }
}

/// One attribute of an element.
public struct XMLAttribute: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
