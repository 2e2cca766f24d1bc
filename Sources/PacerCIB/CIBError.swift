// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerXML

/// What can go wrong reading or writing a CIB file; each case names the file.
public enum CIBError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case malformed(path: String, XMLError)
    case notACIB(path: String, root: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "CIB file \(path) does not exist"
        case .unreadable(let path, let reason): return "cannot read CIB file \(path): \(reason)"
        case .malformed(let path, let error):
            return error.line > 0
                ? "CIB file \(path) is not well-formed XML at line \(error.line), column \(error.column): \(error.message)"
                : "CIB file \(path) is not well-formed XML: \(error.message)"
        case .notACIB(let path, let root): return "\(path) is not a CIB: its root element is <\(root)>, expected <cib>"
        case .unwritable(let path, let reason): return "cannot write CIB file \(path): \(reason)"
        }
    }

    /// Exit status as Pacemaker's `results.h` (CONVENTIONS.md §4): 66 missing input, 65 bad data, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .notFound: return 66
        case .malformed, .notACIB: return 65
        case .unreadable, .unwritable: return 1
        }
    }
}
