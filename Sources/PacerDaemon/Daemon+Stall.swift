// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
import Logging
import PacerController
import PacerTransition
import PacerExecutor
#if canImport(Glibc)
import Glibc
#endif

/// A node that was frozen (stopped, hung, starved) for longer than the deadtime wakes up in
/// a cluster where its peer has declared it lost and taken its resources over. Without
/// fencing, it must not carry on as if nothing happened: as a watchdog would reset it, it
/// stops what ran here (its address leases have lapsed already), kills what is left in the
/// resources' cgroups, and restarts as a new incarnation, which rejoins, probes, finds
/// nothing, and moves nothing back.
extension Daemon {
    func resetAfterStall(_ frozen: Duration) {
        logger.critical("Frozen for longer than the deadtime: the peer has taken over; stopping local resources and restarting",
                        metadata: ["node": "\(node)", "frozen": "\(frozen)"])
        executor.leases?.stop()
        for request in controller.localStops() {
            var stop = AgentAction(request.operation)
            if let started = startedWith[request.resource], started.agent == stop.agent { stop.parameterList = started.parameters }
            let result = executor.runImmediately(stop)
            logger.notice("Stopped after the freeze", metadata: ["rsc": "\(request.resource)", "rc": "\(result.rc)", "reason": "\(result.exitReason)"])
        }
        executor.processes?.killAll()
        restartSelf()
    }

    /// Replaces this process with a fresh copy of the daemon (same pid, arguments and
    /// environment; no descriptor of this incarnation survives).
    func restartSelf() -> Never {
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        pacer_close_from(3)
        _ = arguments.withUnsafeBufferPointer { execv("/proc/self/exe", $0.baseAddress!) }
        // exec failed: leave; a supervisor (systemd's Restart=) starts a new one.
        _exit(1)
    }
}
