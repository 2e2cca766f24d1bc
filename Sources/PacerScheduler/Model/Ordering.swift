// SPDX-License-Identifier: GPL-2.0-or-later
/// A not-yet-resolved ordering (`pe__ordering_t`). A class: thousands are walked
/// several times, and copying a struct of strings and references costs more.
final class Ordering {
    let firstRsc: Resource?
    let firstKey: String?
    let firstAction: Action?
    let thenRsc: Resource?
    let thenKey: String?
    let thenAction: Action?
    let flags: OrderFlags
    init(firstRsc: Resource?, firstKey: String?, firstAction: Action?, thenRsc: Resource?, thenKey: String?,
         thenAction: Action?, flags: OrderFlags) {
        self.firstRsc = firstRsc; self.firstKey = firstKey; self.firstAction = firstAction
        self.thenRsc = thenRsc; self.thenKey = thenKey; self.thenAction = thenAction; self.flags = flags
    }
}
