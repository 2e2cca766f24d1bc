// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerXML

/// Runs the reference tools (crm_simulate, crm_mon, xmllint) and `pacer`.
enum Tool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `arguments` (no shell) with `LC_ALL=C` and extra environment.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : try which(arguments[0]))
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["CIB_file"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func which(_ name: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ToolMissing(name: name)
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not installed; the crm_mon differential tests cannot run without it" }
    }

    /// The package root (the repository checkout).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The scheduler corpus's cases in the repository (`Tests/Fixtures/scheduler-corpus/cases`).
    static var corpusCases: String {
        packageRoot.appendingPathComponent("Tests/Fixtures/scheduler-corpus/cases").path
    }

    /// The `pacer` binary built beside this test bundle (or `$PACER_BIN`).
    static var pacer: String {
        if let path = ProcessInfo.processInfo.environment["PACER_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("pacer").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        for scratch in [".build-mon", ".build"] {
            let candidate = packageRoot.appendingPathComponent("\(scratch)/debug/pacer").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "pacer"
    }

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
