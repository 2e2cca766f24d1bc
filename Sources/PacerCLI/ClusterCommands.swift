// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerConfig
import PacerCrypto
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer keygen`: the shared key both nodes authenticate their traffic with.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the cluster's authentication key (256 random bytes, mode 0600).",
        discussion: "Copy the same file to the other node, e.g. with scp -p.")

    @Option(name: [.short, .long], help: "Where to write the key.") var output = "/etc/pacer/authkey"
    @Flag(help: "Replace an existing key.") var force = false

    func run() throws {
        do { try AuthKey.generate(path: output, force: force) } catch { fail(error.description, code: 1) }
        print("wrote \(output) (256 bytes, mode 0600); copy it to the other node")
    }
}

/// `pacer cluster init`: writes pacer.conf and the key for a two-node pair.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Set up a two-node cluster.",
        subcommands: [Init.self, Export.self, Import.self, Show.self])

    /// `pacer cluster show`: membership, quorum and links as the local daemon sees them
    /// (what `corosync-quorumtool -s` and `corosync-cfgtool -s` show for Corosync).
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show membership, quorum, DC and link states from the local pacerd.")

        func run() {
            do {
                switch try CIBTarget.request(CIBTarget.daemonName, .status) {
                case .status(_, let status): for line in status.lines { print(line) }
                case .error(let reason): fail(reason, code: 1)
                default: fail("unexpected reply", code: 1)
                }
            } catch {
                fail(error.description, code: error.code)
            }
        }
    }

    /// `pacer cluster export`: this node's pacer.conf and key as one line for the other node.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print pacer.conf and the cluster key as one line, for pacer cluster import on the other node.",
            discussion: """
            The line holds the cluster key: pass it only over a channel you trust, e.g.
              pacer cluster export | ssh root@bravo pacer cluster import -
            It is not printed to a terminal (scrollback, screen sharing) unless --to-terminal is given.
            """)
        @Option(help: "Directory of pacer.conf.") var directory = "/etc/pacer"
        @Flag(help: "Print the bundle even when standard output is a terminal.") var toTerminal = false

        func run() {
            let path = "\(directory)/pacer.conf"
            let config: ClusterConfig
            do { config = try ClusterConfig.load(path: path) } catch { fail(error.description, code: error.exitCode) }
            let key: AuthKey
            do { key = try AuthKey.load(path: config.authkeyPath) } catch { fail(error.description, code: 1) }
            if isatty(1) != 0 && !toTerminal {
                fail("refusing to print the cluster key to a terminal; pipe it (pacer cluster export | ssh root@PEER pacer cluster import -) or give --to-terminal", code: 1)
            }
            print(ClusterBundle(configuration: config.rendered(), key: key).encoded)
        }
    }

    /// `pacer cluster import FILE|-`: writes what `export` printed on the other node.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write pacer.conf and the key from a bundle made by pacer cluster export.")
        @Argument(help: "The bundle's file, or - for standard input.") var source: String
        @Option(help: "Directory for pacer.conf (the key goes where the bundle's configuration says).") var directory = "/etc/pacer"
        @Flag(help: "Replace existing files.") var force = false

        func run() {
            var bytes: [UInt8] = []
            let fd = source == "-" ? 0 : open(source, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { fail("cannot read \(source): \(String(cString: strerror(errno)))", code: 66) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count < 1 << 20 {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            if fd != 0 { close(fd) }
            let bundle: ClusterBundle
            do { bundle = try ClusterBundle(decoding: String(decoding: bytes, as: UTF8.self)) } catch { fail(error.description, code: 65) }
            let config: ClusterConfig
            do { config = try ClusterConfig.parse(bundle.configuration) } catch {
                fail("the bundle's configuration is invalid: \(error.errors.map(\.message).joined(separator: "; "))", code: 78)
            }
            mkdir(directory, 0o755)
            let confPath = "\(directory)/pacer.conf"
            if !force, access(confPath, F_OK) == 0 { fail("\(confPath) already exists; use --force to replace it", code: 1) }
            do { try bundle.key.write(to: config.authkeyPath, force: force) } catch { fail(error.description, code: 1) }
            guard writeFile(confPath, bundle.configuration) else { fail("cannot write \(confPath): \(String(cString: strerror(errno)))", code: 1) }
            var hostname = [CChar](repeating: 0, count: 256)
            gethostname(&hostname, 255)
            let me = String(cString: hostname)
            let names = config.nodes.map(\.name)
            print("wrote \(confPath) and \(config.authkeyPath) (cluster \(config.clusterName): \(names.joined(separator: ", ")))")
            if !names.contains(me) { printError("pacer: warning: this host is '\(me)', not one of \(names.joined(separator: ", ")): start pacerd with --node NAME") }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write pacer.conf and an authkey for a two-node pair.",
            discussion: """
            Example:
              pacer cluster init --name lbpair --node alpha=10.0.0.1,192.168.10.11 --node bravo=10.0.0.2,192.168.10.12
            Each --node is NAME=INTERLINK[,DATA]: the dedicated interlink address, and
            optionally the data-network address as a second link.
            """)

        @Option(help: "The cluster's name.") var name: String
        @Option(help: ArgumentHelp("A node: NAME=INTERLINK[,DATA] (give two).", valueName: "node")) var node: [String] = []
        @Option(help: "Directory for pacer.conf and authkey.") var directory = "/etc/pacer"
        @Option(help: "State directory of pacerd (the CIB lives there).") var stateDir = "/var/lib/pacer"
        @Option(help: "UDP port for heartbeats (TCP port + 1 replicates the CIB).") var port: UInt16 = 5405
        @Option(help: "Heartbeat interval, e.g. 100ms.") var interval = "100ms"
        @Option(help: "Silence after which the peer is declared lost (default 3 × interval).") var deadtime: String?
        @Flag(help: "Replace existing files.") var force = false

        func validate() throws {
            guard node.count == 2 else { throw ValidationError("give exactly two --node NAME=INTERLINK[,DATA] options (got \(node.count))") }
        }

        func run() throws {
            var text = "[cluster]\nname = \(name)\nauthkey = \(directory)/authkey\nport = \(port)\ninterval = \(interval)\n"
            if let deadtime { text += "deadtime = \(deadtime)\n" }
            text += "state_dir = \(stateDir)\n"
            for spec in node {
                guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                    throw ValidationError("--node '\(spec)' is not NAME=INTERLINK[,DATA]")
                }
                let addresses = spec[spec.index(after: eq)...].split(separator: ",").map(String.init)
                guard (1...2).contains(addresses.count) else { throw ValidationError("--node '\(spec)' needs one or two addresses") }
                text += "\n[node \(spec[..<eq])]\ninterlink = \(addresses[0])\n"
                if addresses.count == 2 { text += "data = \(addresses[1])\n" }
            }
            // Validate what we are about to write with the daemon's own parser.
            let config: ClusterConfig
            do { config = try ClusterConfig.parse(text) } catch { fail("invalid cluster settings: \(error.errors.map(\.message).joined(separator: "; "))", code: 78) }
            mkdir(directory, 0o755)
            let confPath = "\(directory)/pacer.conf"
            if !force, access(confPath, F_OK) == 0 { fail("\(confPath) already exists; use --force to replace it", code: 1) }
            do { try AuthKey.generate(path: config.authkeyPath, force: force) } catch { fail(error.description, code: 1) }
            guard writeFile(confPath, config.rendered()) else { fail("cannot write \(confPath): \(String(cString: strerror(errno)))", code: 1) }
            print("wrote \(confPath) and \(config.authkeyPath)")
            print("give the other node the same files: pacer cluster export | ssh root@PEER pacer cluster import -")
            print("then start pacerd on each (systemctl enable --now pacerd)")
        }
    }
}

/// Writes `text` to `path` (mode 0644) via a temp file and rename.
func writeFile(_ path: String, _ text: String) -> Bool {
    // A fresh temp file, never one planted in its place (a symlink to another file).
    let temp = "\(path).tmp.\(getpid())"
    unlink(temp)
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let synced = fsync(fd) == 0
    close(fd)
    guard written == bytes.count, synced, rename(temp, path) == 0 else { unlink(temp); return false }
    return true
}
