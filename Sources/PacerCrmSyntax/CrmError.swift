// SPDX-License-Identifier: GPL-2.0-or-later
/// A crmsh-syntax or editing error that names the offending word and where it is.
public struct CrmError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The words do not follow the grammar (exit 64).
        case usage
        /// The words are well-formed but the value is wrong (exit 65).
        case badValue
        /// An object named by the command does not exist (exit 105).
        case noSuchObject
        /// The object already exists (exit 1, as crm_resource's "already exists").
        case exists
        /// The object is in use and the command would disturb it (exit 1, as crmsh).
        case inUse
    }

    public var kind: Kind
    public var message: String
    /// Script line (1-based) for `-f` input, 0 for a command typed as arguments.
    public var line: Int

    public init(_ kind: Kind, _ message: String, line: Int = 0) {
        self.kind = kind
        self.message = message
        self.line = line
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }

    /// Exit status as Pacemaker's results.h (CONVENTIONS.md §4).
    public var exitCode: Int32 {
        switch kind {
        case .usage: return 64
        case .badValue: return 65
        case .noSuchObject: return 105
        case .exists, .inUse: return 1
        }
    }
}
