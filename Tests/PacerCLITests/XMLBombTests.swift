// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
import PacerTestKit
#endif

/// Hostile CIB files (security issue #10, finding 5) given to the commands that read them:
/// each is refused with one line and exit status 65 (bad data), quickly and in little memory.
@Suite("CLI: XML bombs", .serialized)
struct XMLBombTests {
    struct Bomb: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        /// What the one-line error must say.
        var mentions: String
        var testDescription: String { name }
    }

    static let tail = "<configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>\n"
    static let head = "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\">"

    static func laughs(levels: Int) -> String {
        var dtd = "<!ENTITY lol \"lol\">\n"
        for level in 1...levels {
            dtd += "<!ENTITY lol\(level) \"\(String(repeating: level == 1 ? "&lol;" : "&lol\(level - 1);", count: 10))\">\n"
        }
        return "<?xml version=\"1.0\"?>\n<!DOCTYPE cib [\n" + dtd + "]>\n<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\" x=\"&lol\(levels);\">" + tail
    }

    static func deep(_ depth: Int) -> String {
        head + "<configuration><crm_config/><nodes/><resources/><constraints/></configuration><status>\n"
            + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</status></cib>\n"
    }

    static let bombs: [Bomb] = [
        Bomb(name: "billion laughs (9 levels)", text: laughs(levels: 9), mentions: "DOCTYPE"),
        Bomb(name: "external entity", text: "<?xml version=\"1.0\"?>\n<!DOCTYPE cib [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n"
                + head + "<configuration/><status>&x;</status></cib>\n", mentions: "DOCTYPE"),
        Bomb(name: "external DTD", text: "<!DOCTYPE cib SYSTEM \"http://127.0.0.1:9/cib.dtd\">\n" + head + tail, mentions: "DOCTYPE"),
        Bomb(name: "9 MB attribute", text: "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"\n x=\"" + String(repeating: "A", count: 9_000_000) + "\">" + tail,
             mentions: "attribute value longer than"),
        Bomb(name: "100,000 attributes", text: "<cib epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\"\n "
                + (0..<100_000).map { "a\($0)=\"\"" }.joined(separator: " ") + ">" + tail, mentions: "attributes"),
        Bomb(name: "depth 10,000", text: deep(10_000), mentions: "nested deeper than"),
        Bomb(name: "depth 100,000", text: deep(100_000), mentions: "nested deeper than"),
        Bomb(name: "3,000,000 elements", text: head + "<configuration/><status>\n" + String(repeating: "<a/>", count: 3_000_000) + "</status></cib>\n",
             mentions: "elements"),
    ]

    /// How the child ended, its output, wall time and peak resident memory (-1 when unknown).
    struct Outcome {
        var status: Int32
        var signal: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var peakKB: Int
    }

    /// Runs `arguments` with a deadline (its process group killed past it), measuring its peak RSS.
    ///
    /// The peak comes from GNU time when installed: `wait4` here would report this test
    /// process's own peak too, which a `vfork`ed child inherits until it execs.
    static func run(_ arguments: [String], environment: [String: String] = [:], deadline: Double = 20) throws -> Outcome {
        let dir = try TemporaryDirectory()
        let outPath = dir.file("out"), errPath = dir.file("err"), peakPath = dir.file("peak")
        let time = "/usr/bin/time"
        let measured = FileManager.default.isExecutableFile(atPath: time)
        let arguments = measured ? [time, "-f", "%M", "-o", peakPath] + arguments : arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        env["CIB_file"] = nil
        for (key, value) in environment { env[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let start = DispatchTime.now()
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 > deadline { kill(-pid, SIGKILL) }
            usleep(2_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let exited = status & 0x7f == 0
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        var peak = -1, signal = exited ? 0 : status & 0x7f, code = exited ? (status >> 8) & 0xff : -1
        if measured, let text = try? String(contentsOfFile: peakPath, encoding: .utf8) {
            // GNU time writes "Command terminated by signal N" or "exited with non-zero status" lines before the figure.
            let lines = text.split(separator: "\n")
            peak = lines.last.flatMap { Int($0) } ?? -1
            if let line = lines.first(where: { $0.hasPrefix("Command terminated by signal ") }) {
                signal = Int32(line.dropFirst("Command terminated by signal ".count)) ?? signal
                code = -1
            }
        }
        return Outcome(status: code, signal: signal,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: stderr, seconds: seconds, peakKB: peak)
    }

    /// The commands that read a CIB file: name, arguments and environment for `path`.
    static func commands(_ path: String) -> [(name: String, arguments: [String], environment: [String: String])] {
        [
            ("configure show", ["configure", "show"], ["CIB_file": path]),
            ("configure property (a write)", ["configure", "property", "stonith-enabled=false"], ["CIB_file": path]),
            ("simulate -x", ["simulate", "-x", path], [:]),
            ("status -1 --cib-file", ["status", "-1", "--cib-file", path], [:]),
        ]
    }

    @Test("refused by configure show, configure property, simulate -x and status --cib-file: one line, exit 65, fast, small",
          arguments: bombs)
    func refused(_ bomb: Bomb) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bomb.xml", bomb.text)
        for command in Self.commands(path) {
            let outcome = try Self.run([Tool.pacer] + command.arguments, environment: command.environment)
            let what = "\(command.name) on \(bomb.name): status \(outcome.status) signal \(outcome.signal), "
                + "\(String(format: "%.3f", outcome.seconds)) s, \(outcome.peakKB) KB peak"
            print(what)
            #expect(outcome.signal == 0 && outcome.status == 65, "\(what); stderr: \(outcome.stderr.prefix(300))")
            #expect(outcome.stderr.hasPrefix("pacer: ") && outcome.stderr.split(separator: "\n").count == 1,
                    "\(what): \(outcome.stderr.prefix(300))")
            #expect(outcome.stderr.contains(bomb.mentions) && outcome.stderr.contains(path), "\(what): \(outcome.stderr.prefix(300))")
            #expect(outcome.seconds < 5, "\(what)")
            if outcome.peakKB >= 0 { #expect(outcome.peakKB < 50_000, "\(what)") }
            #expect(try dir.read("bomb.xml") == bomb.text, "\(command.name) changed the file")
        }
    }

    @Test("a CIB 200 elements deep is read and written back at its own size")
    func deepButAllowed() throws {
        let dir = try TemporaryDirectory()
        let text = Self.deep(199)
        let path = try dir.write("cib.xml", text)
        let outcome = try Self.run([Tool.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let written = try dir.read("cib.xml")
        #expect(written.utf8.count < 200 * 2 * 80, "\(written.utf8.count) bytes")
        #expect(written.contains("stonith-enabled"))
    }
}
