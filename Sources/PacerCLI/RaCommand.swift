// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerExecutor
import PacerModel
import PacerXML

/// `pacer ra list|info|run`: resource agents, as `crm ra` and `crm_resource --force-*`.
struct RaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ra",
        abstract: "List, describe and run resource agents.",
        subcommands: [List.self, Info.self, Run.self])

    struct AgentOptions: ParsableArguments {
        @Option(name: .customLong("ocf-root"), help: "Where OCF agents live (OCF_ROOT).")
        var ocfRoot = "/usr/lib/ocf"
        var directory: AgentDirectory { AgentDirectory(ocfRoot: ocfRoot) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List OCF agents, all or one provider's (ocf:PROVIDER).")
        @OptionGroup var options: AgentOptions
        @Argument(help: "ocf or ocf:PROVIDER") var filter: String?

        func run() throws {
            var provider: String?
            if let filter {
                let parts = filter.split(separator: ":").map(String.init)
                guard parts.first == "ocf", parts.count <= 2 else {
                    throw ValidationError("'\(filter)' is not a class filter; expected ocf or ocf:PROVIDER")
                }
                provider = parts.count == 2 ? parts[1] : nil
                if let provider, !options.directory.providers().contains(provider) {
                    fail("no OCF provider '\(provider)' under \(options.ocfRoot)/resource.d", code: 105)
                }
            }
            for agent in options.directory.agents(provider: provider) { print(agent) }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Describe an agent's parameters and actions, from its meta-data.")
        @OptionGroup var options: AgentOptions
        @Argument(help: "The agent, e.g. ocf:heartbeat:IPaddr2") var agent: String

        func run() async throws {
            guard let id = ResourceAgent(agent) else { throw ValidationError("'\(agent)' is not an agent name (class:provider:type)") }
            let result = await Executor(directory: options.directory).execute(AgentAction(resourceID: id.type, agent: id, name: "meta-data"))
            guard result.status == .done, result.rc == 0 else {
                fail("\(id): meta-data failed: \(result.exitReason.isEmpty ? ActionResult.name(of: result.rc) : result.exitReason)",
                     code: result.status == .notInstalled ? 105 : 1)
            }
            let metadata: AgentMetadata?
            do { metadata = AgentMetadata(try XMLParser.parse(result.stdout)) } catch {
                fail("\(id): meta-data is not XML: \(error)", code: 65)
            }
            guard let metadata else { fail("\(id): meta-data has no <resource-agent> root", code: 65) }
            print(metadata.info(agent: id.description))
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one agent action outside any cluster (like crm_resource --force-*).",
            discussion: "Prints the result as crm_resource does and exits with the agent's OCF rc.")
        @OptionGroup var options: AgentOptions
        @Argument(help: "start, stop, monitor, validate-all, meta-data, …") var action: String
        @Argument(help: "The agent, e.g. ocf:heartbeat:IPaddr2") var agent: String
        @Option(name: [.customShort("o"), .customLong("option")], help: ArgumentHelp("An instance parameter.", valueName: "name=value"))
        var parameters: [String] = []
        @Option(name: .customLong("resource"), help: "The resource id (OCF_RESOURCE_INSTANCE).") var resource = "test"
        @Option(help: "Timeout in seconds.") var timeout: Double = 20
        @Option(help: "Interval in seconds (a recurring monitor; 0 is a probe).") var interval: Double = 0

        func run() async throws {
            guard let id = ResourceAgent(agent) else { throw ValidationError("'\(agent)' is not an agent name (class:provider:type)") }
            var pairs: [(name: String, value: String)] = []
            for parameter in parameters {
                guard let eq = parameter.firstIndex(of: "="), eq != parameter.startIndex else {
                    throw ValidationError("'\(parameter)' is not name=value")
                }
                pairs.append((String(parameter[..<eq]), String(parameter[parameter.index(after: eq)...])))
            }
            guard timeout > 0, interval >= 0 else { throw ValidationError("--timeout must be positive and --interval not negative") }
            let request = AgentAction(resourceID: resource, agent: id, name: action, parameters: pairs,
                                      interval: .milliseconds(Int64(interval * 1000)), timeout: .milliseconds(Int64(timeout * 1000)))
            let result = await Executor(directory: options.directory).execute(request)
            if action == "meta-data" || action == "usage" { print(result.stdout, terminator: "") }
            var line = "Operation \(action) (\(id)) returned \(result.rc) (\(ActionResult.name(of: result.rc))"
            if result.status == .timeout { line = "Operation \(action) (\(id)) timed out after \(Int(timeout * 1000))ms (\(result.exitReason)" }
            else if !result.exitReason.isEmpty { line += ": \(result.exitReason)" }
            print(line + ")")
            if result.rc != 0, !result.stderr.isEmpty { printError(result.stderr.trimmingTrailingNewlines) }
            throw ExitCode(result.rc)
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
