// SPDX-License-Identifier: GPL-2.0-or-later
/// The `(admin_epoch, epoch, num_updates)` generation of a CIB, compared as Pacemaker does.
public struct CIBVersion: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var adminEpoch: Int
    public var epoch: Int
    public var numUpdates: Int

    public init(adminEpoch: Int, epoch: Int, numUpdates: Int) {
        self.adminEpoch = adminEpoch
        self.epoch = epoch
        self.numUpdates = numUpdates
    }

    /// The version written on a `<cib>` element (missing or bad numbers read as 0).
    public init(of cib: XMLElement) {
        adminEpoch = Int(cib["admin_epoch"] ?? "") ?? 0
        epoch = Int(cib["epoch"] ?? "") ?? 0
        numUpdates = Int(cib["num_updates"] ?? "") ?? 0
    }

    /// Parses `admin_epoch.epoch.num_updates` as ``description`` writes it; nil for anything
    /// else (wrong count of parts, a part that is not a non-negative decimal number).
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 18, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part) else { return nil }
            numbers.append(value)
        }
        self.init(adminEpoch: numbers[0], epoch: numbers[1], numUpdates: numbers[2])
    }

    public static func < (lhs: CIBVersion, rhs: CIBVersion) -> Bool {
        (lhs.adminEpoch, lhs.epoch, lhs.numUpdates) < (rhs.adminEpoch, rhs.epoch, rhs.numUpdates)
    }

    public var description: String { "\(adminEpoch).\(epoch).\(numUpdates)" }

    /// Which part of the CIB differs between two versions of it.
    public static func classify(before: XMLElement, after: XMLElement) -> ChangeKind {
        if before.firstElement(named: "configuration") != after.firstElement(named: "configuration") {
            return .configuration
        }
        return before == after ? .none : .status
    }

    public enum ChangeKind: Sendable, Equatable { case none, configuration, status }

    /// A configuration change: `epoch` + 1, `num_updates` = 0.
    public static func bumpEpoch(_ cib: inout XMLElement) {
        cib["epoch"] = String((Int(cib["epoch"] ?? "") ?? 0) + 1)
        cib["num_updates"] = "0"
    }

    /// A status change: `num_updates` + 1.
    public static func bumpNumUpdates(_ cib: inout XMLElement) {
        cib["num_updates"] = String((Int(cib["num_updates"] ?? "") ?? 0) + 1)
    }
}
