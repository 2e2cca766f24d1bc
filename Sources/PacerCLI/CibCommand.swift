// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// `pacer cib new [PATH]`: an empty CIB, as `cibadmin --empty` makes it.
struct CibCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cib",
        abstract: "Create CIB files.",
        subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an empty CIB (like cibadmin --empty) to a file or standard output.")

        @Argument(help: "Where to write it; standard output when omitted.") var path: String?
        @Flag(help: "Replace an existing file.") var force = false

        func run() throws {
            let cib = EmptyCIB.make()
            guard let path else {
                print(cib.serialized(), terminator: "")
                return
            }
            if !force, access(path, F_OK) == 0 {
                fail("\(path) already exists; use --force to replace it", code: 1)
            }
            do { try CIBFile(path: path, backups: 0).save(cib) } catch { fail(error.description, code: error.exitCode) }
        }
    }
}
