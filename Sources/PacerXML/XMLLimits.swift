// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// What a document may contain before `XMLParser` refuses it.
///
/// The defaults leave a wide margin over real CIBs (a 9,000-resource CIB is 12 MB,
/// 64,000 elements, 444,000 attributes, 7 levels deep, values under 100 bytes) and
/// refuse hostile ones before libxml2 or Pacer spends time or memory on them.
public struct XMLLimits: Sendable, Equatable {
    /// Bytes of the whole document.
    public var documentBytes = 64 << 20
    /// Elements nested in one another, the root counting as 1 (Pacemaker CIBs are under 20).
    public var depth = 256
    /// Elements in the document.
    public var elements = 1_000_000
    /// Attributes in the document.
    public var attributes = 4_000_000
    /// Attributes on one element (libxml2 checks them for duplicates pairwise).
    public var attributesPerElement = 1024
    /// Bytes of one attribute value, text run, comment, CDATA section or processing instruction.
    public var valueBytes = 1 << 20
    /// Root elements whose document may declare `<!DOCTYPE root SYSTEM "…">` (or `PUBLIC "…" "…"`):
    /// that declaration alone, with no internal subset, is skipped and its DTD never loaded,
    /// and the root element must then be the one it names. Every other DOCTYPE is refused.
    /// OCF agents' meta-data starts with `<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">`;
    /// a CIB (`<cib>`) or a `<configuration>` can carry no DOCTYPE at all.
    public var externalDoctypes: Set<String> = ["resource-agent"]

    public init() {}

    /// The limits `XMLParser.parse` applies unless told otherwise.
    public static let standard = XMLLimits()
}

/// A linear pass over the raw bytes, before libxml2 sees them: refuses DTDs and other
/// markup declarations, encodings whose markup this pass cannot see, and documents over
/// the limits. It needs no decoding because every supported encoding is ASCII-compatible
/// (markup bytes mean the same in all of them), and it leaves well-formedness to libxml2.
///
/// Checking first matters: libxml2 2.9 expands entities into attribute values while it
/// parses the start tag, and checks an element's attributes for duplicates pairwise, so
/// both cost their time before any callback could stop them.
enum XMLPrescan {
    /// Checks `bytes`; returns the root element name a skipped DOCTYPE declared, if any.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, limits: XMLLimits) throws(XMLError) -> String? {
        let count = bytes.count
        guard count <= limits.documentBytes else {
            throw XMLError(line: 0, column: 0, message: "document is \(count) bytes, over the \(limits.documentBytes)-byte limit")
        }
        guard let base = bytes.baseAddress, count > 0 else { return nil }
        var i = try checkEncoding(base, count)

