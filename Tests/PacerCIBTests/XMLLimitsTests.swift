// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerXML
import Testing

/// Hostile XML (security issue #10, finding 5): DTDs and entities are refused, and every
/// document is held to size, depth, count and length limits, checked before the costly work
/// so a bomb is refused in milliseconds.
@Suite("XML parser limits")
struct XMLLimitsTests {
    static let tail = "<configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>\n"

    /// The classic "billion laughs": `levels` nested entities of ten references each.
    static func laughs(levels: Int, inText: Bool = false) -> String {
        var dtd = "<!ENTITY lol \"lol\">\n"
        for level in 1...levels {
            let inner = level == 1 ? "&lol;" : "&lol\(level - 1);"
            dtd += "<!ENTITY lol\(level) \"\(String(repeating: inner, count: 10))\">\n"
        }
        let root = inText
            ? "<cib epoch=\"1\"><configuration/><status>&lol\(levels);</status></cib>\n"
            : "<cib epoch=\"1\" x=\"&lol\(levels);\">" + tail
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE cib [\n" + dtd + "]>\n" + root
    }

    /// Parses `text` and returns the error, the elapsed seconds, and whether it parsed.
    func refusal(_ text: String) -> (error: XMLError?, seconds: Double) {
        let bytes = Array(text.utf8)
        let start = DispatchTime.now()
        var error: XMLError?
        do { _ = try XMLParser.parse(bytes: bytes) } catch let caught { error = caught }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return (error, seconds)
    }

