// SPDX-License-Identifier: GPL-2.0-or-later
// A tiny IPC client for PacerIPC's tests: they run it as another user (setpriv) or kill it
// mid-request, which an in-process client cannot do.
//
//   pacer-ipc-probe NAME request PAYLOAD   print the reply; exit 1 with the error on failure
//   pacer-ipc-probe NAME vanish PAYLOAD    send, wait briefly, then exit without closing
//   pacer-ipc-probe NAME serve -            echo server until killed (for RSS checks)
//   pacer-ipc-probe NAME hold N             open up to N connections, print "held K" and the
//                                           first refusal, then keep them until killed
import Glibc
import PacerIPC

func complain(_ message: String) {
    var message = message + "\n"
    message.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, ["request", "vanish", "serve", "hold"].contains(arguments[2]) else {
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
