// SPDX-License-Identifier: GPL-2.0-or-later
import PacerExecutor
import PacerModel
import PacerXML
import Logging
import PacerEventLoop

/// Agents' meta-data, fetched once per agent as Pacemaker's controller caches it: which
/// parameters a reload can apply, and which action reloads.
struct MetadataCache {
    var known: [ResourceAgent: AgentMetadata] = [:]
    /// Callers waiting for a fetch under way.
    var waiting: [ResourceAgent: [(AgentMetadata?) -> Void]] = [:]
}

extension Daemon {
    /// Calls `body` on the loop thread with the agent's meta-data (nil when the agent could not
    /// give any: not installed, failed, not XML — tried again next time).
    func withMetadata(_ agent: ResourceAgent, _ body: @escaping (AgentMetadata?) -> Void) {
        if let found = metadata.known[agent] { return body(found) }
        let first = metadata.waiting[agent] == nil
        metadata.waiting[agent, default: []].append(body)
        guard first else { return }
        let action = AgentAction(resourceID: "\(agent) meta-data", agent: agent, name: "meta-data", timeout: .seconds(30))
        let executor = self.executor
        let loop = self.loop
        Task {
            let result = await executor.execute(action)
            let parsed: AgentMetadata? = result.status == .done && result.rc == 0
                ? (try? XMLParser.parse(result.stdout)).flatMap(AgentMetadata.init) : nil
            loop.post { [unowned self] in
                if let parsed { self.metadata.known[agent] = parsed } else {
                    self.logger.warning("No usable meta-data: a change of its parameters restarts the resource",
                                        metadata: ["agent": "\(agent)", "rc": "\(result.rc)", "reason": "\(result.exitReason)"])
                }
                for waiter in self.metadata.waiting.removeValue(forKey: agent) ?? [] { waiter(parsed) }
            }
        }
    }
}
