// SPDX-License-Identifier: GPL-2.0-or-later
// pacerd: one Pacer node. Usage: pacerd [--config FILE] [--node NAME] [--ocf-root DIR] | --version
import CPacerSys
import Logging
import PacerConfig
import PacerDaemon
#if canImport(Glibc)
import Glibc
#endif

func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func usage(_ message: String) -> Never {
    printError("pacerd: \(message)\nusage: pacerd [--config FILE] [--node NAME] [--state-dir DIR] [--ipc-name NAME] [--ocf-root DIR]")
    exit(64)
}

var configPath = ClusterConfig.defaultPath
var nodeName: String?
var ocfRoot = "/usr/lib/ocf"
var stateDirectory: String?
var ipcName: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--config", "-c":
        guard let value = arguments.popFirst() else { usage("--config needs a file") }
        configPath = value
    case "--node", "-n":
        guard let value = arguments.popFirst() else { usage("--node needs a name") }
        nodeName = value
    case "--state-dir":
        guard let value = arguments.popFirst() else { usage("--state-dir needs a directory") }
        stateDirectory = value
    case "--ipc-name":
        guard let value = arguments.popFirst() else { usage("--ipc-name needs a name") }
        ipcName = value
    case "--ocf-root":
        guard let value = arguments.popFirst() else { usage("--ocf-root needs a directory") }
        ocfRoot = value
    case "--help", "-h": usage("runs one node of a Pacer cluster")
    case "--version":
        print(String(cString: pacer_version()))
        exit(0)
    default: usage("unknown argument '\(argument)'")
    }
}

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = getenv("PACER_DEBUG") != nil ? .debug : .info
    return handler
}
let logger = Logger(label: "pacerd")

var config: ClusterConfig
do { config = try ClusterConfig.load(path: configPath) } catch {
    // A regular file owned by root that others cannot change, read without blocking.
    for line in error.description.split(separator: "\n") { printError("pacerd: \(line)") }
    exit(error.exitCode)
}
// Two nodes on one machine (tests, the demo) need their own state and IPC names.
if let stateDirectory { config.stateDirectory = stateDirectory }
if let ipcName { config.ipcName = ipcName }
var hostname = [CChar](repeating: 0, count: 256)
gethostname(&hostname, 255)
let node = nodeName ?? String(cString: hostname)
do {
    let daemon = try Daemon(config: config, node: node, logger: logger, ocfRoot: ocfRoot)
    try daemon.run()
} catch {
    printError("pacerd: \(error)")
    exit(1)
}
