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
    /// libxml2's SAX2 callbacks build the value tree directly, so no libxml2 document or
    /// node ever exists next to it (a 9,000-resource CIB is 12 MB of XML). The bytes go
    /// to libxml2's push parser in 64 KiB chunks, as its text reader feeds it.
    public static func parse(bytes: [UInt8], limits: XMLLimits = .standard) throws(XMLError) -> XMLElement {
        let doctype = try bytes.withUnsafeBufferPointer { (buffer) throws(XMLError) in try XMLPrescan.check(buffer, limits: limits) }
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = saxStartElement
        handler.endElementNs = saxEndElement
        handler.characters = saxCharacters
        handler.cdataBlock = saxCDATA
        handler.comment = saxComment
        handler.internalSubset = saxDoctype
        handler.reference = saxEntityReference
        handler.serror = saxError
        guard let context = xmlCreatePushParserCtxt(&handler, nil, nil, 0, "cib.xml") else {
            throw XMLError(line: 0, column: 0, message: "out of memory creating an XML parser")
        }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue
                            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        _ = xmlCtxtUseOptions(context, options)
        // The callbacks get the context (no user data given) and find the builder in it.
        let builder = TreeBuilder(context: context, limits: limits, doctype: doctype)
        context.pointee._private = Unmanaged.passUnretained(builder).toOpaque()
        let chunk = 1 << 16
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                var offset = 0
                repeat {
                    let count = min(chunk, buffer.count - offset)
                    let last = offset + count == buffer.count
                    let rc = xmlParseChunk(context, base + offset, Int32(count), last ? 1 : 0)
                    offset += count
                    if rc != 0 || builder.refusal != nil || last { break }
                } while true
            }
        }
        withExtendedLifetime(builder) {}
        if let refusal = builder.refusal { throw refusal }
        // The first error is the useful one (later ones are consequences).
        if let error = builder.errors.first { throw error }
        if bytes.isEmpty || context.pointee.wellFormed == 0 {
            throw XMLError(line: 0, column: 0, message: "document is empty or not XML")
        }
        guard let root = builder.root else { throw XMLError(line: 0, column: 0, message: "document has no root element") }
        return root
    }
}

extension XMLError {
    init(_ error: xmlError) {
        let raw = error.message.map { String(cString: $0) } ?? "unknown XML error"
        let message = raw.hasSuffix("\n") ? String(raw.dropLast()) : raw
        self.init(line: Int(error.line), column: Int(error.int2), message: message)
    }
}
