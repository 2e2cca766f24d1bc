// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing

/// `pacer status` as a command: errors, exit codes, formats.
@Suite("pacer status command line")
struct CommandLineTests {
    @Test("a missing CIB file is 'pacer: …' with exit status 66 (missing input)")
    func missingFile() throws {
        let r = try Tool.run([Tool.pacer, "status", "-1", "--cib-file", "/nonexistent/cib.xml"])
        #expect(r.status == 66)
        #expect(r.stderr == "pacer: CIB file /nonexistent/cib.xml does not exist\n")
        let env = try Tool.run([Tool.pacer, "status", "-1"], environment: ["CIB_file": "/nonexistent/cib.xml"])
        #expect(env.status == 66)
    }

    @Test("a file that is not XML is exit status 65 (bad data)")
    func malformed() throws {
        let path = NSTemporaryDirectory() + "pacer-status-bad-\(getpid()).xml"
        try "<cib><configuration>".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Tool.run([Tool.pacer, "status", "-1", "--cib-file", path])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("pacer: CIB file \(path) is not well-formed XML"))
    }

    @Test("usage errors exit 64", arguments: [["--output-as", "yaml"], ["--interval", "0"], ["--bogus"]])
    func usage(arguments: [String]) throws {
        let r = try Tool.run([Tool.pacer, "status", "-1", "--cib-file", "/dev/null"] + arguments)
        #expect(r.status == 64)
    }

    @Test("without a daemon and without a CIB file, the error says how to use a file")
    func noDaemon() throws {
        let r = try Tool.run([Tool.pacer, "status", "-1"], environment: ["PACER_IPC": "pacer-test-nobody-\(getpid())"])
        #expect(r.status == 66)
        #expect(r.stderr.hasPrefix("pacer: cannot reach pacerd"))
        #expect(r.stderr.contains("--cib-file"))
    }

    @Test("the live view clears the screen, redraws, and exits 0 on SIGINT")
    func liveView() throws {
        let example = Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tool.pacer)
        process.arguments = ["status", "--interval", "1", "--cib-file", example]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        Thread.sleep(forTimeInterval: 2.5)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("\u{1B}[H\u{1B}[2JCluster Summary:\n"))
        #expect(text.components(separatedBy: "Cluster Summary:").count - 1 >= 2, "redrawn at least twice")
    }
}
