// SPDX-License-Identifier: GPL-2.0-or-later
internal import CLibXML2
import PacerModel

/// Builds the `XMLElement` tree from libxml2's SAX2 callbacks, holding the document to its
/// `XMLLimits` as the events arrive. One per `XMLParser.parse(bytes:limits:)` call.
final class TreeBuilder {
    let context: xmlParserCtxtPtr
    let limits: XMLLimits
    /// The root element a skipped `<!DOCTYPE … SYSTEM …>` named (see `XMLLimits.externalDoctypes`).
    let doctype: String?
    var stack: [XMLElement] = []
    var root: XMLElement?
    /// The first limit or rule the document broke; parsing stops there.
    var refusal: XMLError?
    /// What libxml2 reported, in order.
    var errors: [XMLError] = []
    private var elementCount = 0, attributeCount = 0
    /// Character data not yet added: text, or a CDATA section (libxml2 keeps those apart).
    private var pendingText: [UInt8] = []
    private var pendingIsCDATA = false
    /// Names by the pointer of libxml2's dictionary (one pointer per distinct name): one String
    /// each, shared by every element and attribute that uses it.
    private var names: [UnsafePointer<xmlChar>: String] = [:]
    /// Long values already made, shared by content (digests, transition keys of probes
    /// recorded on every node, parameter lists).
    private var values = ValueTable()

    init(context: xmlParserCtxtPtr, limits: XMLLimits, doctype: String?) {
        self.context = context
        self.limits = limits
        self.doctype = doctype
    }

    static func of(_ context: UnsafeMutableRawPointer?) -> TreeBuilder? {
        guard let raw = context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
        return Unmanaged<TreeBuilder>.fromOpaque(raw).takeUnretainedValue()
    }

    // MARK: events

    func startElement(prefix: UnsafePointer<xmlChar>?, localName: UnsafePointer<xmlChar>?,
                      namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, namespaceCount: Int,
                      attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount count: Int) {
        guard refusal == nil else { return }
        flushText()
        elementCount += 1
        if elementCount > limits.elements { return refuse("more than \(limits.elements) elements in the document") }
        if stack.count + 1 > limits.depth { return refuse("elements nested deeper than \(limits.depth) levels") }
        let elementName = qualifiedName(prefix, localName)
        if elementCount == 1, let doctype, elementName != doctype {
            return refuse("<!DOCTYPE \(doctype)> refused: the root element is <\(elementName)>")
        }
        var element = XMLElement(elementName, line: Int(context.pointee.input?.pointee.line ?? 0))
        // As libxml2's reader listed them: namespace declarations first, then attributes.
        let total = namespaceCount + count
        if total > 0 {
            if total > limits.attributesPerElement { return refuse("element has more than \(limits.attributesPerElement) attributes") }
            attributeCount += total
            if attributeCount > limits.attributes { return refuse("more than \(limits.attributes) attributes in the document") }
            element.attributes.reserveCapacity(total)
        }
        if let namespaces {
            for i in 0..<namespaceCount {
                let declared = namespaces[2 * i].map { "xmlns:" + Self.string($0) } ?? "xmlns"
                element.attributes.append(XMLAttribute(name: declared, value: Self.string(namespaces[2 * i + 1])))
            }
        }
        if let attributes {
            for i in 0..<count {
                let base = attributes + 5 * i
                guard let start = base[3], let end = base[4] else { continue }
                let length = end - start
                if length > limits.valueBytes { return refuse("attribute value longer than \(limits.valueBytes) bytes") }
                let bytes = UnsafeBufferPointer(start: start, count: length)
                element.attributes.append(XMLAttribute(name: qualifiedName(base[1], base[0]), value: value(bytes)))
            }
        }
        stack.append(element)
    }

