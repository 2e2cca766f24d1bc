// SPDX-License-Identifier: GPL-2.0-or-later
import CQB
import Glibc

/// The bytes on the wire: libqb's request/response headers, then the opaque payload.
///
/// A request is `qb_ipc_request_header { id, size }` + payload, `size` counting both; a reply
/// is `qb_ipc_response_header { id, size, error }` + payload with the request's `id`. A
/// non-zero `error` is a negative errno saying why the server sent no normal reply:
/// `-EMSGSIZE` (payload: the server's limit), `-E2BIG` (reply too large; payload: size, limit),
/// `-EBADMSG` (the request was malformed), `-ENOMSG` (dropped without a reply).
enum IPCWire {
    static let requestHeaderSize = MemoryLayout<qb_ipc_request_header>.size
    static let responseHeaderSize = MemoryLayout<qb_ipc_response_header>.size
    /// What libqb's buffers must hold beyond the payload limit.
    static let headerAllowance = max(requestHeaderSize, responseHeaderSize)

    static func requestHeader(id: Int32, payloadCount: Int) -> qb_ipc_request_header {
        var header = qb_ipc_request_header()
        header.id = id
        header.size = Int32(requestHeaderSize + payloadCount)
        return header
    }

    static func responseHeader(id: Int32, payloadCount: Int, error: Int32) -> qb_ipc_response_header {
        var header = qb_ipc_response_header()
        header.id = id
        header.size = Int32(responseHeaderSize + payloadCount)
        header.error = error
        return header
    }

    static func encode(_ values: [Int64]) -> [UInt8] {
        values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    }

    static func decode(_ bytes: ArraySlice<UInt8>, index: Int) -> Int64? {
        let start = bytes.startIndex + index * 8
        guard start + 8 <= bytes.endIndex else { return nil }
        return (0..<8).reduce(Int64(0)) { $0 | Int64(bytes[start + $1]) << ($1 * 8) }
    }
}
