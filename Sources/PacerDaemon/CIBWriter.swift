// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCIB
import PacerExecutor
import PacerIPC
import PacerModel
import Synchronization
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Writes the CIB to disk on a thread of its own, newest version first.
///
/// A save is a temp file, fsync, rename and an fsync of the directory: on a disk busy with
/// other work that can take longer than the deadtime, and on the event loop it made the
/// daemon look frozen to itself (it then reset). Here the loop only hands over the tree;
/// versions submitted while a save runs are coalesced (only the newest is written), and
/// `onSaved` runs on the loop with the version that reached the disk.
final class CIBWriter: @unchecked Sendable {
    let store: CIBFile
    let loop: EventLoop
    private let pending = Mutex<XMLElement?>(nil)
    private let signal: UnsafeMutablePointer<sem_t>
    private let onSaved: (CIBVersion, CIBError?) -> Void

    /// - Parameter onSaved: on the loop thread, after each save (with its error, if any).
    init(store: CIBFile, loop: EventLoop, onSaved: @escaping (CIBVersion, CIBError?) -> Void) {
        self.store = store
        self.loop = loop
        self.onSaved = onSaved
        signal = .allocate(capacity: 1)
        sem_init(signal, 0, 0)
        DedicatedThread.start { [self] in self.run() }
    }

    /// Queues `cib` for writing (replacing a version not written yet).
    func submit(_ cib: XMLElement) {
        pending.withLock { $0 = cib }
        sem_post(signal)
    }

    /// Writes what is still queued, on the calling thread (at exit, after the loop stopped).
    func drain() {
        guard let cib = pending.withLock({ value -> XMLElement? in defer { value = nil }; return value }) else { return }
        _ = try? store.save(cib)
    }

    private func run() {
        while true {
            while sem_wait(signal) != 0 {}
            guard let cib = pending.withLock({ value -> XMLElement? in defer { value = nil }; return value }) else { continue }
            let failure: CIBError?
            do { try store.save(cib); failure = nil } catch { failure = error }
            let version = CIBVersion(of: cib)
            loop.post { [self] in self.onSaved(version, failure) }
        }
    }
}
