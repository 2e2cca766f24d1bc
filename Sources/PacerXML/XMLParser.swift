internal import CLibXML2
public import PacerModel

/// A parse or validation failure, with the position libxml2 reported.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "line \(line), column \(column): \(message)" : message
    }
}

/// Parses XML text into an `XMLElement` tree with libxml2.
public enum XMLParser {
    /// Parses `text` and returns its root element.
    ///
    /// Whitespace-only text between elements is dropped (the writer re-indents);
    /// comments and non-blank text are kept. No network access, no entity expansion
    /// from outside the document.
    /// - Throws: `XMLError` with the line and column of the first error.
    public static func parse(_ text: String) throws(XMLError) -> XMLElement {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses raw bytes; see `parse(_:)`.
    public static func parse(bytes: [UInt8]) throws(XMLError) -> XMLElement {
        guard let context = xmlNewParserCtxt() else {
            throw XMLError(line: 0, column: 0, message: "out of memory creating an XML parser")
        }
        defer { xmlFreeParserCtxt(context) }
        // The first error is the useful one (later ones are consequences); collect them all.
        let collector = ErrorCollector()
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(collector).toOpaque(), collectStructuredError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue
                            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
                xmlCtxtReadMemory(context, pointer, Int32(buffer.count), "cib.xml", nil, options)
            }
        }
        guard let document else {
            throw collector.errors.first ?? lastError(of: context)
                ?? XMLError(line: 0, column: 0, message: "document is empty or not XML")
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            throw XMLError(line: 0, column: 0, message: "document has no root element")
        }
        return convert(root)
    }

    static func lastError(of context: xmlParserCtxtPtr) -> XMLError? {
        guard let error = xmlCtxtGetLastError(context) else { return nil }
        return XMLError(error.pointee)
    }

    private static func convert(_ node: xmlNodePtr) -> XMLElement {
        var element = XMLElement(string(node.pointee.name), line: Int(xmlGetLineNo(node)))
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = string(current.pointee.name)
            var value = ""
            if let raw = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: raw)
                pacer_xml_free(raw)
            }
            element.attributes.append(XMLAttribute(name: name, value: value))
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(convert(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = current.pointee.content.map { String(cString: $0) } ?? ""
                if !text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
                    element.children.append(.text(text))
                }
            case XML_COMMENT_NODE:
                element.children.append(.comment(current.pointee.content.map { String(cString: $0) } ?? ""))
            default:
                break
            }
            child = current.pointee.next
        }
        return element
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
