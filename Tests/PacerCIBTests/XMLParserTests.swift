// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerXML
import Testing

/// What the SAX2 tree builder makes of the parts of XML a CIB may hold: the same tree
/// libxml2's text reader gave before it (entities decoded, CDATA kept apart from text,
/// whitespace between elements dropped, namespace declarations first).
@Suite("XML parser: the tree it builds")
struct XMLParserTests {
    func parse(_ text: String) throws -> XMLElement { try XMLParser.parse(text) }

    @Test("entities and character references are decoded in values and text, & included")
    func entities() throws {
        let root = try parse(#"<a v="x &amp; y &#38; z &lt;&gt;&quot;&apos; &#233; &#x41;">t &amp; u &#38; v &lt;w&gt;</a>"#)
        #expect(root["v"] == "x & y & z <>\"' é A")
        #expect(root.children == [.text("t & u & v <w>")])
    }

    @Test("an escaped character reference stays text")
    func escapedReference() throws {
        let root = try parse(#"<a v="&amp;#38;" w="&amp;amp;">&amp;#38;</a>"#)
        #expect(root["v"] == "&#38;")
        #expect(root["w"] == "&amp;")
        #expect(root.children == [.text("&#38;")])
    }

    @Test("CDATA is a node of its own between text; blank text goes, comments stay")
    func textNodes() throws {
        let root = try parse("<a>x<![CDATA[<y> & z]]>z\n  <!-- note -->\n  <b/>\n</a>")
        #expect(root.children == [.text("x"), .text("<y> & z"), .text("z\n  "), .comment(" note "),
                                  .element(XMLElement("b", line: 4))])
    }

    @Test("namespace declarations come first, prefixed names keep their prefix")
    func namespaces() throws {
        let root = try parse(#"<a k="1" xmlns:p="urn:x" p:k="2"><p:b/></a>"#)
        #expect(root.attributes.map(\.name) == ["xmlns:p", "k", "p:k"])
        #expect(root["p:k"] == "2")
        #expect(root.elements.map(\.name) == ["p:b"])
    }

    @Test("element lines are exact beyond line 65,535")
    func bigLines() throws {
        let root = try parse("<a>" + String(repeating: "\n", count: 70_000) + "<b/></a>")
        #expect(root.elements.first?.line == 70_001)
    }

    @Test("long values read twice are equal, and so are different ones apart")
    func sharedValues() throws {
        let digest = "0123456789abcdef0123456789abcdef"
        var text = "<a>"
        for i in 0..<3000 { text += "<b d=\"\(digest)\" k=\"\(i)-\(digest)\"/>" }
        let root = try parse(text + "</a>")
        #expect(root.elements.allSatisfy { $0["d"] == digest })
        #expect(Set(root.elements.compactMap { $0["k"] }).count == 3000)
        #expect(root.elements.last?["k"] == "2999-\(digest)")
    }

    @Test("a document that is not well-formed names the line")
    func malformed() {
        #expect(throws: XMLError.self) { try parse("<a>\n<b>\n</a>") }
        do { _ = try parse("<a>\n<b>\n</a>") } catch let error as XMLError { #expect(error.line == 3, "\(error)") } catch {}
        #expect(throws: XMLError.self) { try parse("") }
        #expect(throws: XMLError.self) { try parse("<a/><b/>") }
    }
}
