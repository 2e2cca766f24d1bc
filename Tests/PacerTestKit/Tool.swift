// SPDX-License-Identifier: GPL-2.0-or-later
public import Foundation

/// What a run of a program gave.
public struct ToolResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Standard output without leading and trailing white space (a one-line answer).
    public var trimmedStdout: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// A reference tool (crm_simulate, crm_mon, crm, xmllint, …) is not installed: a loud failure,
/// never a skip (CONVENTIONS.md §5).
public struct ToolMissing: Error, CustomStringConvertible {
    public var name: String
    public var description: String {
        "\(name) is not installed (CI installs it in .ci/run); the tests that compare with it cannot run"
    }
}

/// Runs programs for the tests and finds them: the reference tools on `PATH`, Pacer's own
/// binaries beside the test bundle, the repository's files. Every test target uses this one
/// copy (issue #11); `PacerIntegrationTests` runs its long-lived daemons and scripts with
/// Pacer's `ChildProcess` instead, for the reason its `run(_:environment:)` gives.
public enum Tool {
    /// Runs `arguments` (no shell; a bare name is looked up with ``which(_:)``) to its end.
    ///
    /// The child gets this process's environment with `LC_ALL=C` and without `CIB_file`, then
    /// `environment` on top; `stdin` is written to its standard input, which is then closed.
    /// Standard output and error are read at the same time, so a chatty child cannot block.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                           directory: String? = nil) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : try which(arguments[0]))
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["CIB_file"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
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
        return ToolResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a command line through `/bin/sh -c`, as a user types it.
    @discardableResult
    public static func sh(_ command: String, environment: [String: String] = [:]) throws -> ToolResult {
        try run(["/bin/sh", "-c", command], environment: environment)
    }

    /// The path of `name` on `PATH` or in the usual system directories.
    /// - Throws: ``ToolMissing`` when there is none.
    public static func which(_ name: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ToolMissing(name: name)
    }

    /// The `pacer` binary under test: `$PACER_BIN`, else ``binary(_:)``.
    public static var pacer: String {
        ProcessInfo.processInfo.environment["PACER_BIN"] ?? binary("pacer")
    }

    /// A binary this package builds (`pacer`, `pacerd`, `pacer-ipc-probe`): found in the folder
    /// of `$PACER_BIN` when set, else beside the test bundle or up to four folders above it,
    /// else in the package's `.build/debug`.
    public static func binary(_ name: String) -> String {
        var directory = ProcessInfo.processInfo.environment["PACER_BIN"].map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// The package root (the repository checkout).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A folder several test targets read, under `Tests/Fixtures` (CONVENTIONS.md §5).
    public static func sharedFixture(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/\(name)").path
    }

    /// The scheduler corpus (`Tests/Fixtures/scheduler-corpus`, see its README).
    public static var corpus: String { sharedFixture("scheduler-corpus") }

    /// A test target's own `Fixtures` folder in the source tree.
    public static func fixtures(of target: String) -> String {
        packageRoot.appendingPathComponent("Tests/\(target)/Fixtures").path
    }
}

extension Tool {
    /// A new empty folder under the temporary directory, named for the test process and `tag`
    /// (`pacer-TAG-PID-…`); the caller removes it.
    public static func scratchDirectory(_ tag: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pacer-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
