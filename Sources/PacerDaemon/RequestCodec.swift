// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerTransition

/// `ActionRequest` and `ActionOutcome` as strings for the peer channel: one encode/decode
/// pair each, field by field, so a new field is a change in one place.
enum RequestCodec {
    static func encode(_ r: ActionRequest) -> [String] {
        let o = r.operation
        return [String(r.id), o.node, o.resource, o.task, String(o.intervalMs), String(o.timeoutMs), String(o.startDelayMs),
                o.agent.resourceClass, o.agent.provider ?? "", o.agent.type, String(o.expectedRC), o.digest]
            + pairs(o.parameters) + pairs(o.meta)
    }

    static func decode(_ fields: ArraySlice<String>) -> ActionRequest? {
        var reader = Reader(fields: Array(fields))
        guard let request = readRequest(&reader), reader.atEnd else { return nil }
        return request
    }

    static func decodeOutcome(_ fields: ArraySlice<String>) -> ActionOutcome? {
        var reader = Reader(fields: Array(fields))
        guard let outcome = readOutcome(&reader), reader.atEnd else { return nil }
        return outcome
    }

    /// A request followed by its outcome (a recurring operation's failure).
    static func decodeRequestAndOutcome(_ fields: ArraySlice<String>) -> (ActionRequest, ActionOutcome)? {
        var reader = Reader(fields: Array(fields))
        guard let request = readRequest(&reader), let outcome = readOutcome(&reader), reader.atEnd else { return nil }
        return (request, outcome)
    }

    private static func readRequest(_ f: inout Reader) -> ActionRequest? {
        guard let id = f.next().flatMap(UInt64.init), let node = f.next(), let resource = f.next(), let task = f.next(),
              let interval = f.next().flatMap(Int.init), let timeout = f.next().flatMap(Int.init),
              let delay = f.next().flatMap(Int.init), let agentClass = f.next(), let provider = f.next(), let type = f.next(),
              let expected = f.next().flatMap(Int32.init), let digest = f.next(),
              let parameters = f.pairs(), let meta = f.pairs() else { return nil }
        let agent = ResourceAgent(resourceClass: agentClass, provider: provider.isEmpty ? nil : provider, type: type)
        return ActionRequest(id: id, operation: ResourceOperation(
            resource: resource, task: task, intervalMs: interval, node: node, agent: agent, parameters: parameters, meta: meta,
            timeoutMs: timeout, startDelayMs: delay, expectedRC: expected, digest: digest))
    }

    static func encode(_ o: ActionOutcome) -> [String] {
        [String(o.rc), String(o.status.rawValue), o.exitReason, String(o.execMs)]
            + (o.forceRestart.map { [String($0.count)] + $0 } ?? ["-"])
    }

    private static func readOutcome(_ f: inout Reader) -> ActionOutcome? {
        guard let rc = f.next().flatMap(Int32.init), let status = f.next().flatMap(Int.init).flatMap(ExecStatus.init(rawValue:)),
              let reason = f.next(), let ms = f.next().flatMap(Int.init), let count = f.next() else { return nil }
        var forceRestart: [String]?
        if count != "-" {
            guard let n = Int(count), n >= 0, let names = f.take(n) else { return nil }
            forceRestart = names
        }
        return ActionOutcome(rc: rc, status: status, exitReason: reason, execMs: ms, forceRestart: forceRestart)
    }

    private static func pairs(_ list: [ResourceOperation.Parameter]) -> [String] {
        [String(list.count)] + list.flatMap { [$0.name, $0.value] }
    }

    private struct Reader {
        let fields: [String]
        var index = 0
        var atEnd: Bool { index == fields.count }
        mutating func next() -> String? {
            guard index < fields.count else { return nil }
            defer { index += 1 }
            return fields[index]
        }
        mutating func take(_ n: Int) -> [String]? {
            guard n <= fields.count - index else { return nil }
            defer { index += n }
            return Array(fields[index..<index + n])
        }
        mutating func pairs() -> [ResourceOperation.Parameter]? {
            guard let n = next().flatMap(Int.init), n >= 0, n <= (fields.count - index) / 2 else { return nil }
            return (0..<n).map { _ in ResourceOperation.Parameter(next()!, next()!) }
        }
    }
}
