// SPDX-License-Identifier: GPL-2.0-or-later
/// Name/value pairs with unique names, in the order first set: a resource's meta attributes,
/// an operation's, the defaults. They hold a handful of entries and are read by name a
/// dozen times each; a linear search over one array beats hashing every name, and a
/// 9,000-resource CIB makes 18,000 of them.
struct AttributeMap: Sequence {
    private var pairs: [(key: String, value: String)] = []

    subscript(key: String) -> String? {
        get {
            for pair in pairs where pair.key == key { return pair.value }
            return nil
        }
        set {
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                if pairs.isEmpty { pairs.reserveCapacity(4) }   // one allocation for most maps
                pairs.append((key, newValue))
            }
        }
    }

    func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { pairs.makeIterator() }
}

/// What `nvpairs(of:setName:node:overwrite:into:)` fills: a dictionary or an `AttributeMap`.
protocol NameValueStore {
    subscript(key: String) -> String? { get set }
}

extension AttributeMap: NameValueStore {}
extension Dictionary: NameValueStore where Key == String, Value == String {}
