// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing

/// The one architecture test (CONVENTIONS.md §1): every target's `import` lines against the
/// layering table in `docs/ARCHITECTURE.md` ("Imports"), and `Package.swift`'s dependencies
/// against the imports, so that neither the documentation nor the manifest drifts from the
/// code. SwiftPM would let a target reach its dependencies' dependencies; this does not.
@Suite("architecture")
struct ArchitectureTests {
    /// Modules any target may use: the standard library's and the platform's.
    static let platform: Set<String> = ["Glibc", "Musl", "Darwin", "FoundationEssentials", "Synchronization", "_Concurrency"]
    /// What test targets may import besides their dependencies.
    static let testPlatform: Set<String> = platform.union(["Foundation", "Testing"])

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// One row of the table: a target, its layer, the modules it may import.
    struct Row {
        var layer: String
        var allowed: Set<String>
    }

    /// The "Imports" table of docs/ARCHITECTURE.md: `| `target` | layer | `A`, `B` |`, where
    /// "any core or edge target" allows every target of those layers.
    static func layering() throws -> [String: Row] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        guard let start = text.range(of: "\n## Imports\n") else { return [:] }
        var rows: [String: Row] = [:]
        var anyLower: [String] = []
        for line in text[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`") else { continue }
            let target = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let allowed = Set(backticked(cells[3]))
            rows[target] = Row(layer: cells[2], allowed: allowed)
            if cells[3].contains("any core or edge target") { anyLower.append(target) }
        }
        let lower = rows.filter { $0.value.layer == "core" || $0.value.layer == "edge" }.map(\.key)
        for target in anyLower { rows[target]!.allowed.formUnion(lower) }
        return rows
    }

    static func backticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// A target of Package.swift: its kind, folder and dependencies (targets and products).
    struct ManifestTarget {
        var kind: String
        var path: String
        var dependencies: Set<String>
    }

    /// Reads the `.target(…)` entries of Package.swift by their balanced parentheses.
    static func manifest() throws -> [String: ManifestTarget] {
        let text = Array(try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8))
        var targets: [String: ManifestTarget] = [:]
        var index = 0
        let kinds = ["target", "executableTarget", "testTarget", "systemLibrary"]
        while index < text.count {
            guard text[index] == ".", let kind = kinds.first(where: { text[(index + 1)...].starts(with: Array($0 + "(")) }) else {
                index += 1
                continue
            }
            var depth = 0, end = index + kind.count + 1
            repeat {
                if text[end] == "(" { depth += 1 } else if text[end] == ")" { depth -= 1 }
                end += 1
            } while depth > 0 && end < text.count
            let body = String(text[(index + kind.count + 2)..<(end - 1)])
            index = end
            guard let name = firstString(after: "name: ", in: body) else { continue }
            let folder = kind == "testTarget" ? "Tests" : "Sources"
            var dependencies: Set<String> = []
            if let list = body.range(of: "dependencies: [") {
                var depth = 1, cursor = list.upperBound
                while depth > 0, cursor < body.endIndex {
                    if body[cursor] == "[" { depth += 1 } else if body[cursor] == "]" { depth -= 1 }
                    cursor = body.index(after: cursor)
                }
                let deps = String(body[list.upperBound..<cursor]).replacingOccurrences(of: #"package: "[^"]*""#, with: "", options: .regularExpression)
                dependencies = Set(deps.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
            }
            targets[name] = ManifestTarget(kind: kind, path: firstString(after: "path: ", in: body) ?? "\(folder)/\(name)",
                                           dependencies: dependencies)
        }
        return targets
    }

    static func firstString(after key: String, in text: String) -> String? {
        guard let range = text.range(of: key + "\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    static func swiftFiles(in directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.map { "\(directory)/\($0)" }.sorted()
    }

    /// The modules a file imports (`import X`, `public import X`, `@testable import X`, …).
    static func imports(of file: String) -> [String] {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        var result: [String] = []
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
            let before = words[..<index]
            guard before.allSatisfy({ ["public", "internal", "package", "private", "fileprivate", "@testable", "@preconcurrency"].contains(String($0)) }) else { continue }
            result.append(String(words[index + 1]))
        }
        return result
    }

    static func importedModules(of target: ManifestTarget) -> Set<String> {
        Set(swiftFiles(in: root.appendingPathComponent(target.path).path).flatMap(imports(of:)))
    }

    @Test("every source target imports only what docs/ARCHITECTURE.md allows its layer")
    func importsFollowTheLayers() throws {
        let rows = try Self.layering(), targets = try Self.manifest()
        #expect(!rows.isEmpty, "docs/ARCHITECTURE.md has no \"## Imports\" table")
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) where target.kind != "testTarget" {
            guard let row = rows[name] else {
                Issue.record("\(name) is in Package.swift but not in docs/ARCHITECTURE.md's Imports table")
                continue
            }
            for file in Self.swiftFiles(in: Self.root.appendingPathComponent(target.path).path) {
                for module in Self.imports(of: file) where !row.allowed.contains(module) && !Self.platform.contains(module) {
                    Issue.record("\(file) imports \(module); \(name) (\(row.layer)) may import only \(row.allowed.sorted())")
                }
            }
        }
        for name in rows.keys.sorted() where targets[name] == nil {
            Issue.record("docs/ARCHITECTURE.md lists \(name), which Package.swift does not have")
        }
    }

    @Test("Package.swift lists exactly the modules each target imports")
    func manifestEqualsImports() throws {
        let targets = try Self.manifest()
        #expect(targets.count > 20, "Package.swift was not read: \(targets.keys.sorted())")
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) where target.kind != "systemLibrary" {
            let platform = target.kind == "testTarget" ? Self.testPlatform : Self.platform.union(["Foundation"])
            let imported = Self.importedModules(of: target).subtracting(platform)
            let missing = imported.subtracting(target.dependencies), unused = target.dependencies.subtracting(imported)
            #expect(missing.isEmpty && unused.isEmpty,
                    "\(name): imported but not a dependency \(missing.sorted()); a dependency not imported \(unused.sorted())")
        }
    }

    @Test("the README's layout table names every target but the test targets")
    func readmeListsTheTargets() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for (name, target) in try Self.manifest() where target.kind != "testTarget" {
            #expect(readme.contains("`\(name)`"), "README.md's Layout table does not name \(name)")
        }
    }
}
