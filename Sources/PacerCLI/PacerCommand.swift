// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import CPacerSys

/// The `pacer` command line.
public struct PacerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pacer",
        abstract: "Configure and inspect a Pacer cluster.",
        version: String(cString: pacer_version()),
        subcommands: [Configure.self, ResourceCommand.self, NodeCommand.self, CibCommand.self, RaCommand.self, Simulate.self, Keygen.self, ClusterCommand.self, Why.self, Status.self])

    public init() {}
}

/// Entry point for the `pacer` executable.
public enum PacerMain {
    /// Parses the process arguments and runs the chosen command, exiting with its status.
    public static func run() async {
        await PacerCommand.main()
    }
}
