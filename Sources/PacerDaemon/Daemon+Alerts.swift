// SPDX-License-Identifier: GPL-2.0-or-later
import Logging
import PacerConfig
import PacerIPC
import PacerController
import PacerTransition
import PacerExecutor
import PacerHeartbeat
import PacerWire
import PacerMembership
import PacerModel
import CPacerSys
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Alerts on this node (issue #14): what this node observes — membership changes, its own
/// resource operations, node attribute changes it writes as DC — runs the configured alert
/// agents, as Pacemaker's controller and executor do. Agents run on the runner's threads: the
/// event loop only decides what to run and records results.
struct DaemonAlerts {
    /// The last run of one alert for one recipient, and how many ran and failed, for `pacer status`.
    struct Record {
        var at: Int
        var alertID: String
        var kind: String
        var what: String
        var recipient: String
        var result: String
        var succeeded: Bool
        var runs = 1
        var failures = 0
    }

    /// Agents run as `hacluster` (group `haclient`), as under Pacemaker, when pacerd is root
    /// and that user exists; otherwise as pacerd's own user (logged once at start).
    let runner: AlertRunner
    let runsAs: String

    init(credentials: (ChildProcess.Credentials, String)? = DaemonAlerts.clusterUser()) {
        runner = AlertRunner(credentials: credentials?.0)
        runsAs = credentials?.1 ?? DaemonAlerts.ownUser()
    }

    /// `hacluster`'s uid and the gid of `haclient` (its primary group when there is no such
    /// group), when this process is root; nil otherwise.
    static func clusterUser() -> (ChildProcess.Credentials, String)? {
        guard geteuid() == 0, let user = getpwnam("hacluster") else { return nil }
        let gid = getgrnam("haclient")?.pointee.gr_gid ?? user.pointee.pw_gid
        let credentials = ChildProcess.Credentials(uid: user.pointee.pw_uid, gid: gid)
        return (credentials, "hacluster (uid \(credentials.uid), gid \(credentials.gid))")
    }

    static func ownUser() -> String {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }
    /// `CRM_alert_node_sequence`: counts every run since the daemon started.
    var sequence = 0
    var started = 0
    var finished = 0
    var failed = 0
    var dropped = 0
    /// The last run of each alert and recipient, in the order they first ran (at most `historyLength`).
    var history: [Record] = []
    static let historyLength = 16
    /// A failing agent is logged once a minute at most.
    var limiter = LogLimiter(every: .seconds(60))
    /// Recurring operations alerted here: their last alerted result (only changes are alerted).
    var recurring: [String: (request: ActionRequest, rc: Int32, status: Int)] = [:]
    /// Transient node attributes as last seen in the CIB this node stored as DC.
    var attributes: [String: [String: String]]?
}

extension Daemon {
    /// The peer's membership changed: `member` when it joins, `lost` when a member goes (crash or leave).
    func alertPeerChanged(from: PeerState, to: PeerState) {
        let state: String
        switch to {
        case .member: state = "member"
        case .lost, .left: guard from == .member else { return }; state = "lost"
        case .unknown: return
        }
        alert(.node(name: peer, id: nodeID(peer), state: state))
    }

    /// A local operation finished (run for the DC here, or for ourselves as DC).
    func alertOperation(_ request: ActionRequest, _ outcome: ActionOutcome) {
        if request.isRecurring {
            alerts.recurring[request.operationKey] = (request, outcome.rc, outcome.status.rawValue)
        }
        alert(.resource(resourceOperation(request, rc: outcome.rc, status: outcome.status.rawValue, execMs: outcome.execMs)))
    }

    /// A recurring operation's later result: alerted only when it differs from the last one alerted.
    func alertRecurring(_ request: ActionRequest, _ outcome: ActionOutcome) {
        if let last = alerts.recurring[request.operationKey], last.rc == outcome.rc, last.status == outcome.status.rawValue { return }
        alertOperation(request, outcome)
    }

    /// A resource's recurring operations are cancelled here (before a stop): each is alerted as
    /// `Cancelled`, as Pacemaker's executor reports it.
    func alertCancelled(_ resource: String) {
        for (key, entry) in alerts.recurring where entry.request.resource == resource {
            alerts.recurring[key] = nil
            alert(.resource(resourceOperation(entry.request, rc: entry.rc, status: 1, execMs: 0)))
        }
    }

    /// As DC, the CIB about to be stored: node attribute changes are alerted (to alerts that select them).
    func alertAttributes(_ cib: XMLElement) {
        let now = Alerts.nodeAttributes(in: cib)
        defer { alerts.attributes = now }
        guard controller.isDC, let before = alerts.attributes else { return }
        let entries = Alerts.entries(in: controller.cib)
        guard entries.contains(where: { $0.kinds.contains(.attribute) }) else { return }
        var ids: [String: String] = [:]
        for name in [node, peer] { ids[name] = nodeID(name) }
        for event in Alerts.attributeChanges(from: before, to: now, nodeIDs: ids) { alert(event, entries: entries) }
    }

    func nodeID(_ name: String) -> String {
        String((config.nodes.firstIndex { $0.name == name } ?? -1) + 1)
    }

    func resourceOperation(_ request: ActionRequest, rc: Int32, status: Int, execMs: Int) -> Alerts.ResourceOperation {
        Alerts.ResourceOperation(node: node, resource: request.resource, task: request.task, intervalMs: request.intervalMs,
                                 targetRC: request.expectedRC, status: status, rc: rc, execMs: execMs, timeoutMs: request.operation.timeoutMs)
    }

    /// Runs every configured alert that selects `event`, once per recipient.
    func alert(_ event: Alerts.Event, entries configured: [Alerts.Entry]? = nil) {
        let entries = configured ?? Alerts.entries(in: controller.cib)
        guard !entries.isEmpty else { return }
        var moment = timespec()
        clock_gettime(CLOCK_REALTIME, &moment)
        let time = Alerts.Time(epoch: Int(moment.tv_sec), microseconds: Int(moment.tv_nsec / 1000))
        let runs = Alerts.runs(for: event, entries: entries, version: Self.pacemakerCompatibleVersion, time: time,
                               sequence: &alerts.sequence)
        let what = Self.describe(event)
        for run in runs {
            logger.debug("Sending alert", metadata: ["kind": "\(run.kind)", "alert": "\(run.alertID)", "recipient": "\(run.recipient)"])
            let job = AlertRunner.Job(alertID: run.alertID, path: run.path, recipient: run.recipient, kind: run.kind,
                                      timeout: .milliseconds(Int64(run.timeoutMs)),
                                      environment: ownIPC(unless: run.environment) + run.environment)
            let loop = self.loop
            let accepted = alerts.runner.submit(job) { [unowned self] result in
                loop.post { self.alertFinished(result, what: what, at: time.epoch) }
            }
            if accepted {
                alerts.started += 1
            } else {
                alerts.dropped += 1
                alerts.failed += 1
                limitedAlertLog("dropped:\(run.alertID)", "Alert not run: too many alert agents running or waiting",
                                ["alert": "\(run.alertID)", "kind": "\(run.kind)"])
            }
        }
    }

    /// `PACER_IPC` naming this daemon, so that `pacer` in an agent (`pacer resource reload`,
    /// `pacer node attribute`) reaches this node's pacerd; unless the alert sets it itself.
    func ownIPC(unless environment: [String]) -> [String] {
        environment.contains { $0.hasPrefix("PACER_IPC=") } ? [] : ["PACER_IPC=\(config.ipcName)"]
    }

    func alertFinished(_ result: AlertRunner.Result, what: String, at: Int) {
        alerts.finished += 1
        if !result.succeeded { alerts.failed += 1 }
        var record = DaemonAlerts.Record(at: at, alertID: result.job.alertID, kind: result.job.kind, what: what,
                                         recipient: result.job.recipient, result: result.summary, succeeded: result.succeeded)
        record.failures = result.succeeded ? 0 : 1
        if let index = alerts.history.firstIndex(where: { $0.alertID == record.alertID && $0.recipient == record.recipient }) {
            record.runs += alerts.history[index].runs
            record.failures += alerts.history[index].failures
            alerts.history[index] = record
        } else {
            alerts.history.append(record)
            if alerts.history.count > DaemonAlerts.historyLength { alerts.history.removeFirst() }
        }
        guard !result.succeeded else { return }
        var metadata: Logger.Metadata = ["alert": "\(result.job.alertID)", "path": "\(result.job.path)", "kind": "\(result.job.kind)",
                                         "result": "\(result.summary)"]
        if !result.output.isEmpty { metadata["output"] = "\(result.output)" }
        limitedAlertLog("failed:\(result.job.alertID)", "Alert agent failed (not retried)", metadata)
    }

    func limitedAlertLog(_ kind: String, _ message: String, _ metadata: Logger.Metadata) {
        guard let line = alerts.limiter.admit(kind, message, now: .now) else { return }
        logger.warning("\(line)", metadata: metadata)
    }

    /// `CRM_alert_version`: agents compare it against Pacemaker releases ("requires 1.1.15 or
    /// later"), so Pacer's alerts say the Pacemaker version whose behaviour they follow.
    static let pacemakerCompatibleVersion = "2.1.5"

    static func describe(_ event: Alerts.Event) -> String {
        switch event {
        case .node(let name, _, let state): return "node \(name) \(state)"
        case .fencing(let target, let task, _, let rc): return "fencing \(task) of \(target) rc=\(rc)"
        case .resource(let op):
            let task = op.intervalMs > 0 ? "\(op.task) (\(op.intervalMs))" : op.task
            return "\(op.resource) \(task) on \(op.node): \(Alerts.description(status: op.status, rc: op.rc))"
        case .attribute(let node, _, let name, let value): return "attribute \(name)=\(value) on \(node)"
        }
    }

    /// At exit, as Pacemaker's executor drains its alerts: the agents still running get up to
    /// `limit` to finish (the last events, a stop's among them, are often the ones that matter).
    func drainAlerts(limit: Duration = .seconds(5)) {
        let deadline = ContinuousClock.now + limit
        while alerts.runner.pending > 0 && ContinuousClock.now < deadline { usleep(20_000) }
    }

    /// For `pacer status`: counters, then the last run of each alert and recipient.
    func alertStatus() -> DaemonStatus.Alerts? {
        guard alerts.started + alerts.dropped > 0 || !Alerts.entries(in: controller.cib).isEmpty else { return nil }
        let recent = alerts.history.map { record in
            var seconds = time_t(record.at)
            var parts = tm()
            localtime_r(&seconds, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            strftime(&buffer, buffer.count, "%H:%M:%S", &parts)
            return "\(record.alertID) to \(record.recipient.isEmpty ? "-" : record.recipient) (\(record.runs) run, "
                + "\(record.failures) failed), last at \(String(cString: buffer)): \(record.what) -> \(record.result)"
        }
        return DaemonStatus.Alerts(finished: alerts.finished, failed: alerts.failed, running: alerts.started - alerts.finished, recent: recent)
    }
}
