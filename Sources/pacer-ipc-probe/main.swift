// SPDX-License-Identifier: GPL-2.0-or-later
// A tiny IPC client for PacerIPC's tests: they run it as another user (setpriv) or kill it
// mid-request, which an in-process client cannot do.
//
//   pacer-ipc-probe NAME request PAYLOAD   print the reply; exit 1 with the error on failure
//   pacer-ipc-probe NAME vanish PAYLOAD    send, wait briefly, then exit without closing
//   pacer-ipc-probe NAME serve -            echo server until killed (for RSS checks)
//   pacer-ipc-probe NAME strings ARG…       send ARG… (@FILE: the file's contents) as one pacerd frame
//                                           (WireFrame) and print the reply's strings, one per line
//   pacer-ipc-probe NAME hold N             open up to N connections, print "held K" and the
//                                           first refusal, then keep them until killed
import Glibc
import PacerIPC
import PacerEventLoop
import PacerWire

func complain(_ message: String) {
    var message = message + "\n"
    message.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, ["request", "vanish", "serve", "hold", "strings"].contains(arguments[2]),
      arguments[2] == "strings" || arguments.count == 4 else {
    complain("usage: pacer-ipc-probe NAME request|vanish|serve|hold PAYLOAD")
    exit(64)
}
let (name, mode, payload) = (arguments[1], arguments[2], Array(arguments[3].utf8))
do {
    if mode == "serve" {
        let loop = try EventLoop()
        let server = try IPCServer(name: name, loop: loop) { $0.reply($0.payload) }
        loop.run()
        server.shutdown()
        exit(0)
    }
    if mode == "strings" {
        // An argument @FILE stands for the file's contents (for payloads beyond the argument limit).
        let strings = try Array(arguments.dropFirst(3)).map { argument -> String in
            guard argument.hasPrefix("@") else { return argument }
            let fd = open(String(argument.dropFirst()), O_RDONLY)
            guard fd >= 0 else { throw IPCError.malformedMessage(detail: "cannot read \(argument.dropFirst())") }
            defer { close(fd) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        // pacerd's frames, as-is: the strings need not be a request pacerd knows.
        let client = try IPCClient.connect(name: name, maxMessageSize: 8 << 20)
        let reply = try client.request(WireFrame.encode(strings), timeout: .seconds(10))
        for string in try WireFrame.decode(reply) { print(string) }
        exit(0)
    }
    if mode == "hold" {
        var held: [IPCClient] = []
        var refusal = "none"
        for _ in 0..<(Int(arguments[3]) ?? 0) {
            do { held.append(try IPCClient.connect(name: name)) } catch { refusal = "\(error)"; break }
        }
        var line = "held \(held.count); refused: \(refusal)\n"
        line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
        while true { pause() }
    }
    let client = try IPCClient.connect(name: name)
    if mode == "vanish" {
        _ = try? client.request(payload, timeout: .milliseconds(50))
        _exit(0)
    }
    let reply = try client.request(payload, timeout: .seconds(10))
    print(String(decoding: reply, as: UTF8.self))
    exit(0)
} catch {
    complain("pacer-ipc-probe: \(error)")
    exit(1)
}
