// SPDX-License-Identifier: GPL-2.0-or-later
/// Reading and editing attributes and children.
extension XMLElement {
    /// The value of attribute `name`, or nil.
    public subscript(_ name: String) -> String? {
        get {
            for attribute in attributes where attribute.name == name { return attribute.value }
            return nil
        }
        set {
            if let index = attributes.firstIndex(where: { $0.name == name }) {
                if let newValue { attributes[index].value = newValue } else { attributes.remove(at: index) }
            } else if let newValue {
                attributes.append(XMLAttribute(name: name, value: newValue))
            }
        }
    }

    /// The `id` attribute, or "" when absent.
    public var id: String { self["id"] ?? "" }

    /// Child elements in document order (text and comments skipped).
    public var elements: [XMLElement] {
        var result: [XMLElement] = []
        result.reserveCapacity(children.count)
        for child in children { if case .element(let element) = child { result.append(element) } }
        return result
    }

    /// Child elements named `name`, in document order.
    public func elements(named name: String) -> [XMLElement] {
        var result: [XMLElement] = []
        for child in children { if case .element(let element) = child, element.name == name { result.append(element) } }
        return result
    }

    /// Calls `body` with each child element named `name`, in document order, without
    /// collecting them into an array first (for long lists such as a node's history).
    @inlinable
    public func forEachChild(named name: String, _ body: (XMLElement) throws -> Void) rethrows {
        for child in children { if case .element(let element) = child, element.name == name { try body(element) } }
    }

    /// The first child element named `name`.
    public func firstElement(named name: String) -> XMLElement? {
        for child in children { if case .element(let element) = child, element.name == name { return element } }
        return nil
    }

    /// Index in `children` of the first child element matching `predicate`.
    public func childIndex(where predicate: (XMLElement) -> Bool) -> Int? {
        children.firstIndex { node in
            if case .element(let element) = node { return predicate(element) }
            return false
        }
    }

    /// Applies `body` to the first child element named `name`, creating it (appended) if missing.
    public mutating func withChild<T>(named name: String, create: Bool = true,
                                      _ body: (inout XMLElement) throws -> T) rethrows -> T? {
        if let index = childIndex(where: { $0.name == name }) {
            guard case .element(var element) = children[index] else { return nil }
            children[index] = .text("")  // drop our reference so `element` is uniquely owned (no copy)
            defer { children[index] = .element(element) }
            return try body(&element)
        }
        guard create else { return nil }
        var element = XMLElement(name)
        let result = try body(&element)
        children.append(.element(element))
        return result
    }

    /// Applies `body` to the child element at `index` of `children` in place.
    public mutating func modifyChild<T>(at index: Int, _ body: (inout XMLElement) throws -> T) rethrows -> T {
        guard case .element(var element) = children[index] else {
            preconditionFailure("child \(index) of <\(name)> is not an element")
        }
        children[index] = .text("")
        defer { children[index] = .element(element) }
        return try body(&element)
    }

    /// Appends a child element.
    public mutating func append(_ element: XMLElement) { children.append(.element(element)) }

    /// Removes child elements matching `predicate`; returns how many were removed.
    @discardableResult
    public mutating func removeElements(where predicate: (XMLElement) -> Bool) -> Int {
        let before = children.count
        children.removeAll { node in
            if case .element(let element) = node { return predicate(element) }
            return false
        }
        return before - children.count
    }

    /// Depth-first search for an element with `id`, returning its path of child indexes.
    public func path(toID id: String) -> [Int]? {
        for (index, child) in children.enumerated() {
            guard case .element(let element) = child else { continue }
            if element["id"] == id { return [index] }
            if let sub = element.path(toID: id) { return [index] + sub }
        }
        return nil
    }

    /// The element at a path of child indexes.
    public func element(at path: [Int]) -> XMLElement? {
        var current = self
        for index in path {
            guard index < current.children.count, case .element(let element) = current.children[index] else { return nil }
            current = element
        }
        return current
    }

    /// Applies `body` to the element at `path` in place.
    public mutating func modify<T>(at path: ArraySlice<Int>, _ body: (inout XMLElement) throws -> T) rethrows -> T {
        guard let first = path.first else { return try body(&self) }
        return try modifyChild(at: first) { try $0.modify(at: path.dropFirst(), body) }
    }

    /// Every element of the subtree (self included), depth first, in document order.
    public func forEachElement(_ body: (XMLElement) throws -> Void) rethrows {
        try body(self)
        for child in children { if case .element(let element) = child { try element.forEachElement(body) } }
    }
}
