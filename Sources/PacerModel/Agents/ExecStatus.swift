// SPDX-License-Identifier: GPL-2.0-or-later
/// How an operation was carried out, apart from the agent's rc: Pacemaker's execution status
/// (`enum pcmk_exec_status`, recorded as `op-status`). One type from the executor's result
/// through the controller to the history the scheduler reads.
public enum ExecStatus: Int, Sendable, Equatable {
    case pending = -1, done = 0, cancelled = 1, timeout = 2, notSupported = 3, error = 4
    case errorHard = 5, errorFatal = 6, notInstalled = 7, notConnected = 8, invalid = 9
    case noFenceDevice = 10, noSecrets = 11
}
