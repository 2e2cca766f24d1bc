// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerScheduler
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// Whether the cluster runs and manages a resource: its `target-role`, `is-managed` and
/// `maintenance` meta attributes.
extension ResourceCommand {
    /// A subcommand that is nothing but one meta attribute set to one value.
    protocol MetaSwitch: ParsableCommand {
        static var meta: (name: String, value: String) { get }
        var target: Target { get }
    }

    struct Start: MetaSwitch {
        static let configuration = CommandConfiguration(abstract: "Let the cluster start a resource (target-role=Started).")
        static let meta = (name: "target-role", value: "Started")
        @OptionGroup var target: Target
    }

    struct Stop: MetaSwitch {
        static let configuration = CommandConfiguration(abstract: "Stop a resource and keep it stopped (target-role=Stopped).")
        static let meta = (name: "target-role", value: "Stopped")
        @OptionGroup var target: Target
    }

    struct Manage: MetaSwitch {
        static let configuration = CommandConfiguration(abstract: "Let the cluster manage a resource again (is-managed=true).")
        static let meta = (name: "is-managed", value: "true")
        @OptionGroup var target: Target
    }

    struct Unmanage: MetaSwitch {
        static let configuration = CommandConfiguration(abstract: "Leave a resource alone: monitor it, never start or stop it (is-managed=false).")
        static let meta = (name: "is-managed", value: "false")
        @OptionGroup var target: Target
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a resource, wait until it is stopped, and start it again (needs pacerd).")
        @OptionGroup var target: Target
        @Option(help: "Seconds to wait for the stop.") var timeout: Double = 60

        func run() {
            guard case .daemon = target.cib.resolve() else {
                fail("restart needs a running cluster (a CIB file has no one to stop the resource)", code: 64)
            }
            target.setMeta("target-role", "Stopped")
            let deadline = Double(time(nil)) + timeout
            while !ResourceCommand.locations(of: target.resource, in: ResourceCommand.load(target.cib)).isEmpty {
                guard Double(time(nil)) < deadline else {
                    fail("\(target.resource) did not stop within \(Int(timeout)) s; it stays target-role=Stopped (pacer resource start \(target.resource))", code: 1)
                }
                usleep(200_000)
            }
            target.setMeta("target-role", "Started")
        }
    }

    struct Maintenance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a resource in maintenance (left alone and not monitored: meta maintenance=true) or take it out.")
        @OptionGroup var target: Target
        @Argument(help: "on or off (on when omitted).") var state: String = "on"
        func validate() throws {
            guard ["on", "off", "true", "false"].contains(state) else { throw ValidationError("expected on or off, not '\(state)'") }
        }
        func run() { target.setMeta("maintenance", ["on", "true"].contains(state) ? "true" : "false") }
    }
}

extension ResourceCommand.MetaSwitch {
    func run() { target.setMeta(Self.meta.name, Self.meta.value) }
}
