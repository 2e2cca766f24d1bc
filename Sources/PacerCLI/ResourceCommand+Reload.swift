// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerScheduler
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

extension ResourceCommand {
    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reload a resource that runs on this node: its agent's reload action, run by pacerd between its monitors.",
            discussion: """
            The agent reloads with the parameters the resource was started with (HAProxy, for one, re-reads its \
            configuration without losing a connection). Works on the running cluster only. Exit status: 0 reloaded, \
            7 not running on this node (pacer resource locate RSC tells where), 1 the agent failed.
            """)
        @OptionGroup var target: Target
        func run() {
            guard case .daemon(let ipc) = target.cib.resolve() else { fail("reload runs the agent on the live cluster; it has no meaning for a CIB file", code: 64) }
            do {
                switch try CIBTarget.request(ipc, .reload(resource: target.resource)) {
                case .ok(let text): print(text)
                case .notRunning(let text): fail(text, code: 7)
                case .error(let text), .conflict(let text): fail(text, code: 1)
                case .cib, .status: fail("unexpected reply from pacerd", code: 1)
                }
            } catch { fail(error.description, code: error.code) }
        }
    }
}
