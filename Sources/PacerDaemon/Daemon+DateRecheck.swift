// SPDX-License-Identifier: GPL-2.0-or-later
import PacerController
import PacerEventLoop
import PacerModel
import PacerScheduler

/// Decides again when a date rule's outcome changes (a `move --lifetime` constraint ending)
/// rather than at the next periodic recheck, as Pacemaker's controller does with the
/// transition's `recheck-by`.
extension Daemon {
    /// After `cib` is stored: if a date expression's outcome changes before the next periodic
    /// recheck (60 s), a recheck then. Later changes are seen from a later periodic recheck.
    func scheduleDateRecheck(_ cib: XMLElement) {
        let now = Self.epochSeconds()
        guard let next = DateRecheck.next(in: cib, after: now), next - now <= 60 else { return }
        loop.addTimer(after: .milliseconds(Int64(next - now) * 1000 + 50)) { [weak self] in
            guard let self else { return }
            self.apply(self.controller.handle(.recheck, now: Self.epochSeconds()))
        }
    }
}
