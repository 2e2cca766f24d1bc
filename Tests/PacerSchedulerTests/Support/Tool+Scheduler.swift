// SPDX-License-Identifier: GPL-2.0-or-later
import PacerTestKit

extension Tool {
    /// The corpus's `normalize_summary.py` applied to a crm_simulate-style output.
    static func normalizedSummary(_ output: String) throws -> String {
        try run(["python3", corpus + "/normalize_summary.py", "-"], stdin: output).stdout
    }
}
