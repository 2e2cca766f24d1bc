// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// Pacemaker's alerts without I/O: which configured alerts (one entry per recipient) fire for an
/// event, and the exact environment each agent run gets. Learnt from Pacemaker 2.1.5
/// (`pe_unpack_alerts`, `lrmd_send_*_alert`, `exec_alert_list`, the executor's alert sequence).
public enum Alerts {
    /// Pacemaker's default alert timeout (30 s) and timestamp format.
    public static let defaultTimeoutMs = 30_000
    public static let defaultTimestampFormat = "%H:%M:%S.%06N"

    /// The kinds of event an alert can select (`<select>`); without `<select>`, all but attributes.
    public struct Kinds: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let node = Kinds(rawValue: 1)
        public static let fencing = Kinds(rawValue: 2)
        public static let resource = Kinds(rawValue: 4)
        public static let attribute = Kinds(rawValue: 8)
        public static let `default`: Kinds = [.node, .fencing, .resource]
    }

    /// One configured alert for one recipient (an alert without recipients is one entry with none).
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var path: String
        /// The recipient's `value`; nil for an alert without recipients (agents get "").
        public var recipient: String?
        public var timeoutMs: Int
        public var timestampFormat: String
        public var kinds: Kinds
        /// With `.attribute`: the names selected, nil for all.
        public var selectedAttributes: [String]?
        /// The alert's instance attributes, then the recipient's (which override), as environment variables.
        public var environment: [(String, String)]

        public static func == (a: Entry, b: Entry) -> Bool {
            a.id == b.id && a.path == b.path && a.recipient == b.recipient && a.timeoutMs == b.timeoutMs
                && a.timestampFormat == b.timestampFormat && a.kinds == b.kinds && a.selectedAttributes == b.selectedAttributes
                && a.environment.map { "\($0.0)=\($0.1)" } == b.environment.map { "\($0.0)=\($0.1)" }
        }
    }

    /// A resource operation's result as the executor reports it to the controller.
    public struct ResourceOperation: Sendable, Equatable {
        public var node: String
        public var resource: String
        public var task: String
        public var intervalMs: Int
        public var targetRC: Int32
        /// Pacemaker's op-status (0 done, 1 cancelled, 2 timed out, …).
        public var status: Int
        public var rc: Int32
        public var execMs: Int
        public var timeoutMs: Int

        public init(node: String, resource: String, task: String, intervalMs: Int, targetRC: Int32, status: Int, rc: Int32,
                    execMs: Int = 0, timeoutMs: Int = 0) {
            self.node = node
            self.resource = resource
            self.task = task
            self.intervalMs = intervalMs
            self.targetRC = targetRC
            self.status = status
            self.rc = rc
            self.execMs = execMs
            self.timeoutMs = timeoutMs
        }
    }

    public enum Event: Sendable, Equatable {
        /// A cluster node's membership changed: `state` is `member` or `lost`.
        case node(name: String, id: String, state: String)
        case fencing(target: String, task: String, description: String, rc: Int)
        case resource(ResourceOperation)
        case attribute(node: String, id: String, name: String, value: String)

        public var kind: Kinds {
            switch self {
            case .node: .node
            case .fencing: .fencing
            case .resource: .resource
            case .attribute: .attribute
            }
        }

        public var kindName: String {
            switch self {
            case .node: "node"
            case .fencing: "fencing"
            case .resource: "resource"
            case .attribute: "attribute"
            }
        }
    }

    /// One agent run to make.
    public struct Run: Sendable, Equatable {
        public var alertID: String
        public var path: String
        public var recipient: String
        public var timeoutMs: Int
        public var kind: String
        /// The variables to set for the agent (over the daemon's own environment), in a fixed order.
        public var environment: [String]
    }

    /// The moment of an event: seconds since the epoch and microseconds.
    public struct Time: Sendable, Equatable {
        public var epoch: Int
        public var microseconds: Int
        public init(epoch: Int, microseconds: Int) {
            self.epoch = epoch
            self.microseconds = microseconds
        }
    }

    // MARK: - Configuration

    /// The entries of `<configuration><alerts>` in the order Pacemaker runs them: its list is built
    /// by prepending, so the last recipient of the last alert comes first.
    public static func entries(in cib: XMLElement) -> [Entry] {
        let alerts = cib.name == "alerts" ? cib : cib.firstElement(named: "configuration")?.firstElement(named: "alerts")
        guard let alerts else { return [] }
        var result: [Entry] = []
        for alert in alerts.elements(named: "alert") {
            guard let id = alert["id"], let path = alert["path"] else { continue }
            var entry = Entry(id: id, path: path, recipient: nil, timeoutMs: defaultTimeoutMs, timestampFormat: defaultTimestampFormat,
                              kinds: .default, selectedAttributes: nil, environment: [])
            unpack(alert, into: &entry)
            let recipients = alert.elements(named: "recipient")
            if recipients.isEmpty {
                result.insert(entry, at: 0)
                continue
            }
            for recipient in recipients {
                var copy = entry
                copy.recipient = recipient["value"] ?? ""
                unpack(recipient, into: &copy)
                result.insert(copy, at: 0)
            }
        }
        return result
    }

    /// An alert's or recipient's instance attributes (the first set), meta attributes (`timeout`,
    /// `timestamp-format`; first set to name one wins) and `<select>`.
    static func unpack(_ element: XMLElement, into entry: inout Entry) {
        if let set = element.firstElement(named: "instance_attributes") {
            for pair in set.elements(named: "nvpair") {
                guard let name = pair["name"] else { continue }
                let value = pair["value"] ?? ""
                if let index = entry.environment.firstIndex(where: { $0.0 == name }) {
                    entry.environment[index].1 = value
                } else {
                    entry.environment.append((name, value))
                }
            }
        }
        var meta: [String: String] = [:]
        for set in element.elements(named: "meta_attributes") {
            for pair in set.elements(named: "nvpair") {
                if let name = pair["name"], meta[name] == nil, let value = pair["value"] { meta[name] = value }
            }
        }
        if let timeout = meta["timeout"] {
            let ms = IntervalSpec.milliseconds(timeout) ?? -1
            entry.timeoutMs = ms > 0 ? ms : defaultTimeoutMs
        }
        if let format = meta["timestamp-format"] { entry.timestampFormat = format }
        if let select = element.firstElement(named: "select") {
            var kinds: Kinds = []
            for child in select.elements {
                switch child.name {
                case "select_fencing": kinds.insert(.fencing)
                case "select_nodes": kinds.insert(.node)
                case "select_resources": kinds.insert(.resource)
                case "select_attributes":
                    kinds.insert(.attribute)
                    let names = child.elements(named: "attribute").compactMap { $0["name"] }
                    if !names.isEmpty { entry.selectedAttributes = names }
                default: break
                }
            }
            if !kinds.isEmpty { entry.kinds = kinds }
        }
    }

    // MARK: - Events

    /// Whether the controller alerts this result at all: a probe with the expected result is not
    /// alerted (a recurring operation's repeats are filtered before, by whoever runs it).
    public static func isAlerted(_ operation: ResourceOperation) -> Bool {
        !(operation.intervalMs == 0 && operation.task == "monitor" && operation.rc == operation.targetRC)
    }

    /// `CRM_alert_desc` of a resource operation: the OCF rc's name when it completed, else the status's.
    public static func description(status: Int, rc: Int32) -> String {
        status == 0 ? ocfExitText(Int(rc)) : execStatusText(status)
    }

    /// The runs for `event`: one per entry that selects its kind (and, for an attribute, its
    /// name), in `entries` order, numbered from `sequence` on (`CRM_alert_node_sequence`, which the
    /// caller keeps for the daemon's life as Pacemaker's executor does).
    public static func runs(for event: Event, entries: [Entry], version: String, time: Time, sequence: inout Int,
                            localTime: Bool = true) -> [Run] {
        if case .resource(let operation) = event, !isAlerted(operation) { return [] }
        var common: [(String, String)] = [("kind", event.kindName), ("version", version)]
        switch event {
        case .node(let name, let id, let state):
            common += [("node", name), ("desc", state), ("nodeid", id)]
        case .fencing(let target, let task, let description, let rc):
            common += [("node", target), ("task", task), ("desc", description), ("rc", String(rc))]
        case .resource(let op):
            let execMs = op.status == 2 && op.execMs == 0 ? op.timeoutMs : op.execMs
            common += [("node", op.node), ("rsc", op.resource), ("task", op.task), ("interval", String(op.intervalMs)),
                       ("target_rc", String(op.targetRC)), ("status", String(op.status)), ("rc", String(op.rc)),
                       ("exec_time", String(execMs)), ("desc", description(status: op.status, rc: op.rc))]
        case .attribute(let node, let id, let name, let value):
            common += [("node", node), ("nodeid", id), ("attribute_name", name), ("attribute_value", value)]
        }
        var result: [Run] = []
        for entry in entries where entry.kinds.contains(event.kind) {
            if case .attribute(_, _, let name, _) = event, let selected = entry.selectedAttributes, !selected.contains(name) { continue }
            sequence += 1
            var pairs = common
            pairs.append(("recipient", entry.recipient ?? ""))
            pairs.append(("timestamp", timestamp(entry.timestampFormat, time, localTime: localTime)))
            pairs.append(("timestamp_epoch", String(time.epoch)))
            pairs.append(("timestamp_usec", sixDigits(time.microseconds)))
            // Both spellings, as Pacemaker passes them (CRM_notify_* for pre-1.1.15 scripts).
            var environment: [(String, String)] = []
            for (key, value) in pairs {
                environment.append(("CRM_notify_\(key)", value))
                environment.append(("CRM_alert_\(key)", value))
            }
            for (name, value) in entry.environment {
                environment.removeAll { $0.0 == name }
                environment.append((name, value))
            }
            // The executor sets the sequence last, over anything configured.
            for key in ["CRM_notify_node_sequence", "CRM_alert_node_sequence"] {
                environment.removeAll { $0.0 == key }
                environment.append((key, String(sequence)))
            }
            result.append(Run(alertID: entry.id, path: entry.path, recipient: entry.recipient ?? "", timeoutMs: entry.timeoutMs,
                              kind: event.kindName, environment: environment.map { "\($0.0)=\($0.1)" }))
        }
        return result
    }

    static func sixDigits(_ microseconds: Int) -> String {
        let text = String(max(0, min(microseconds, 999_999)))
        return String(repeating: "0", count: 6 - text.count) + text
    }

    /// Pacemaker's `pcmk__time_format_hr`: strftime, plus `%<width>N` for the first `width` (at
    /// most 6) digits of the microseconds; `%N` without a width prints nothing, as there.
    public static func timestamp(_ format: String, _ time: Time, localTime: Bool = true) -> String {
        var seconds = time_t(time.epoch)
        var parts = tm()
        if localTime { localtime_r(&seconds, &parts) } else { gmtime_r(&seconds, &parts) }
        let fraction = sixDigits(time.microseconds)
        var output = ""
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            let count = strftime(&buffer, buffer.count, pending, &parts)
            output += String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            pending = ""
        }
        let characters = Array(format)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            guard c == "%", index + 1 < characters.count else {
                pending.append(c)
                index += 1
                continue
            }
            var end = index + 1
            while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
            if end < characters.count, characters[end] == "N" {
                let width = min(6, Int(String(characters[(index + 1)..<end])) ?? 0)
                flush()
                output += fraction.prefix(width)
                index = end + 1
            } else {
                let stop = min(end + 1, characters.count)
                pending += String(characters[index..<stop])
                index = stop
            }
        }
        flush()
        return output
    }

    // MARK: - Node attributes

    /// Transient node attributes in a CIB's status section: node name → attribute → value.
    public static func nodeAttributes(in cib: XMLElement) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            guard let name = state["uname"] else { continue }
            var values: [String: String] = [:]
            for transient in state.elements(named: "transient_attributes") {
                for set in transient.elements(named: "instance_attributes") {
                    for pair in set.elements(named: "nvpair") {
                        if let attribute = pair["name"] { values[attribute] = pair["value"] ?? "" }
                    }
                }
            }
            result[name] = values
        }
        return result
    }

    /// Attribute events from `old` to `new` (a removed attribute is alerted with an empty value), by node then name.
    public static func attributeChanges(from old: [String: [String: String]], to new: [String: [String: String]],
                                        nodeIDs: [String: String]) -> [Event] {
        var events: [Event] = []
        for node in Set(old.keys).union(new.keys).sorted() {
            let before = old[node] ?? [:], after = new[node] ?? [:]
            for name in Set(before.keys).union(after.keys).sorted() where before[name] != after[name] {
                events.append(.attribute(node: node, id: nodeIDs[node] ?? "0", name: name, value: after[name] ?? ""))
            }
        }
        return events
    }
}
