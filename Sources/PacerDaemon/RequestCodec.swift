// SPDX-License-Identifier: GPL-2.0-or-later
import PacerConfig
import PacerHeartbeat
import PacerIPC
import PacerController

/// `ActionRequest` and `ActionOutcome` as strings for the peer channel.
enum RequestCodec {
    static func encode(_ r: ActionRequest) -> [String] {
        [String(r.id), r.node, r.resource, r.task, String(r.intervalMs), String(r.timeoutMs), String(r.startDelayMs),
         r.agentClass, r.agentProvider ?? "", r.agentType, r.checkLevel ?? "", String(r.expectedRC)]
            + r.parameters.flatMap { [$0.name, $0.value] }
    }

    static func decode(_ f: ArraySlice<String>) -> ActionRequest? {
        let f = Array(f)
        guard f.count >= 12, (f.count - 12) % 2 == 0, let id = UInt64(f[0]), let interval = Int(f[4]), let timeout = Int(f[5]),
              let delay = Int(f[6]), let expected = Int32(f[11]) else { return nil }
        var parameters: [ActionRequest.NameValue] = []
        var index = 12
        while index < f.count { parameters.append(.init(f[index], f[index + 1])); index += 2 }
        return ActionRequest(id: id, node: f[1], resource: f[2], task: f[3], intervalMs: interval, timeoutMs: timeout,
                             startDelayMs: delay, agentClass: f[7], agentProvider: f[8].isEmpty ? nil : f[8], agentType: f[9],
                             parameters: parameters, checkLevel: f[10].isEmpty ? nil : f[10], expectedRC: expected)
    }

    static func encode(_ o: ActionOutcome) -> [String] {
        [String(o.rc), String(o.opStatus), o.exitReason, String(o.execMs)]
    }

    static func decodeOutcome(_ f: ArraySlice<String>) -> ActionOutcome? {
        let f = Array(f)
        guard f.count == 4, let rc = Int32(f[0]), let status = Int(f[1]), let ms = Int(f[3]) else { return nil }
        return ActionOutcome(rc: rc, opStatus: status, exitReason: f[2], execMs: ms)
    }
}
