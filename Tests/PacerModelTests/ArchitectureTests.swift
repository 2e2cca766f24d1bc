// SPDX-License-Identifier: GPL-2.0-or-later
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CONVENTIONS.md §1: each target imports only what its layer allows, so dependencies stay one-way.
@Suite("architecture")
struct ArchitectureTests {
    static let allowed: [String: Set<String>] = [
        "PacerModel": [],
        "PacerCrmSyntax": ["PacerModel"],
        "PacerScheduler": ["PacerModel"],
        "PacerStatusView": ["PacerModel"],
        "PacerMembership": [],
        "PacerConfig": [],
        "PacerIPC": ["CQB"],
        "PacerController": ["PacerModel", "PacerScheduler"],
        "PacerXML": ["CLibXML2", "PacerModel"],
        "PacerCIB": ["PacerXML", "PacerModel"],
    ]
    /// Modules any target may use: the standard library's and the platform's.
    static let platform: Set<String> = ["Glibc", "Musl", "Darwin", "FoundationEssentials", "Synchronization", "_Concurrency"]

    static var sources: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Sources"
    }

    static func swiftFiles(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            let path = "\(directory)/\(name)"
            if entry.pointee.d_type == UInt8(DT_DIR) { files += swiftFiles(in: path) } else if name.hasSuffix(".swift") { files.append(path) }
        }
        return files
    }

    static func imports(of file: String) -> [String] {
        guard let handle = fopen(file, "r") else { return [] }
        defer { fclose(handle) }
        var result: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), handle) != nil {
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { continue }
            let before = words[..<index]
            guard before.allSatisfy({ ["public", "internal", "package", "private", "fileprivate", "@testable", "@preconcurrency"].contains(String($0)) }) else { continue }
            result.append(String(words[index + 1]))
        }
        return result
    }

    @Test("core and edge targets import only the layers below them", arguments: Array(allowed.keys).sorted())
    func importsFollowTheLayers(target: String) {
        let files = Self.swiftFiles(in: "\(Self.sources)/\(target)")
        for file in files {
            for module in Self.imports(of: file) where !Self.allowed[target]!.contains(module) && !Self.platform.contains(module) {
                Issue.record("\(file) imports \(module); \(target) may import only \(Self.allowed[target]!.sorted())")
            }
        }
    }
}
