// SPDX-License-Identifier: GPL-2.0-or-later
/// `100ms`, `2s`, `1.5s`, `1min`, or a bare number of milliseconds.
public func parseDuration(_ text: String) -> Duration? {
    let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    guard !digits.isEmpty, let number = Double(digits), number >= 0 else { return nil }
    let scale: Double
    switch text.dropFirst(digits.count) {
    case "", "ms", "msec": scale = 1
    case "s", "sec": scale = 1000
    case "m", "min": scale = 60_000
    case "us", "usec": scale = 0.001
    default: return nil
    }
    return .microseconds(Int64((number * scale * 1000).rounded()))
}

/// IPv4 dotted quad or an IPv6 address (syntax only).
public func isIPAddress(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 4 { return parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 } }
    guard text.contains(":"), text.count <= 45 else { return false }
    let groups = text.split(separator: ":", omittingEmptySubsequences: false)
    guard groups.count >= 3, groups.count <= 8, text.components(separatedBy: "::") <= 2 else { return false }
    return groups.allSatisfy { $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }
}

extension String {
    func components(separatedBy separator: String) -> Int {
        var count = 1
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) { count += 1; rest = rest[range.upperBound...] }
        return count
    }
}

extension StringProtocol {
    var trimmed: String {
        let scalars = Array(unicodeScalars)
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[first...last])
        return result
    }
}
