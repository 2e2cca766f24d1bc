// SPDX-License-Identifier: GPL-2.0-or-later
import ArgumentParser
import PacerCIB
import PacerModel
import PacerScheduler

/// Where `pacer simulate` takes its CIB and its time from, as crm_simulate does.
enum SimulateInput {
    /// `-x FILE`, or with `-L` (`--live-check`) what the commands would change now: the running
    /// daemon's CIB (configuration and status, as `pacer status` reads it), or the shadow CIB in
    /// use (`$CIB_shadow`, `pacer cib use`), or `$CIB_file` — the order `CIBOptions` resolves,
    /// as crm_simulate's `-L` follows `CIB_shadow` and `CIB_file`.
    static func load(xmlFile: String?, live: Bool) -> XMLElement {
        if let xmlFile {
            do { return try CIBFile(path: xmlFile, backups: 0).load() } catch { fail(error.description, code: error.exitCode) }
        }
        precondition(live, "validate() lets no simulate through without -x or -L")
        // No --cib-file here: -x names a file; the environment and the shadow in use decide.
        guard let options = try? CIBOptions.parse([]) else { fail("cannot set up the CIB options", code: 1) }
        let target = options.resolve()
        do { return try target.load() } catch let error as CIBError {
            fail(error.description, code: error.exitCode)
        } catch let error as CLIFailure {
            guard case .daemon = target else { fail(error.description, code: error.code) }
            fail("--live-check: \(error.description)", code: error.code)
        } catch { fail("\(error)", code: 1) }
    }

    /// `-t`/`--set-datetime`: an ISO 8601 date and time (crm_simulate's form), or seconds since
    /// the epoch. Unreadable text exits 64 naming it (crm_simulate would silently use the clock).
    static func time(_ text: String) -> Int {
        if let seconds = Int(text) { return seconds }
        guard let seconds = ISO8601Date.seconds(text) else {
            fail("invalid --set-datetime '\(text)': expected an ISO 8601 date and time such as '2026-12-03 10:00:00Z', or seconds since the epoch", code: 64)
        }
        return seconds
    }
}
