// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// `g_list_sort(…, sort_op_by_callid)` of a list: a stable merge sort.
func sortedByCallID(_ ops: [HistoryOp]) -> [HistoryOp] {
    stableSorted(ops) { compareOps($0, $1) < 0 }
}

/// An operation key split as `parse_op_key()` (lib/common/operations.c) splits it:
/// `RSC_TASK_INTERVAL`, with `migrate_to`/`migrate_from` and notifications kept whole.
func parseOpKey(_ key: String) -> (rsc: String, task: String, intervalMs: Int)? {
    let parts = key.split(separator: "_", omittingEmptySubsequences: false)
    guard parts.count >= 3 else { return nil }
    if parts.count == 3 {
        return (String(parts[0]), String(parts[1]), Int(convertInterval(parts[2])))
    }
    // ^(.*)_(migrate_(from|to)|(pre|post)_notify_([a-z]+|migrate_(from|to)))_([0-9]+)$
    if let last = parts.last, !last.isEmpty, last.allSatisfy({ $0.isASCII && $0.isNumber }) {
        let body = parts.dropLast()
        func tail(_ n: Int) -> [String] { body.suffix(n).map(String.init) }
        if body.count > 2, ["migrate_to", "migrate_from"].contains(tail(2).joined(separator: "_")) {
            return (body.dropLast(2).joined(separator: "_"), tail(2).joined(separator: "_"), Int(last) ?? 0)
        }
        if body.count > 3 {
            let t = tail(3)
            if ["pre", "post"].contains(t[0]) && t[1] == "notify" && !t[2].isEmpty
                && t[2].allSatisfy({ $0 >= "a" && $0 <= "z" }) {
                return (body.dropLast(3).joined(separator: "_"), t.joined(separator: "_"), Int(last) ?? 0)
            }
        }
    }
    // try_basic_match(): the interval after the last '_', the task before it.
    guard let lastUnderscore = key.lastIndex(of: "_") else { return nil }
    let intervalText = key[key.index(after: lastUnderscore)...]
    let head = key[..<lastUnderscore]
    guard let typeSep = head.lastIndex(of: "_") else { return nil }
    return (String(head[..<typeSep]), String(head[head.index(after: typeSep)...]), Int(convertInterval(intervalText)))
}

/// `strtoul()` of the interval field: leading digits, else 0.
private func convertInterval<S: StringProtocol>(_ s: S) -> UInt {
    var v: UInt = 0
    for c in s.utf8 {
        guard c >= 48 && c <= 57 else { break }
        v = v &* 10 &+ UInt(c - 48)
    }
    return v
}

/// `crm_action_str()`: a monitor with interval 0 is a probe.
func actionText(_ task: String, intervalMs: Int) -> String {
    intervalMs == 0 && task.lowercased() == "monitor" ? "probe" : task
}


