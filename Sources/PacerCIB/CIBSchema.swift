// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
#endif
public import PacerModel
public import PacerXML

/// Validation of a CIB against Pacemaker's RelaxNG schema, when it is installed.
public enum CIBSchema {
    /// Where Pacemaker installs its schemas.
    public static let directory = "/usr/share/pacemaker"

    /// The schema file named by `validate-with` (`pacemaker-3.9` → `…/pacemaker-3.9.rng`),
    /// nil when validation is disabled (`none`) or the file is not installed.
    public static func schemaPath(for cib: XMLElement, directory: String = directory) -> String? {
        let name = cib["validate-with"] ?? "pacemaker-3.9"
        if name == "none" { return nil }
        let path = "\(directory)/\(name).rng"
        return access(path, R_OK) == 0 ? path : nil
    }

    /// The outcome of `validate(_:)`.
    public enum Outcome: Sendable, Equatable {
        case valid(schema: String)
        case invalid(schema: String, [XMLError])
        /// No schema to check against (not installed, or `validate-with="none"`).
        case skipped(reason: String)
    }

    public static func validate(_ cib: XMLElement, directory: String = directory) -> Outcome {
        guard let path = schemaPath(for: cib, directory: directory) else {
            let name = cib["validate-with"] ?? "pacemaker-3.9"
            return .skipped(reason: name == "none" ? "validate-with is 'none'" : "schema \(directory)/\(name).rng is not installed")
        }
        do {
            let schema = try RelaxNGSchema(path: path)
            let errors = schema.validate(cib)
            return errors.isEmpty ? .valid(schema: path) : .invalid(schema: path, errors)
        } catch {
            return .invalid(schema: path, [error])
        }
    }
}
