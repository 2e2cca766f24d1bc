// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCIB
import PacerIPC
import PacerModel
import PacerWire
import PacerXML
#if canImport(Glibc)
import Glibc
#endif

/// Where a command reads and writes the CIB: a file (`CIB_file=`, `--cib-file`), or the
/// running daemon on this node (over libqb IPC).
///
/// Writes to the daemon send the whole new `<configuration>` with the version it was
/// based on; when someone else changed the configuration meanwhile the daemon answers
/// `conflict` and the edit is redone on the fresh CIB (up to a few times).
enum CIBTarget {
    case file(CIBFile)
    case daemon(name: String)

    /// The IPC name of the local daemon: `$PACER_IPC`, else `pacer`.
    static var daemonName: String {
        if let env = getenv("PACER_IPC"), env.pointee != 0 { return String(cString: env) }
        return "pacer"
    }

    func load() throws -> XMLElement {
        switch self {
        case .file(let file): return try file.load()
        case .daemon(let name):
            let text: String
            switch try Self.request(name, .cib) {
            case .cib(let xml): text = xml
            case .error(let reason): throw CLIFailure(reason, code: 1)
            default: throw CLIFailure("unexpected reply", code: 1)
            }
            do { return try XMLParser.parse(text) } catch { throw CLIFailure("the daemon sent a CIB that does not parse: \(error)", code: 1) }
        }
    }

    /// Applies `body` to the CIB and stores the result.
    func update<E: Error>(_ body: (inout XMLElement) throws(E) -> Void) throws {
        switch self {
        case .file(let file):
            try file.update(body)
        case .daemon(let name):
            for _ in 0..<5 {
                var cib = try load()
                let base = CIBVersion(of: cib)
                let before = cib.firstElement(named: "configuration")
                try body(&cib)
                guard let configuration = cib.firstElement(named: "configuration"), configuration != before else { return }
                switch try Self.request(name, .edit(.replaceConfiguration(base: base, configuration: configuration.serialized()))) {
                case .ok: return
                case .conflict: continue
                case .error(let reason): throw CLIFailure(reason, code: 1)
                default: throw CLIFailure("the daemon refused the change", code: 1)
                }
            }
            throw CLIFailure("the configuration kept changing under this command; try again", code: 1)
        }
    }

    /// A request to the local daemon.
    static func request(_ name: String, _ message: DaemonRequest) throws(CLIFailure) -> DaemonReply {
        let client: IPCClient
        do { client = try IPCClient.connect(name: name) } catch {
            throw CLIFailure("cannot reach pacerd (\(error)); is it running? For a CIB file use --cib-file PATH or CIB_file=PATH", code: 66)
        }
        defer { client.close() }
        let reply: [UInt8]
        do { reply = try client.request(message.encoded, timeout: .seconds(30)) } catch {
            throw CLIFailure("request to pacerd failed: \(error)", code: 1)
        }
        do { return try DaemonReply(decoding: reply) } catch { throw CLIFailure("pacerd's reply does not decode: \(error)", code: 1) }
    }

    /// Sends an edit to the local daemon; throws its reason when it is not done.
    static func edit(_ name: String, _ edit: OperatorEdit, refused: String) throws(CLIFailure) {
        switch try request(name, .edit(edit)) {
        case .ok: return
        case .error(let reason), .conflict(let reason), .notRunning(let reason): throw CLIFailure(reason, code: 1)
        case .cib, .status: throw CLIFailure(refused, code: 1)
        }
    }
}

/// A command failure with its exit status, printed as `pacer: <message>`.
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32
    init(_ description: String, code: Int32) {
        self.description = description
        self.code = code
    }
}
