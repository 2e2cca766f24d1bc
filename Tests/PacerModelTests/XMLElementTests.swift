// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import Testing

@Suite("XML value tree")
struct XMLElementTests {
    @Test("serializes in Pacemaker's layout with escaping")
    func serialize() {
        let element = XMLElement("a", [("id", "x"), ("v", "<&>\"\n")], elements: [XMLElement("b"), XMLElement("c", [("k", "1")])])
        #expect(element.serialized() == "<a id=\"x\" v=\"&lt;&amp;&gt;&quot;&#10;\">\n  <b/>\n  <c k=\"1\"/>\n</a>\n")
    }

    @Test("attribute subscript sets, updates in place and removes")
    func attributes() {
        var element = XMLElement("n", [("a", "1"), ("b", "2")])
        element["a"] = "3"
        element["c"] = "4"
        element["b"] = nil
        #expect(element.attributes.map(\.name) == ["a", "c"])
        #expect(element["a"] == "3")
    }

    @Test("path(toID:) finds nested elements and modify(at:) edits them in place")
    func pathAndModify() {
        var root = XMLElement("r", [], elements: [XMLElement("g", [("id", "g")], elements: [XMLElement("p", [("id", "p")])])])
        let path = root.path(toID: "p")
        #expect(path == [0, 0])
        root.modify(at: path![...]) { $0["class"] = "ocf" }
        #expect(root.element(at: [0, 0])?["class"] == "ocf")
    }

    @Test("CIB versions compare admin_epoch, then epoch, then num_updates")
    func versionOrder() {
        let a = CIBVersion(adminEpoch: 0, epoch: 9, numUpdates: 100)
        let b = CIBVersion(adminEpoch: 0, epoch: 10, numUpdates: 0)
        let c = CIBVersion(adminEpoch: 1, epoch: 0, numUpdates: 0)
        #expect(a < b && b < c)
    }
}

@Suite("CIB versions")
struct CIBVersionParsingTests {
    @Test("a.b.c parses; anything else is nil, never a trap")
    func parsing() {
        #expect(CIBVersion(parsing: "0.12.3") == CIBVersion(adminEpoch: 0, epoch: 12, numUpdates: 3))
        #expect(CIBVersion(parsing: "\(CIBVersion(adminEpoch: 4, epoch: 5, numUpdates: 6))") == CIBVersion(adminEpoch: 4, epoch: 5, numUpdates: 6))
        for bad in ["", "1.2", "1.2.3.4", "1..3", "a.b.c", "-1.2.3", "1.2.3 ", "99999999999999999999.1.1", "1.2.+3"] {
            #expect(CIBVersion(parsing: bad) == nil, "'\(bad)'")
        }
    }
}
