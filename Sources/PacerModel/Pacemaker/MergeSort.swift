// SPDX-License-Identifier: GPL-2.0-or-later
/// A stable merge sort driven by a "not after" predicate, as glib's `g_list_sort()` sorts
/// Pacemaker's lists: of two elements, the left one comes first when `notAfter(left, right)`.
///
/// Unlike a sort of indices, it gives `g_list_sort()`'s order even for comparisons that are not
/// a strict weak ordering (Pacemaker's instance and history comparisons are not always).
@inlinable package func mergeSorted<T>(_ items: [T], _ notAfter: (T, T) -> Bool) -> [T] {
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

/// ``mergeSorted(_:_:)`` with a "before" predicate: an element moves ahead of an earlier one
/// only when it sorts strictly before it, so equal elements keep their order.
@inlinable package func stableSorted<T>(_ items: [T], by before: (T, T) -> Bool) -> [T] {
    mergeSorted(items) { left, right in !before(right, left) }
}
