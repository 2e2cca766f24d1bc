// SPDX-License-Identifier: GPL-2.0-or-later
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// CONVENTIONS.md §1: PacerMonView is a pure core target: PacerModel, PacerScheduler,
/// PacerStatusView and the standard library, nothing else (no Foundation).
@Suite("PacerMonView architecture")
struct MonViewArchitectureTests {
    static let allowed: Set<String> = ["PacerModel", "PacerScheduler", "PacerStatusView"]

    static var directory: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Sources/PacerMonView"
    }

    static func files() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var files: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".swift") { files.append("\(directory)/\(name)") }
        }
        return files.sorted()
    }

    @Test("PacerMonView imports only PacerModel, PacerScheduler and PacerStatusView")
    func importsOnlyCoreTargets() throws {
        let files = Self.files()
        #expect(!files.isEmpty)
        for file in files {
            guard let handle = fopen(file, "r") else { Issue.record("cannot open \(file)"); continue }
            defer { fclose(handle) }
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), handle) != nil {
                let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
                guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                      words[..<i].allSatisfy({ ["public", "internal", "package", "private", "fileprivate", "@preconcurrency"].contains(String($0)) })
                else { continue }
                let module = String(words[i + 1])
                #expect(Self.allowed.contains(module), "\(file) imports \(module)")
            }
        }
    }
}