    func expectRefused(_ text: String, mentioning phrase: String, line: Int? = nil,
                       within seconds: Double = 2, sourceLocation: SourceLocation = #_sourceLocation) {
        let (error, elapsed) = refusal(text)
        #expect(error != nil, "accepted (\(elapsed) s)", sourceLocation: sourceLocation)
        if let error {
            #expect(error.message.contains(phrase), "\(error) does not mention \(phrase)", sourceLocation: sourceLocation)
            if let line { #expect(error.line == line, "\(error)", sourceLocation: sourceLocation) }
        }
        #expect(elapsed < seconds, "took \(elapsed) s", sourceLocation: sourceLocation)
    }

    // MARK: DTDs and entities

    @Test("billion laughs in an attribute is refused at the DOCTYPE, at once")
    func billionLaughsAttribute() {
        expectRefused(Self.laughs(levels: 6), mentioning: "DOCTYPE", line: 2, within: 0.5)
        expectRefused(Self.laughs(levels: 9), mentioning: "DOCTYPE", line: 2, within: 0.5)
    }

    @Test("billion laughs in text is refused")
    func billionLaughsText() {
        expectRefused(Self.laughs(levels: 9, inText: true), mentioning: "DOCTYPE", line: 2, within: 0.5)
    }

    @Test("external entities and external DTDs are refused")
    func externalEntities() {
        expectRefused("<?xml version=\"1.0\"?>\n<!DOCTYPE cib [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n<cib x=\"1\"><status>&x;</status></cib>\n",
                      mentioning: "DOCTYPE", line: 2)
        expectRefused("<!DOCTYPE cib SYSTEM \"http://127.0.0.1:9/cib.dtd\">\n<cib/>\n", mentioning: "DOCTYPE", line: 1)
        expectRefused("<!DOCTYPE cib [ <!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; ]>\n<cib/>\n", mentioning: "DOCTYPE", line: 1)
        // A bare DOCTYPE with nothing in it is refused too: no DTD of any kind.
        expectRefused("<?xml version=\"1.0\"?>\n\n<!DOCTYPE cib>\n<cib/>\n", mentioning: "DOCTYPE", line: 3)
    }

    @Test("agent meta-data's bare external DOCTYPE is skipped unread, and only there")
    func agentMetadataDoctype() throws {
        let metadata = """
            <?xml version="1.0"?>
            <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
            <resource-agent name="Dummy" version="1.0"><parameters/></resource-agent>
            """
        #expect(try XMLParser.parse(metadata)["name"] == "Dummy")
        let publicID = "<!DOCTYPE resource-agent PUBLIC \"-//x//y\" 'ra-api-1.dtd' >\n<resource-agent name='a'/>"
        #expect(try XMLParser.parse(publicID)["name"] == "a")
        // The DTD named is never read: a default attribute it declares does not appear.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-dtd-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let dtd = dir.appendingPathComponent("ra.dtd").path
        try "<!ATTLIST resource-agent injected CDATA \"yes\">\n<!ENTITY x \"expanded\">\n".write(toFile: dtd, atomically: true, encoding: .utf8)
        let local = try XMLParser.parse("<!DOCTYPE resource-agent SYSTEM \"\(dtd)\">\n<resource-agent name=\"a\"/>")
        #expect(local["injected"] == nil)
        expectRefused("<!DOCTYPE resource-agent SYSTEM \"\(dtd)\">\n<resource-agent name=\"&x;\"/>", mentioning: "entity reference", line: 2)
        expectRefused("<!DOCTYPE resource-agent SYSTEM \"\(dtd)\">\n<resource-agent>\n<a>&x;</a></resource-agent>",
                      mentioning: "entity reference", line: 3)
        // Not on any other root, not with an internal subset, not when the caller allows none.
        expectRefused("<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n<cib/>", mentioning: "<!DOCTYPE resource-agent> refused")
        expectRefused("<!DOCTYPE cib SYSTEM \"ra-api-1.dtd\">\n<cib/>", mentioning: "<!DOCTYPE refused", line: 1)
        expectRefused("<!DOCTYPE resource-agent SYSTEM \"ra.dtd\" [ <!ENTITY x \"y\"> ]>\n<resource-agent/>", mentioning: "<!DOCTYPE refused", line: 1)
        expectRefused("<!DOCTYPE resource-agent [ <!ENTITY x \"y\"> ]>\n<resource-agent/>", mentioning: "<!DOCTYPE refused", line: 1)
        expectRefused("<resource-agent/>\n<!DOCTYPE resource-agent SYSTEM \"ra.dtd\">", mentioning: "<!DOCTYPE refused", line: 2)
        var strict = XMLLimits()
        strict.externalDoctypes = []
        #expect(throws: XMLError.self) { try XMLParser.parse(metadata, limits: strict) }
    }

    @Test("a declaration outside the prolog is refused like a DOCTYPE")
    func declarationInContent() {
        expectRefused("<cib>\n<!ENTITY x \"y\">\n</cib>\n", mentioning: "<!ENTITY", line: 2)
    }

    @Test("an undeclared entity reference is an error, not silently dropped")
    func undeclaredEntity() {
        expectRefused("<cib>\n<status>&x;</status></cib>\n", mentioning: "'x'", line: 2)
        expectRefused("<cib a=\"&x;\"/>\n", mentioning: "'x'", line: 1)
    }

    @Test("predefined entities, character references, comments, CDATA and '>' in values still read")
    func ordinaryMarkupStillReads() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment with <!DOCTYPE x> and "quotes' inside -->
            <cib a="x &gt; y &amp; &lt;z&gt; &#10;&#x41;" b='say "hi" > 2'>
              <?pi with > and "<!DOCTYPE" ?>
              <t>&amp;&lt;<![CDATA[<!DOCTYPE raw> & ]]>&#233;</t>
            </cib>
            """
        let root = try XMLParser.parse(text)
        #expect(root["a"] == "x > y & <z> \nA")
        #expect(root["b"] == "say \"hi\" > 2")
        let t = try #require(root.firstElement(named: "t"))
        #expect(t.children == [.text("&<"), .text("<!DOCTYPE raw> & "), .text("é")])
    }

    @Test("UTF-8 with a byte-order mark and Latin-1 declared documents still read")
    func encodingsStillRead() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<cib a=\"é\"/>".utf8)
        #expect(try XMLParser.parse(bytes: bom)["a"] == "é")
        let latin1: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<cib a=\"".utf8) + [0xE9] + Array("\"/>".utf8)
        #expect(try XMLParser.parse(bytes: latin1)["a"] == "é")
    }

    @Test("UTF-16, UTF-32 and EBCDIC documents are refused (their markup cannot be checked before parsing)")
    func nonASCIICompatibleEncodings() {
        let ascii = Array("<cib/>".utf8)
        let utf16LE: [UInt8] = [0xFF, 0xFE] + ascii.flatMap { [$0, 0] }
        let utf16BE: [UInt8] = [0xFE, 0xFF] + ascii.flatMap { [0, $0] }
        let utf32: [UInt8] = ascii.flatMap { [$0, 0, 0, 0] }
        for bytes in [utf16LE, utf16BE, utf32] {
            do { _ = try XMLParser.parse(bytes: bytes); Issue.record("accepted \(bytes.prefix(4))") } catch {
                #expect(error.message.contains("encoding"), "\(error)")
            }
        }
        let ebcdic = Array("<?xml version=\"1.0\" encoding=\"IBM037\"?>\n<cib/>".utf8)
        do { _ = try XMLParser.parse(bytes: ebcdic); Issue.record("accepted IBM037") } catch {
            #expect(error.message.contains("IBM037"), "\(error)")
        }
    }

    // MARK: Size, depth, count and length limits

    @Test("elements nested 256 deep read; 257, 10,000 and 100,000 deep are refused at once")
    func depth() throws {
        func chain(_ depth: Int) -> String {
            "<cib>\n" + String(repeating: "<a>", count: depth - 1) + String(repeating: "</a>", count: depth - 1) + "</cib>\n"
        }
        let root = try XMLParser.parse(chain(256))
        var depth = 1
        var node = root
        while let child = node.elements.first { node = child; depth += 1 }
        #expect(depth == 256)
        expectRefused(chain(257), mentioning: "nested deeper than 256", line: 2)
        expectRefused(chain(10_000), mentioning: "nested deeper than 256", line: 2, within: 0.5)
        expectRefused(chain(100_000), mentioning: "nested deeper than 256", line: 2, within: 0.5)
        // An empty element one level too deep counts as well.
        expectRefused("<cib>" + String(repeating: "<a>", count: 255) + "<b/>" + String(repeating: "</a>", count: 255) + "</cib>",
                      mentioning: "nested deeper than 256", line: 1)
    }

    @Test("an attribute value over 1 MiB is refused, naming its line; 1 MiB reads")
    func attributeLength() throws {
        let limit = 1 << 20
        let ok = try XMLParser.parse("<cib a=\"" + String(repeating: "A", count: limit) + "\"/>")
        #expect(ok["a"]?.utf8.count == limit)
        expectRefused("<cib>\n<x a=\"" + String(repeating: "A", count: limit + 1) + "\"/></cib>",
                      mentioning: "attribute value longer than 1048576 bytes", line: 2)
        expectRefused("<cib>\n\n<x a='" + String(repeating: "A", count: 9_000_000) + "'/></cib>",
                      mentioning: "attribute value longer than 1048576 bytes", line: 3, within: 0.5)
    }

    @Test("text, comments and CDATA over 1 MiB are refused")
    func textLength() {
        let big = String(repeating: "A", count: (1 << 20) + 1)
        expectRefused("<cib>\n<t>" + big + "</t></cib>", mentioning: "text longer than 1048576 bytes", line: 2)
        expectRefused("<cib>\n<!--" + big + "--></cib>", mentioning: "comment longer than 1048576 bytes", line: 2)
        expectRefused("<cib>\n<t><![CDATA[" + big + "]]></t></cib>", mentioning: "longer than 1048576 bytes", line: 2)
    }

    @Test("more than 1,024 attributes on one element is refused at once (libxml2 checks duplicates pairwise)")
    func attributesPerElement() throws {
        func element(_ count: Int) -> String {
            "<cib>\n<x " + (0..<count).map { "a\($0)=\"\"" }.joined(separator: " ") + "/></cib>"
        }
        #expect(try XMLParser.parse(element(1024)).elements.first?.attributes.count == 1024)
        expectRefused(element(1025), mentioning: "more than 1024 attributes", line: 2)
        expectRefused(element(100_000), mentioning: "more than 1024 attributes", line: 2, within: 0.5)
    }

    @Test("more than 1,000,000 elements is refused before they are built")
    func elementCount() {
        let text = "<cib>\n" + String(repeating: "<a/>", count: 3_000_000) + "</cib>"
        expectRefused(text, mentioning: "more than 1000000 elements", line: 2, within: 3)
    }

    @Test("more than 4,000,000 attributes in all is refused")
    func attributeCount() {
        let element = "<a " + (0..<1000).map { "a\($0)=\"\"" }.joined(separator: " ") + "/>"
        let text = "<cib>\n" + String(repeating: element, count: 4001) + "</cib>"
        expectRefused(text, mentioning: "more than 4000000 attributes", line: 2, within: 5)
    }

    @Test("a document over 64 MiB is refused without parsing it")
    func documentSize() {
        var bytes = Array("<cib>".utf8)
        bytes += [UInt8](repeating: 0x20, count: 64 << 20)
        bytes += Array("</cib>".utf8)
        let start = DispatchTime.now()
        do { _ = try XMLParser.parse(bytes: bytes); Issue.record("accepted") } catch {
            #expect(error.message.contains("67108864"), "\(error)")
        }
        #expect(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 < 0.5)
    }

    @Test("the 9,000-resource scale CIB still reads within the limits")
    func scaleCorpus() throws {
        let path = "/work/shared/scheduler-corpus/scale/cases/scale-09000.xml"
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let root = try XMLParser.parse(bytes: Array(data))
        #expect(root.name == "cib")
    }
}
