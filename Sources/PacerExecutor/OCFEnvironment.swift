// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
/// The environment Pacemaker's executor gives an OCF agent (REFERENCE.md §2), as `NAME=value` strings.
public enum OCFEnvironment {
    public static let exitReasonPrefix = "ocf-exit-reason:"
    public static let featureSet = "3.16.1"

    /// Builds the environment for `action`.
    /// - Parameters:
    ///   - inherited: variables passed through from the executor's own environment
    ///     (PATH, locale and `PACER_ADDRESS_LEASE`; never the executor's secrets).
    ///   - ocfRoot: `OCF_ROOT`.
    public static func make(for action: AgentAction, inherited: [String: String], ocfRoot: String) -> [String] {
        var environment: [(String, String)] = []
        for key in ["PATH", "LANG", "LC_ALL", "TZ", "HA_RSCTMP", "HA_VARLIB", "OCF_FUNCTIONS_DIR", "OCF_TRACE_RA", "PACER_ADDRESS_LEASE"] {
            if let value = inherited[key] { environment.append((key, value)) }
        }
        if inherited["PATH"] == nil { environment.append(("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")) }
        environment += [
            ("OCF_ROOT", ocfRoot),
            ("OCF_RA_VERSION_MAJOR", "1"),
            ("OCF_RA_VERSION_MINOR", "1"),
            ("OCF_RESOURCE_INSTANCE", action.resourceID),
            ("OCF_RESOURCE_TYPE", action.agent.type),
            ("OCF_EXIT_REASON_PREFIX", exitReasonPrefix),
            ("OCF_OUTPUT_FORMAT", "text"),
            ("OCF_RESKEY_crm_feature_set", featureSet),
            ("HA_LOGFACILITY", "none"),
            ("HA_logfacility", "none"),
            ("PCMK_service", "pacer-execd"),
        ]
        if let provider = action.agent.provider { environment.append(("OCF_RESOURCE_PROVIDER", provider)) }
        for parameter in action.parameterList {
            if parameter.name == "OCF_CHECK_LEVEL" { continue }
            environment.append(("OCF_RESKEY_\(parameter.name)", parameter.value))
        }
        if let level = action.checkLevel { environment.append(("OCF_CHECK_LEVEL", level)) }
        environment.append(("OCF_RESKEY_CRM_meta_timeout", String(action.timeout.milliseconds)))
        if action.interval > .zero {
            environment.append(("OCF_RESKEY_CRM_meta_interval", String(action.interval.milliseconds)))
        }
        if action.isProbe { environment.append(("OCF_RESKEY_CRM_meta_op_target_rc", "7")) }
        for meta in action.meta {
            let name = String(meta.name.map { $0 == "-" ? "_" : $0 })
            environment.append(("OCF_RESKEY_CRM_meta_\(name)", meta.value))
        }
        // Later entries win, as in a shell `export`: keep the last value of each name.
        var seen = Set<String>()
        var result: [String] = []
        for (name, value) in environment.reversed() where seen.insert(name).inserted { result.append("\(name)=\(value)") }
        return result.reversed()
    }

    /// The first `ocf-exit-reason:` line of `stderr`, trimmed.
    public static func exitReason(in stderr: String) -> String? {
        for line in stderr.split(separator: "\n") {
            guard let range = line.firstRange(of: exitReasonPrefix) else { continue }
            return String(line[range.upperBound...]).trimmingBlanks()
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" && $0 != "\r" })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