    func endElement() {
        guard refusal == nil else { return }
        flushText()
        guard let element = stack.popLast() else { return }
        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(.element(element)) }
    }

    func characters(_ bytes: UnsafePointer<xmlChar>?, _ count: Int, cdata: Bool) {
        guard refusal == nil, let bytes, count > 0 else { return }
        if pendingIsCDATA != cdata { flushText() }
        pendingIsCDATA = cdata
        pendingText.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    func comment(_ text: UnsafePointer<xmlChar>?) {
        guard refusal == nil else { return }
        flushText()
        if !stack.isEmpty { stack[stack.count - 1].children.append(.comment(Self.string(text))) }
    }

    func doctypeDeclared() {
        // The byte-level pass let through only the bare external DOCTYPE of an allowed root.
        if doctype == nil || elementCount > 0 {
            refuse("<!DOCTYPE refused: Pacer reads no DTDs, entity declarations or external entities")
        }
    }

    func entityReference() {
        refuse("entity reference refused: only &lt; &gt; &amp; &apos; &quot; and character references are read")
    }

    func error(_ error: UnsafeMutablePointer<xmlError>?) {
        guard let error else { return }
        errors.append(XMLError(error.pointee))
    }

    // MARK: helpers

    func refuse(_ message: String) {
        guard refusal == nil else { return }
        let input = context.pointee.input?.pointee
        refusal = XMLError(line: Int(input?.line ?? 0), column: Int(input?.col ?? 0), message: message)
        xmlStopParser(context)
    }

    /// Adds the character data read since the last markup; whitespace alone is dropped (the
    /// writer re-indents).
    private func flushText() {
        guard !pendingText.isEmpty else { return }
        defer { pendingText.removeAll(keepingCapacity: true) }
        guard !stack.isEmpty, pendingText.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D }) else { return }
        stack[stack.count - 1].children.append(.text(String(decoding: pendingText, as: UTF8.self)))
    }

    private func qualifiedName(_ prefix: UnsafePointer<xmlChar>?, _ local: UnsafePointer<xmlChar>?) -> String {
        guard let local else { return "" }
        if let prefix { return Self.string(prefix) + ":" + Self.string(local) }
        if let known = names[local] { return known }
        let made = Self.string(local)
        names[local] = made
        return made
    }

    /// An attribute value; one over 15 bytes (shorter ones live inside the String itself)
    /// is shared with an equal one read before, found by its bytes, so a repeat makes nothing.
    private func value(_ bytes: UnsafeBufferPointer<xmlChar>) -> String {
        guard bytes.count > 15, !bytes.contains(UInt8(ascii: "&")) else { return Self.value(bytes) }
        return values.string(for: UnsafeRawBufferPointer(bytes))
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }

    /// An attribute value as SAX2 hands it over. Without entity substitution libxml2 passes
    /// an `&` (from `&amp;` or `&#38;`) on as `&#38;`, for its tree builder to decode; no other
    /// reference can remain (no DTD declares one), so that is the one to decode here.
    static func value(_ bytes: UnsafeBufferPointer<xmlChar>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "&"), i + 4 < bytes.count, bytes[i + 1] == UInt8(ascii: "#"), bytes[i + 2] == UInt8(ascii: "3"),
               bytes[i + 3] == UInt8(ascii: "8"), bytes[i + 4] == UInt8(ascii: ";") {
                decoded.append(UInt8(ascii: "&"))
                i += 5
            } else {
                decoded.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}

// MARK: C callbacks (the context is the parser's; the builder hangs off its _private)

func saxStartElement(_ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                     _ uri: UnsafePointer<xmlChar>?, _ namespaceCount: Int32, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                     _ attributeCount: Int32, _ defaulted: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
    TreeBuilder.of(context)?.startElement(prefix: prefix, localName: localName, namespaces: namespaces, namespaceCount: Int(namespaceCount),
                                          attributes: attributes, attributeCount: Int(attributeCount))
}

func saxEndElement(_ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
                   _ uri: UnsafePointer<xmlChar>?) {
    TreeBuilder.of(context)?.endElement()
}

func saxCharacters(_ context: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
    TreeBuilder.of(context)?.characters(bytes, Int(count), cdata: false)
}

func saxCDATA(_ context: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
    TreeBuilder.of(context)?.characters(bytes, Int(count), cdata: true)
}

func saxComment(_ context: UnsafeMutableRawPointer?, _ text: UnsafePointer<xmlChar>?) {
    TreeBuilder.of(context)?.comment(text)
}

func saxDoctype(_ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?, _ externalID: UnsafePointer<xmlChar>?,
                _ systemID: UnsafePointer<xmlChar>?) {
    TreeBuilder.of(context)?.doctypeDeclared()
}

func saxEntityReference(_ context: UnsafeMutableRawPointer?, _ name: UnsafePointer<xmlChar>?) {
    TreeBuilder.of(context)?.entityReference()
}

func saxError(_ context: UnsafeMutableRawPointer?, _ error: UnsafeMutablePointer<xmlError>?) {
    TreeBuilder.of(context)?.error(error)
}

/// Strings by content, looked up by their UTF-8 bytes before any String is made: an
/// open-addressing table over an array of strings. The hash is the standard library's
/// (SipHash, seeded per process), so no document can be written to make lookups collide.
struct ValueTable {
    private var strings: [String] = []
    private var hashes: [Int] = []
    /// Index into `strings` + 1; 0 is empty. A power of two long, at most half full.
    private var slots = [Int32](repeating: 0, count: 1024)

    mutating func string(for bytes: UnsafeRawBufferPointer) -> String {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        let hash = hasher.finalize()
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot]) - 1
            if hashes[index] == hash {
                let known = strings[index]
                let same = known.utf8.count == bytes.count && (known.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) }
                    ?? known.utf8.elementsEqual(bytes))
                if same { return known }
            }
            slot = (slot + 1) & mask
        }
        let made = String(decoding: bytes, as: UTF8.self)
        strings.append(made)
        hashes.append(hash)
        slots[slot] = Int32(strings.count)
        if strings.count * 2 > slots.count { grow() }
        return made
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = hash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }
}
