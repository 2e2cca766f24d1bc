// SPDX-License-Identifier: GPL-2.0-or-later
internal import CLibXML2
public import PacerModel

/// A parse or validation failure, with the position libxml2 reported.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    public var message: String

    public var description: String {
        line > 0 ? "line \(line), column \(column): \(message)" : message
    }
}

/// Parses XML text into an `XMLElement` tree with libxml2.
public enum XMLParser {
    /// Parses `text` and returns its root element.
    ///
    /// Whitespace-only text between elements is dropped (the writer re-indents);
    /// comments and non-blank text are kept.
    ///
    /// Hostile input is refused, not parsed: a `<!DOCTYPE` or any other markup declaration
    /// (so no DTD, no entity but the five predefined ones and character references, nothing
    /// loaded from outside; the one exception is agent meta-data's bare external DOCTYPE,
    /// skipped unread, see `XMLLimits.externalDoctypes`), encodings other than ASCII-compatible
    /// ones, and documents over `limits`. Those checks run over the raw bytes before libxml2 sees them, in one linear
    /// pass, so a bomb costs milliseconds; libxml2 runs with its own default limits too
    /// (never `XML_PARSE_HUGE`).
    /// - Throws: `XMLError` with the line and column of the first error.
    public static func parse(_ text: String, limits: XMLLimits = .standard) throws(XMLError) -> XMLElement {
        try parse(bytes: Array(text.utf8), limits: limits)
    }

    /// Parses raw bytes; see `parse(_:limits:)`.
    ///
    /// Streams through libxml2's text reader straight into the value tree, so the whole
    /// libxml2 document never exists next to it (a 9,000-resource CIB is 12 MB of XML).
    public static func parse(bytes: [UInt8], limits: XMLLimits = .standard) throws(XMLError) -> XMLElement {
        let doctype = try bytes.withUnsafeBufferPointer { (buffer) throws(XMLError) in try XMLPrescan.check(buffer, limits: limits) }
        let collector = ErrorCollector()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue
                            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let reader: xmlTextReaderPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
                xmlReaderForMemory(pointer, Int32(buffer.count), "cib.xml", nil, options)
            }
        }
        guard let reader else { throw XMLError(line: 0, column: 0, message: "out of memory creating an XML reader") }
        defer { xmlFreeTextReader(reader) }
        xmlTextReaderSetStructuredErrorHandler(reader, collectReaderError, Unmanaged.passUnretained(collector).toOpaque())
        // The first error is the useful one (later ones are consequences).
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque(), collectStructuredError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }

        var stack: [XMLElement] = []
        var root: XMLElement?
        // Names come from the reader's dictionary (one pointer per distinct name): one String
        // each, shared by every element and attribute that uses it. Long repeated values
        // (ids of agents, digests, magic strings) are shared the same way, by content.
        var names: [UnsafePointer<xmlChar>: String] = [:]
        func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
            guard let pointer else { return "" }
            if let known = names[pointer] { return known }
            let made = string(pointer)
            names[pointer] = made
            return made
        }
        var values = Set<String>()
        func value(_ pointer: UnsafePointer<xmlChar>?) -> String {
            let made = string(pointer)
            guard made.utf8.count > 15 else { return made }   // shorter ones live inside the String itself
            if let known = values.firstIndex(of: made) { return values[known] }
            values.insert(made)
            return made
        }
        // The same limits again as the reader delivers nodes: cheap, and they hold even if the
        // byte-level pass were ever wrong about where markup is.
        var elements = 0, attributes = 0
        func refuse(_ message: String) -> XMLError {
            XMLError(line: Int(xmlTextReaderGetParserLineNumber(reader)), column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                     message: message)
        }
        func close(_ element: XMLElement) {
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(.element(element)) }
        }
        while true {
            let rc = xmlTextReaderRead(reader)
            if rc == 0 { break }
            guard rc == 1 else {
                throw collector.errors.first ?? XMLError(line: 0, column: 0, message: "document is empty or not XML")
            }
            switch xmlTextReaderNodeType(reader) {
            case 1:   // element
                elements += 1
                if elements > limits.elements { throw refuse("more than \(limits.elements) elements in the document") }
                if stack.count + 1 > limits.depth { throw refuse("elements nested deeper than \(limits.depth) levels") }
                if elements == 1, let doctype, name(xmlTextReaderConstName(reader)) != doctype {
                    throw refuse("<!DOCTYPE \(doctype)> refused: the root element is <\(name(xmlTextReaderConstName(reader)))>")
                }
                let line = xmlTextReaderCurrentNode(reader).map { Int(xmlGetLineNo($0)) } ?? 0
                var element = XMLElement(name(xmlTextReaderConstName(reader)), line: line)
                let empty = xmlTextReaderIsEmptyElement(reader) == 1
                let count = Int(xmlTextReaderAttributeCount(reader))
                if count > 0 {
                    if count > limits.attributesPerElement {
                        throw refuse("element has more than \(limits.attributesPerElement) attributes")
                    }
                    attributes += count
                    if attributes > limits.attributes { throw refuse("more than \(limits.attributes) attributes in the document") }
                    element.attributes.reserveCapacity(count)
                }
                while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                    let attribute = XMLAttribute(name: name(xmlTextReaderConstName(reader)), value: value(xmlTextReaderConstValue(reader)))
                    if attribute.value.utf8.count > limits.valueBytes {
                        throw refuse("attribute value longer than \(limits.valueBytes) bytes")
                    }
                    element.attributes.append(attribute)
                }
                if empty { close(element) } else { stack.append(element) }
            case 15:  // end of element
                if let element = stack.popLast() { close(element) }
            case 3, 4:  // text, CDATA
                let text = string(xmlTextReaderConstValue(reader))
                if !stack.isEmpty, !text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
                    stack[stack.count - 1].children.append(.text(text))
                }
            case 8:   // comment
                if !stack.isEmpty { stack[stack.count - 1].children.append(.comment(string(xmlTextReaderConstValue(reader)))) }
            case 10 where doctype != nil && elements == 0:   // the DOCTYPE the byte-level pass accepted
                break
            case 6, 10, 12:   // entity, document type, notation
                throw refuse("<!DOCTYPE refused: Pacer reads no DTDs, entity declarations or external entities")
            case 5:   // entity reference
                throw refuse("entity reference refused: only &lt; &gt; &amp; &apos; &quot; and character references are read")
            default:
                break
            }
        }
        if let error = collector.errors.first { throw error }
        guard let root else { throw XMLError(line: 0, column: 0, message: "document has no root element") }
        return root
    }

    static func lastError(of context: xmlParserCtxtPtr) -> XMLError? {
        guard let error = xmlCtxtGetLastError(context) else { return nil }
        return XMLError(error.pointee)
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}

extension XMLError {
    init(_ error: xmlError) {
        let raw = error.message.map { String(cString: $0) } ?? "unknown XML error"
        let message = raw.hasSuffix("\n") ? String(raw.dropLast()) : raw
        self.init(line: Int(error.line), column: Int(error.int2), message: message)
    }
}

/// The text reader's structured error callback (its own signature, same collector).
private func collectReaderError(_ userData: UnsafeMutableRawPointer?, _ error: UnsafeMutablePointer<xmlError>?) {
    collectStructuredError(userData, error)
}
