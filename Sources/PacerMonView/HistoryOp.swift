// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// One `<lrm_rsc_op>` of a node's resource history.
struct HistoryOp {
    var xml: XMLElement
    var id: String
    var task: String?
    var intervalMs: Int
    var callID: Int
    var rc: Int
    var status: Int
    /// The expected result from `transition-key` (`action:transition:target-rc:uuid`), or -1.
    var targetRC: Int
    /// `last-rc-change` when present (`crm_element_value_epoch()`).
    var lastRCChange: Int?
    /// `operation_key`, else nil (`XML_LRM_ATTR_TASK_KEY`).
    var operationKey: String? { xml["operation_key"] }
    /// `operation_key`, else the entry's id (`get_op_key()`).
    var key: String { xml["operation_key"] ?? id }

    init(_ el: XMLElement) {
        xml = el
        id = el.id
        task = el["operation"]
        intervalMs = Int(el["interval"] ?? "") ?? 0
        callID = leadingInteger(el["call-id"] ?? "") ?? 0
        rc = leadingInteger(el["rc-code"] ?? "") ?? 0
        status = leadingInteger(el["op-status"] ?? "") ?? 0
        targetRC = -1
        if let key = el["transition-key"] {
            let fields = key.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            if fields.count == 4, let t = Int(fields[2]) { targetRC = t }
        }
        lastRCChange = el["last-rc-change"].flatMap { leadingInteger($0) }
    }

    /// `pcmk_xe_is_probe()`.
    var isProbe: Bool { task == "monitor" && intervalMs == 0 }

    /// `pcmk_xe_mask_probe_failure()`: a probe that says "not installed" or "invalid
    /// parameter" is shown as a stopped resource, not as a failure.
    var maskableProbeFailure: Bool { isProbe && (rc == 5 || rc == 2 || status == 7) }

    /// `last-rc-change`, else `last-run`: the time `pe__is_newer_op()` compares.
    var lastRun: Int? { lastRCChange ?? xml["last-run"].flatMap { leadingInteger($0) } }
}

/// Which of two history entries is newer. Mirrors `pe__is_newer_op()` (lib/pengine/pe_actions.c),
/// the comparison behind `sort_op_by_callid()`.
func compareOps(_ a: HistoryOp, _ b: HistoryOp) -> Int {
    let aNode = a.xml["on_node"], bNode = b.xml["on_node"]
    let sameNode = (aNode == nil || bNode == nil) ? true : aNode!.lowercased() == bNode!.lowercased()
    if sameNode && a.id == b.id { return 0 }
    let x = a.callID, y = b.callID
    if x == -1 && y == -1 { return 0 }
    if sameNode && x >= 0 && x < y { return -1 }
    if sameNode && y >= 0 && x > y { return 1 }
    if x >= 0 && y >= 0 && (!sameNode || x == y) {
        let la = a.lastRun ?? -1, lb = b.lastRun ?? -1
        if la >= 0 && la < lb { return -1 }
        if lb >= 0 && la > lb { return 1 }
        return 0
    }
    guard let (aUUID, aID) = transitionOfMagic(a.xml["transition-magic"]),
          let (bUUID, bID) = transitionOfMagic(b.xml["transition-magic"]) else { return 0 }
    if aUUID.lowercased() != bUUID.lowercased() || aID == bID {
        if y == -1 { return -1 }
        if x == -1 { return 1 }
    } else if (aID >= 0 && aID < bID) || bID == -1 {
        return -1
    } else if (bID >= 0 && aID > bID) || aID == -1 {
        return 1
    }
    return 0
}

/// The transition uuid and number in `OPSTATUS:RC;ACTION:TRANSITION:TARGET:UUID`.
private func transitionOfMagic(_ magic: String?) -> (String, Int)? {
    guard let magic, let semi = magic.firstIndex(of: ";") else { return nil }
    let fields = magic[magic.index(after: semi)...].split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
    guard fields.count == 4, let id = Int(fields[1]) else { return nil }
    return (String(fields[3]), id)
}

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


