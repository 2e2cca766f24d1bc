// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerTestKit
import PacerXML

extension Tool {
    /// The scheduler corpus's cases (`Tests/Fixtures/scheduler-corpus/cases`).
    static var corpusCases: String { corpus + "/cases" }

    static func read(_ path: String) throws -> XMLElement {
        try XMLParser.parse(try String(contentsOfFile: path, encoding: .utf8))
    }

    static func write(_ cib: XMLElement, to path: String) throws {
        try cib.serialized().write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Text as compared: everything but the `Last updated` line.
func withoutLastUpdated(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.hasPrefix("  * Last updated: ") }.joined(separator: "\n")
}

/// A short unified-style listing of the first differing lines.
func lineDiff(_ expected: String, _ actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
        if i < e.count { out.append("-\(i + 1): \(e[i])") }
        if i < a.count { out.append("+\(i + 1): \(a[i])") }
        if out.count >= 12 { break }
    }
    return out.joined(separator: "\n")
}

extension XMLElement {
    /// Applies `body` to every descendant element (self included) matching `predicate`.
    mutating func modifyAll(where predicate: (XMLElement) -> Bool, _ body: (inout XMLElement) -> Void) {
        if predicate(self) { body(&self) }
        for index in children.indices {
            if case .element = children[index] {
                modifyChild(at: index) { $0.modifyAll(where: predicate, body) }
            }
        }
    }
}