        func fail(_ offset: Int, _ message: String) -> XMLError {
            var line = 1, lineStart = 0
            for index in 0..<min(offset, count) where base[index] == 0x0A { line += 1; lineStart = index + 1 }
            return XMLError(line: line, column: offset - lineStart + 1, message: message)
        }
        /// The offset of the next `byte` at or after `from`, or `count`.
        func find(_ byte: UInt8, from: Int) -> Int {
            guard from < count, let hit = memchr(base + from, Int32(byte), count - from) else { return count }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        /// The offset just past `terminator` (ending in '>'), searching from `from`; nil when absent.
        func end(of terminator: [UInt8], from: Int) -> Int? {
            var at = from
            while true {
                let gt = find(0x3E, from: at + terminator.count - 1)
                if gt == count { return nil }
                var matches = true
                for (k, byte) in terminator.reversed().enumerated() where base[gt - k] != byte { matches = false; break }
                if matches { return gt + 1 }
                at = gt - terminator.count + 2
            }
        }
        func startsWith(_ prefix: [UInt8], at offset: Int) -> Bool {
            guard offset + prefix.count <= count else { return false }
            for (k, byte) in prefix.enumerated() where base[offset + k] != byte { return false }
            return true
        }

        /// After a skipped DOCTYPE libxml2 takes an unknown entity for one declared in the DTD
        /// it did not load, and drops it from attribute values: refuse any but the predefined five.
        func checkReferences(_ from: Int, _ to: Int) throws(XMLError) {
            var at = find(0x26, from: from)   // '&'
            while at < to {
                var k = at + 1
                if k < to, base[k] != 0x23 {   // not a character reference
                    var name: [UInt8] = []
                    while k < to, k < at + 8, base[k] != 0x3B { name.append(base[k]); k += 1 }
                    if !predefinedEntities.contains(name) {
                        throw fail(at, "entity reference refused: only &lt; &gt; &amp; &apos; &quot; and character references are read")
                    }
                }
                at = find(0x26, from: at + 1)
            }
        }

        var depth = 0, elements = 0, attributes = 0
        var doctype: String?
        while i < count {
            let lt = find(0x3C, from: i)   // '<'
            if lt - i > limits.valueBytes { throw fail(i, "text longer than \(limits.valueBytes) bytes") }
            if doctype != nil { try checkReferences(i, lt) }
            if lt == count { return doctype }
            i = lt
            guard i + 1 < count else { return doctype }   // libxml2 reports the truncation
            switch base[i + 1] {
            case 0x21:   // "<!"
                if startsWith(commentOpen, at: i) {
                    guard let after = end(of: commentClose, from: i + 4) else { return doctype }
                    if after - 3 - (i + 4) > limits.valueBytes { throw fail(i, "comment longer than \(limits.valueBytes) bytes") }
                    i = after
                } else if startsWith(cdataOpen, at: i) {
                    guard let after = end(of: cdataClose, from: i + 9) else { return doctype }
                    if after - 3 - (i + 9) > limits.valueBytes { throw fail(i, "CDATA section longer than \(limits.valueBytes) bytes") }
                    i = after
                } else if doctype == nil, elements == 0, let (name, after) = externalDoctype(base, count, at: i),
                          limits.externalDoctypes.contains(name) {
                    doctype = name
                    i = after
                } else {
                    var keyword = "<!"
                    var k = i + 2
                    while k < count, k < i + 24, isNameByte(base[k]) { keyword.unicodeScalars.append(Unicode.Scalar(base[k])); k += 1 }
                    if keyword == "<!DOCTYPE" {
                        throw fail(i, "<!DOCTYPE refused: Pacer reads no DTDs, entity declarations or external entities")
                    }
                    throw fail(i, "\(keyword) refused: markup declarations belong in a DTD, and Pacer reads none")
                }
            case 0x3F:   // "<?"
                guard let after = end(of: piClose, from: i + 2) else { return doctype }
                if after - i > limits.valueBytes { throw fail(i, "processing instruction longer than \(limits.valueBytes) bytes") }
                i = after
            case 0x2F:   // "</"
                if depth > 0 { depth -= 1 }
                i = find(0x3E, from: i + 2) + 1
            default:     // a start tag
                elements += 1
                if elements > limits.elements { throw fail(i, "more than \(limits.elements) elements in the document") }
                if depth + 1 > limits.depth { throw fail(i, "elements nested deeper than \(limits.depth) levels") }
                var k = i + 1, onThis = 0
                while k < count {
                    let byte = base[k]
                    if byte == 0x22 || byte == 0x27 {   // a quoted value
                        let close = find(byte, from: k + 1)
                        if close == count { return doctype }
                        if doctype != nil { try checkReferences(k + 1, close) }
                        if close - k - 1 > limits.valueBytes { throw fail(k, "attribute value longer than \(limits.valueBytes) bytes") }
                        onThis += 1
                        attributes += 1
                        if onThis > limits.attributesPerElement {
                            throw fail(i, "element has more than \(limits.attributesPerElement) attributes")
                        }
                        if attributes > limits.attributes { throw fail(k, "more than \(limits.attributes) attributes in the document") }
                        k = close + 1
                    } else if byte == 0x3E {
                        break
                    } else {
                        k += 1
                    }
                }
                if k == count { return doctype }
                if base[k - 1] != 0x2F { depth += 1 }   // not "/>"
                i = k + 1
            }
        }
        return doctype
    }

