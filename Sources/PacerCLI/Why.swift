// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerModel
import PacerScheduler
#if canImport(Glibc)
import Glibc
#endif

/// `pacer why RSC`: where a resource will run and why.
struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain where a resource will run and why, node by node.",
        discussion: "Reads the live cluster's CIB from pacerd, or --cib-file / CIB_file=.")

    @OptionGroup var target: ResourceCommand.Target

    func run() {
        let root = ResourceCommand.load(target.cib)
        guard let explanation = Explanation.explain(target.resource, input: SchedulerInput(cib: root, now: Int(time(nil)))) else {
            fail("resource '\(target.resource)' not found (a primitive or a group)", code: 105)
        }
        print(explanation.text)
    }
}
