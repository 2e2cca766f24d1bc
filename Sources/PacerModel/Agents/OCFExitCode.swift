// SPDX-License-Identifier: GPL-2.0-or-later
/// The text Pacemaker prints for an OCF exit code (`services_ocf_exitcode_str()`, 2.1.5):
/// crm_mon's "returned 'not running'", crm_simulate's probe notes, crm_resource's result line.
public func ocfExitText(_ rc: Int) -> String {
    switch rc {
    case 0: return "ok"
    case 1: return "error"
    case 2: return "invalid parameter"
    case 3: return "unimplemented feature"
    case 4: return "insufficient privileges"
    case 5: return "not installed"
    case 6: return "not configured"
    case 7: return "not running"
    case 8: return "promoted"
    case 9: return "promoted (failed)"
    case 190: return "OCF_DEGRADED"
    case 191: return "promoted (degraded)"
    case 192: return "not supported (DEPRECATED STATUS)"
    case 193: return "cancelled (DEPRECATED STATUS)"
    case 194: return "other error (DEPRECATED STATUS)"
    case 195: return "interrupted by signal (DEPRECATED STATUS)"
    case 196: return "pending (DEPRECATED STATUS)"
    default: return "unknown"
    }
}

/// `pcmk_exec_status_str()`.
public func execStatusText(_ status: Int) -> String {
    switch status {
    case -1: return "pending"
    case 0: return "complete"
    case 1: return "Cancelled"
    case 2: return "Timed Out"
    case 3: return "NOT SUPPORTED"
    case 4: return "Error"
    case 5: return "Hard error"
    case 6: return "Fatal error"
    case 7: return "Not installed"
    case 8: return "Internal communication failure"
    case 9: return "Cannot execute now"
    case 10: return "No fence device"
    case 11: return "CIB secrets unavailable"
    default: return "UNKNOWN!"
    }
}
