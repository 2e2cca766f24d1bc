// SPDX-License-Identifier: GPL-2.0-or-later
/// A daemon start-up or runtime failure, with a message for the operator.
public struct DaemonError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
