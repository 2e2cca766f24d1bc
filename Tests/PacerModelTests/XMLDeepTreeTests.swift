// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import Testing

/// Deep trees (security issue #10, finding 5): writing one uses no recursion a deep chain can
/// overflow, and the written size grows linearly with the element count.
///
/// Releasing a tree is still recursive (Swift releases nested arrays that way, about 145 bytes
/// of stack a level): `XMLParser` refuses documents nested deeper than 256 levels, so no input
/// makes a deeper tree. Trees built deeper here are taken apart level by level (`dismantle`).
@Suite("XML deep trees")
struct XMLDeepTreeTests {
    /// `<a><a>…<leaf/>…</a></a>`, `depth` elements in all, built without recursion.
    static func chain(_ depth: Int) -> XMLElement {
        var element = XMLElement("leaf", [("id", "x")])
        for _ in 1..<depth { element = XMLElement("a", elements: [element]) }
        return element
    }

    /// Releases a chain one level at a time (each parent lets go of its child before it goes).
    static func dismantle(_ tree: consuming XMLElement) {
        var current = tree
        while case .element(let child)? = current.children.first {
            current.children = []
            current = child
        }
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now()
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    @Test("a 10,000-deep tree serializes to a size linear in its depth")
    func tenThousandDeep() {
        let tree = Self.chain(10_000)
        var text = ""
        let elapsed = Self.seconds { text = tree.serialized() }
        // Two lines per element, each indented by at most 64 columns.
        #expect(text.utf8.count < 10_000 * 2 * 80, "\(text.utf8.count) bytes")
        #expect(text.hasPrefix("<a>\n  <a>\n"))
        #expect(text.contains("<leaf id=\"x\"/>\n"))
        #expect(elapsed < 2, "took \(elapsed) s")
        Self.dismantle(consume tree)
    }

    @Test("a 100,000-deep tree serializes without overflowing the stack")
    func hundredThousandDeep() {
        let elapsed = Self.seconds {
            let tree = Self.chain(100_000)
            let text = tree.serialized()
            #expect(text.utf8.count < 100_000 * 2 * 80)
            let flat = tree.serialized(indent: false)
            #expect(flat.utf8.count == 99_999 * 7 + "<leaf id=\"x\"/>".utf8.count)
            Self.dismantle(consume tree)
        }
        #expect(elapsed < 5, "took \(elapsed) s")
    }

    @Test("the deepest tree XMLParser accepts (256) is released within a 128 KiB stack")
    func deepestParseableTreeReleases() {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var written = 0
        let thread = Thread {
            do {
                let tree = Self.chain(256)
                written = tree.serialized(indent: false).utf8.count
            }   // released here, on this thread's small stack
            done.signal()
        }
        thread.stackSize = 128 << 10
        thread.start()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(written == 255 * 7 + "<leaf id=\"x\"/>".utf8.count)
    }

    @Test("indentation stops growing past 32 levels; shallower output is unchanged")
    func indentationCap() {
        let text = Self.chain(40).serialized()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[31] == Substring(String(repeating: "  ", count: 31) + "<a>"))
        #expect(lines[32] == Substring(String(repeating: "  ", count: 32) + "<a>"))
        #expect(lines[33] == Substring(String(repeating: "  ", count: 32) + "<a>"))
        #expect(lines[39] == Substring(String(repeating: "  ", count: 32) + "<leaf id=\"x\"/>"))
        #expect(lines[40] == Substring(String(repeating: "  ", count: 32) + "</a>"))
        #expect(lines[78] == "</a>")
        let shallow = XMLElement("a", elements: [XMLElement("b", elements: [XMLElement("c", [("k", "v")])]), XMLElement("d")])
        #expect(shallow.serialized() == "<a>\n  <b>\n    <c k=\"v\"/>\n  </b>\n  <d/>\n</a>\n")
    }

    @Test("mixed content, comments and unindented output keep their layout")
    func mixedContent() {
        let element = XMLElement("r", children: [
            .comment(" c "),
            .element(XMLElement("m", children: [.text("a<b"), .element(XMLElement("i", elements: [XMLElement("j")])), .text("&")])),
            .element(XMLElement("e", elements: [XMLElement("f")])),
        ])
        #expect(element.serialized() == "<r>\n  <!-- c -->\n  <m>a&lt;b<i><j/></i>&amp;</m>\n  <e>\n    <f/>\n  </e>\n</r>\n")
        #expect(element.serialized(indent: false) == "<r><!-- c --><m>a&lt;b<i><j/></i>&amp;</m><e><f/></e></r>")
    }

    @Test("copies stay independent when one is edited")
    func copyOnWrite() {
        let original = XMLElement("a", elements: [XMLElement("b")])
        var copy = original
        copy.append(XMLElement("c"))
        copy.modifyChild(at: 0) { $0["k"] = "v" }
        #expect(original.serialized() == "<a>\n  <b/>\n</a>\n")
        #expect(copy.serialized() == "<a>\n  <b k=\"v\"/>\n  <c/>\n</a>\n")
        #expect(original != copy)
    }
}
