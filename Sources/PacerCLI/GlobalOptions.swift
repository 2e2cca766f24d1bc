// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// Options every command that reads or writes a CIB shares.
public struct CIBOptions: ParsableArguments {
    @Option(name: .customLong("cib-file"), help: ArgumentHelp("Work offline on this CIB file (like CIB_file=).", valueName: "path"))
    public var cibFile: String?

    public init() {}

    /// `--cib-file`, else `$CIB_file`, else the shadow CIB in use (`$CIB_shadow` or
    /// `pacer cib use`), else the local daemon.
    func resolve() -> CIBTarget {
        if let cibFile { return .file(CIBFile(path: cibFile)) }
        if let env = getenv("CIB_file"), env.pointee != 0 { return .file(CIBFile(path: String(cString: env))) }
        if let shadow = ShadowCIB.current {
            guard shadow.exists else { fail("shadow CIB '\(shadow.name)' does not exist (pacer cib list; pacer cib use to return to the live cluster)", code: 66) }
            return .file(shadow.file)
        }
        return .daemon(name: CIBTarget.daemonName)
    }
}

/// Runs `body`, turning a failure into a `pacer: …` exit with its status: a crm error as
/// `crm` describes it (its `description` unless `crm` is given), CIB and CLI failures as
/// themselves, anything else with status 1.
@discardableResult
func exitOnFailure<Value>(_ body: () throws -> Value, crm describe: (CrmError) -> String = { $0.description }) -> Value {
    do {
        return try body()
    } catch let error as CrmError {
        fail(describe(error), code: error.exitCode)
    } catch let error as CIBError {
        fail(error.description, code: error.exitCode)
    } catch let error as CLIFailure {
        fail(error.description, code: error.code)
    } catch {
        fail("\(error)", code: 1)
    }
}

/// Prints `pacer: <error>` to stderr and exits with the error's status.
func fail(_ message: String, code: Int32) -> Never {
    printError("pacer: \(message)")
    exit(code)
}

/// Writes `text` and a newline to stderr.
func printError(_ text: String) {
    writeAll(text + "\n", to: 2)
}

/// Writes `text` to stdout as it is, in as many writes as it takes (a large status or
/// simulation in one piece, without `print`'s buffering).
func writeStandardOutput(_ text: String) {
    writeAll(text, to: 1)
}

/// Writes all of `text` to `fd`, retrying after EINTR; gives up on any other error.
private func writeAll(_ text: String, to fd: Int32) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
        offset += n
    }
}

/// `set NAME VALUE | delete NAME | show NAME`, as crmsh's param/meta/attribute commands take them.
struct AttributeVerbArguments: ParsableArguments {
    @Argument(help: "set, delete or show.") var verb: String
    @Argument(help: "The attribute's name.") var name: String
    @Argument(help: "The value (for set).") var value: String?

    func validate() throws {
        switch verb {
        case "set": if value == nil { throw ValidationError("'set' needs a value: \(name) VALUE") }
        case "delete", "show": if value != nil { throw ValidationError("'\(verb)' takes no value") }
        default: throw ValidationError("expected set, delete or show, not '\(verb)'")
        }
    }

    /// Carries out the verb: `show` runs `show`, `delete` and `set` edit the CIB of `cib` with
    /// `delete` or `set`; a failure exits.
    func run(cib: CIBOptions, show: () throws -> Void,
             delete: (inout XMLElement) throws(CrmError) -> Void, set: (inout XMLElement) throws(CrmError) -> Void) {
        switch verb {
        case "show": exitOnFailure(show)
        case "delete": ResourceCommand.edit(cib, delete)
        default: ResourceCommand.edit(cib, set)
        }
    }
}
