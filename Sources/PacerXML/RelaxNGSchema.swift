// SPDX-License-Identifier: GPL-2.0-or-later
internal import CLibXML2
public import PacerModel

/// A compiled RelaxNG schema (Pacemaker's `/usr/share/pacemaker/pacemaker-*.rng`).
public final class RelaxNGSchema: @unchecked Sendable {
    private let schema: xmlRelaxNGPtr
    public let path: String

    /// Compiles the schema at `path`.
    /// - Throws: `XMLError` when the file is missing or not a valid schema.
    public init(path: String) throws(XMLError) {
        guard let parser = xmlRelaxNGNewParserCtxt(path) else {
            throw XMLError(line: 0, column: 0, message: "cannot read RelaxNG schema \(path)")
        }
        defer { xmlRelaxNGFreeParserCtxt(parser) }
        let collector = ErrorCollector()
        let opaque = Unmanaged.passUnretained(collector).toOpaque()
        xmlRelaxNGSetParserStructuredErrors(parser, collectStructuredError, opaque)
        guard let schema = xmlRelaxNGParse(parser) else {
            throw collector.errors.first ?? XMLError(line: 0, column: 0, message: "invalid RelaxNG schema \(path)")
        }
        self.schema = schema
        self.path = path
    }

    deinit { xmlRelaxNGFree(schema) }

    /// Validates `document` and returns every violation (empty when valid).
    ///
    /// Lines refer to `document.serialized()`, the text Pacer writes.
    public func validate(_ document: XMLElement) -> [XMLError] {
        let text = document.serialized()
        let bytes = Array(text.utf8)
        let collector = ErrorCollector()
        let doc = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "cib.xml", nil,
                              Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            }
        }
        guard let doc else { return [XMLError(line: 0, column: 0, message: "document could not be re-read for validation")] }
        defer { xmlFreeDoc(doc) }
        guard let context = xmlRelaxNGNewValidCtxt(schema) else {
            return [XMLError(line: 0, column: 0, message: "out of memory creating a validation context")]
        }
        defer { xmlRelaxNGFreeValidCtxt(context) }
        xmlRelaxNGSetValidStructuredErrors(context, collectStructuredError, Unmanaged.passUnretained(collector).toOpaque())
        let rc = xmlRelaxNGValidateDoc(context, doc)
        if rc != 0 && collector.errors.isEmpty {
            return [XMLError(line: 0, column: 0, message: "document fails to validate against \(path)")]
        }
        return collector.errors
    }
}

final class ErrorCollector {
    var errors: [XMLError] = []
}

func collectStructuredError(_ userData: UnsafeMutableRawPointer?, _ error: UnsafeMutablePointer<xmlError>?) {
    guard let userData, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
    var converted = XMLError(error.pointee)
    if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), converted.line == 0 {
        converted.line = Int(xmlGetLineNo(node))
    }
    if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self), let name = node.pointee.name {
        converted.message = "element \(String(cString: name)): \(converted.message)"
    }
    collector.errors.append(converted)
}
