// SPDX-License-Identifier: GPL-2.0-or-later
/// A list of strings as bytes: count, then each as length (UInt32) and UTF-8. The framing
/// primitive under ``WireFrame``: a frame's body is one such list.
public enum WireStrings {
    public static func encode(_ strings: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        func put(_ value: Int) { for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        put(strings.count)
        for string in strings {
            let utf8 = Array(string.utf8)
            put(utf8.count)
            bytes += utf8
        }
        return bytes
    }

    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func decode<C: Collection<UInt8>>(_ bytes: C) throws(DecodeError) -> [String] where C.Index == Int {
        var index = bytes.startIndex
        func take() throws(DecodeError) -> Int {
            guard bytes.endIndex - index >= 4 else { throw DecodeError(description: "message truncated at byte \(index - bytes.startIndex)") }
            let value = bytes[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            index += 4
            return value
        }
        let count = try take()
        guard count <= (bytes.endIndex - index) / 4 + 1 else { throw DecodeError(description: "message claims \(count) strings") }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count {
            let length = try take()
            guard length <= bytes.endIndex - index else { throw DecodeError(description: "string of \(length) bytes overruns the message") }
            guard let string = String(validating: bytes[index..<(index + length)], as: UTF8.self) else {
                throw DecodeError(description: "string at byte \(index - bytes.startIndex) is not UTF-8")
            }
            strings.append(string)
            index += length
        }
        guard index == bytes.endIndex else { throw DecodeError(description: "\(bytes.endIndex - index) bytes after the message") }
        return strings
    }
}