    /// `<!DOCTYPE name SYSTEM "…">` or `<!DOCTYPE name PUBLIC "…" "…">` at `start`, without an
    /// internal subset: the name and the offset past the `>`; nil for any other form.
    private static func externalDoctype(_ base: UnsafePointer<UInt8>, _ count: Int, at start: Int) -> (String, Int)? {
        var k = start + 9   // past "<!DOCTYPE"
        func spaces() -> Bool {
            let from = k
            while k < count, base[k] == 0x20 || base[k] == 0x09 || base[k] == 0x0A || base[k] == 0x0D { k += 1 }
            return k > from
        }
        func literal() -> Bool {
            guard k < count, base[k] == 0x22 || base[k] == 0x27 else { return false }
            let quote = base[k]
            k += 1
            while k < count, k < start + 1024, base[k] != quote { k += 1 }
            guard k < count, base[k] == quote else { return false }
            k += 1
            return true
        }
        guard startsWith(doctypeOpen, base + start, count - start), spaces() else { return nil }
        var name: [UInt8] = []
        while k < count, name.count < 64, isNameByte(base[k]) { name.append(base[k]); k += 1 }
        guard !name.isEmpty, spaces() else { return nil }
        if startsWith(systemKeyword, base + k, count - k) {
            k += 6
            guard spaces(), literal() else { return nil }
        } else if startsWith(publicKeyword, base + k, count - k) {
            k += 6
            guard spaces(), literal(), spaces(), literal() else { return nil }
        } else {
            return nil
        }
        _ = spaces()
        guard k < count, base[k] == 0x3E else { return nil }
        return (String(decoding: name, as: UTF8.self), k + 1)
    }

    /// Skips a UTF-8 byte-order mark; refuses encodings this pass cannot read markup in.
    private static func checkEncoding(_ base: UnsafePointer<UInt8>, _ count: Int) throws(XMLError) -> Int {
        var start = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        guard start < count else { return start }
        let first = base[start], second: UInt8 = start + 1 < count ? base[start + 1] : 0x20
        if first == 0 || second == 0 || first == 0xFE || first == 0xFF
            || (first == 0x4C && second == 0x6F) {   // UTF-16, UTF-32, EBCDIC "<?"
            throw XMLError(line: 1, column: 1, message: "document is not in an ASCII-compatible encoding (UTF-16, UTF-32 or EBCDIC): Pacer reads UTF-8")
        }
        // The XML declaration's encoding, when it names one: `<?xml version="1.0" encoding="…"?>`.
        guard count - start > 6, startsWith(xmlDeclaration, base + start, count - start),
              base[start + 5] == 0x20 || base[start + 5] == 0x09 || base[start + 5] == 0x0A || base[start + 5] == 0x0D else { return start }
        var declaration: [UInt8] = []
        var k = start + 5
        while k < count, k < start + 256, base[k] != 0x3E { declaration.append(base[k]); k += 1 }
        let keyword = Array("encoding".utf8)
        guard let at = (0..<max(declaration.count - keyword.count + 1, 0)).first(where: { declaration[$0..<($0 + keyword.count)].elementsEqual(keyword) })
        else { return start }
        var rest = declaration[(at + keyword.count)...].drop { $0 == 0x20 || $0 == 0x3D || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let quote = rest.first, quote == 0x22 || quote == 0x27 else { return start }
        rest = rest.dropFirst()
        let name = String(decoding: rest.prefix { $0 != quote }, as: UTF8.self)
        let lower = name.lowercased()
        let accepted = ["utf-8", "utf8", "us-ascii", "ascii", "latin1", "latin-1", "iso-latin-1"].contains(lower)
            || lower.hasPrefix("iso-8859-") || lower.hasPrefix("iso8859-") || lower.hasPrefix("iso_8859-")
            || lower.hasPrefix("windows-125") || lower.hasPrefix("cp125")
        if !accepted {
            throw XMLError(line: 1, column: 1, message: "encoding \"\(name)\" refused: Pacer reads UTF-8, ASCII, ISO-8859 and Windows-125x documents")
        }
        return start
    }

    private static func startsWith(_ prefix: [UInt8], _ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard count >= prefix.count else { return false }
        for (k, byte) in prefix.enumerated() where base[k] != byte { return false }
        return true
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x5F || byte == 0x3A || byte == 0x2E
    }

    private static let commentOpen: [UInt8] = Array("<!--".utf8)
    private static let commentClose: [UInt8] = Array("-->".utf8)
    private static let cdataOpen: [UInt8] = Array("<![CDATA[".utf8)
    private static let cdataClose: [UInt8] = Array("]]>".utf8)
    private static let piClose: [UInt8] = Array("?>".utf8)
    private static let xmlDeclaration: [UInt8] = Array("<?xml".utf8)
    private static let doctypeOpen: [UInt8] = Array("<!DOCTYPE".utf8)
    private static let systemKeyword: [UInt8] = Array("SYSTEM".utf8)
    private static let publicKeyword: [UInt8] = Array("PUBLIC".utf8)
    private static let predefinedEntities: Set<[UInt8]> = Set(["lt", "gt", "amp", "apos", "quot"].map { Array($0.utf8) })
}
