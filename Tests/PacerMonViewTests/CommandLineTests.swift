// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

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

    @Test("on a terminal the live view clears the screen, redraws, and exits 0 on SIGINT",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func liveView() throws {
        let example = Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path
        // script(1) gives pacer a pseudo-terminal; timeout sends the SIGINT.
        let command = "timeout --preserve-status -s INT 2.5 \(Tool.pacer) status --interval 1 --cib-file \(example)"
        let r = try Tool.run(["/usr/bin/script", "-qfec", command, "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("\u{1B}[H\u{1B}[2JCluster Summary:"), "\(r.stdout.prefix(80))")
        #expect(r.stdout.components(separatedBy: "\u{1B}[H\u{1B}[2JCluster Summary:").count - 1 >= 2, "redrawn at least twice")
    }

    @Test("not on a terminal, the view prints once without control codes and exits 0")
    func notATerminal() throws {
        let example = Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path
        let r = try Tool.run([Tool.pacer, "status", "--interval", "1", "--cib-file", example])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Cluster Summary:\n") && !r.stdout.contains("\u{1B}"))
        #expect(r.stdout.components(separatedBy: "Cluster Summary:").count - 1 == 1)
    }

    @Test("the live view without a daemon fails at once instead of redrawing")
    func liveViewNoDaemon() throws {
        let command = "timeout --preserve-status -s INT 5 \(Tool.pacer) status --interval 1"
        let r = try Tool.run(["/usr/bin/script", "-qfec", command, "/dev/null"], environment: ["PACER_IPC": "pacer-test-nobody-\(getpid())"])
        #expect(r.status == 66, "\(r.stdout)")
        #expect(!r.stdout.contains("Retrying") && r.stdout.contains("cannot reach pacerd"))
    }
}
