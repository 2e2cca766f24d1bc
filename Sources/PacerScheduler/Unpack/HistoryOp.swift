// SPDX-License-Identifier: GPL-2.0-or-later
package import PacerModel

/// One `lrm_rsc_op` entry of a node's resource history, read as Pacemaker reads it: numbers
/// as `crm_element_value_int()` (leading integer), the expected result from `transition-key`.
/// The scheduler and the status view (`PacerMonView`) share it.
package struct HistoryOp: Sendable {
    package var xml: XMLElement
    package var id: String
    /// `operation`, or "" when the entry has none (``operation`` tells the two apart).
    package var task: String
    package var intervalMs: Int
    package var callID: Int
    package var rc: Int
    package var status: Int
    /// The expected result from `transition-key` (`action:transition:target-rc:uuid`), or -1.
    package var targetRC: Int
    /// `last-rc-change` when present (`crm_element_value_epoch()`).
    package var lastRCChange: Int?
    /// `last-rc-change`, else `last-run`: the time `pe__is_newer_op()` compares.
    package var lastRun: Int?
    /// `on_node`, the node the entry was recorded on (when it says).
    package var onNode: String?

    /// Reads the entry in one pass over its attributes (a node's history is most of a CIB).
    package init(_ el: XMLElement) {
        xml = el
        id = ""
        task = ""
        intervalMs = 0
        callID = 0
        rc = 0
        status = 0
        targetRC = -1
        var lastRunAttribute: String?
        for attribute in el.attributes {
            let value = attribute.value, name = attribute.name
            // By length first: an entry has about 17 attributes and most are not read here,
            // so each costs one length test rather than ten string comparisons.
            switch name.utf8.count {
            case 2: if name == "id" { id = value }
            case 7:
                if name == "call-id" { callID = leadingInteger(value) ?? 0 }
                else if name == "rc-code" { rc = leadingInteger(value) ?? 0 }
                else if name == "on_node" { onNode = value }
            case 8:
                if name == "interval" { intervalMs = Int(value) ?? 0 }
                else if name == "last-run" { lastRunAttribute = value }
            case 9:
                if name == "operation" { task = value }
                else if name == "op-status" { status = leadingInteger(value) ?? 0 }
            case 14:
                if name == "transition-key" { targetRC = Self.targetRC(ofKey: value) }
                else if name == "last-rc-change" { lastRCChange = leadingInteger(value) }
            default: break
            }
        }
        lastRun = lastRCChange ?? lastRunAttribute.flatMap { leadingInteger($0) }
    }

    /// The third field of `action:transition:target-rc:uuid`, or -1.
    private static func targetRC(ofKey key: String) -> Int {
        var utf8 = key.utf8[...]
        // Past two colons, the digits up to the third (which must exist).
        for _ in 0..<2 {
            guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return -1 }
            utf8 = utf8[utf8.index(after: colon)...]
        }
        guard let end = utf8.firstIndex(of: UInt8(ascii: ":")), let target = Int(Substring(utf8[..<end])) else { return -1 }
        return target
    }

    /// `operation`, nil when the entry has none (crm_mon prints "(null)").
    package var operation: String? { xml["operation"] }
    /// `operation_key`, else nil (`XML_LRM_ATTR_TASK_KEY`).
    package var operationKey: String? { xml["operation_key"] }
    /// `operation_key`, else the entry's id (`get_op_key()`).
    package var opKey: String { xml["operation_key"] ?? id }
    /// `TASK_INTERVAL`: entries for the same operation share it.
    package var taskAndInterval: String { "\(task)_\(intervalMs)" }

    /// `pcmk_xe_is_probe()`.
    package var isProbe: Bool { task == "monitor" && intervalMs == 0 }

    /// `pcmk_xe_mask_probe_failure()`: a probe that says "not installed" or "invalid
    /// parameter" is shown as a stopped resource, not as a failure.
    package var maskableProbeFailure: Bool { isProbe && (rc == 5 || rc == 2 || status == ExecStatus.notInstalled.rawValue) }

}

/// Which of two history entries is newer. Mirrors `pe__is_newer_op()`
/// (lib/pengine/pe_actions.c), the comparison behind `sort_op_by_callid()`: call ids, then
/// last-rc-change (else last-run) for equal call ids,
/// then transition numbers when one entry is pending.
package func compareOps(_ a: HistoryOp, _ b: HistoryOp) -> Int {
    let sameNode: Bool
    if let aNode = a.onNode, let bNode = b.onNode {
        sameNode = aNode == bNode || aNode.lowercased() == bNode.lowercased()
    } else {
        sameNode = true
    }
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
