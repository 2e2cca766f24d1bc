// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Executor result codes and statuses used in `lrm_rsc_op` history.
enum ExecStatus: Int {
    case pending = -1, done = 0, cancelled = 1, timeout = 2, notSupported = 3, error = 4
    case errorHard = 5, errorFatal = 6, notInstalled = 7, notConnected = 8, invalid = 9
    case noFenceDevice = 10, noSecrets = 11
}

/// One `lrm_rsc_op` entry, parsed.
struct HistoryOp {
    var xml: XMLElement
    var id: String
    var task: String
    var intervalMs: Int
    var callID: Int
    var rc: Int
    var status: Int
    var targetRC: Int
    var lastChange: Int?
    var key: String { "\(task)_\(intervalMs)" }
    var isProbe: Bool { task == "monitor" && intervalMs == 0 }

    init(_ el: XMLElement) {
        xml = el
        id = el.id
        task = el["operation"] ?? ""
        intervalMs = Int(el["interval"] ?? "") ?? 0
        callID = Int(el["call-id"] ?? "") ?? 0
        rc = Int(el["rc-code"] ?? "") ?? 0
        status = Int(el["op-status"] ?? "") ?? 0
        // transition-key is "action:transition:target-rc:uuid".
        targetRC = -1
        if let key = el["transition-key"] {
            var field = 0, value = 0, digits = 0
            for b in key.utf8 {
                if b == UInt8(ascii: ":") {
                    if field == 2 { break }
                    field += 1; value = 0; digits = 0
                } else if field == 2, b >= 48, b <= 57 {
                    value = value * 10 + Int(b - 48); digits += 1
                }
            }
            if field == 2 && digits > 0 { targetRC = value }
        }
        lastChange = Int(el["last-rc-change"] ?? el["last-run"] ?? "")
    }

    /// `pcmk_xe_mask_probe_failure()`.
    var maskableProbeFailure: Bool { isProbe && (rc == 5 || rc == 2 || status == ExecStatus.notInstalled.rawValue) }
}

/// Which of two history entries is newer. Mirrors `pe__is_newer_op()`
/// (lib/pengine/pe_actions.c): call ids, then last-rc-change for equal call ids,
/// then transition numbers when one entry is pending.
func compareOps(_ a: HistoryOp, _ b: HistoryOp) -> Int {
    let aNode = a.xml["on_node"], bNode = b.xml["on_node"]
    let sameNode = (aNode == nil || bNode == nil) ? true : aNode!.lowercased() == bNode!.lowercased()
    if sameNode && a.id == b.id { return 0 }
    let x = a.callID, y = b.callID
    if x == -1 && y == -1 { return 0 }
    if sameNode && x >= 0 && x < y { return -1 }
    if sameNode && y >= 0 && x > y { return 1 }
    if x >= 0 && y >= 0 && (!sameNode || x == y) {
        let la = a.lastChange ?? -1, lb = b.lastChange ?? -1
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

/// A stable merge sort driven by a "not after" predicate, as `g_list_sort()` is.
func mergeSorted<T>(_ items: [T], _ notAfter: (T, T) -> Bool) -> [T] {
    if items.count <= 1 { return items }
    let mid = items.count / 2
    let left = mergeSorted(Array(items[..<mid]), notAfter), right = mergeSorted(Array(items[mid...]), notAfter)
    var out: [T] = []
    out.reserveCapacity(items.count)
    var i = 0, j = 0
    while i < left.count && j < right.count {
        if notAfter(left[i], right[j]) { out.append(left[i]); i += 1 } else { out.append(right[j]); j += 1 }
    }
    out += left[i...]
    out += right[j...]
    return out
}
