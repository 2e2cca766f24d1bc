// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer configure edit` with a scripted `$EDITOR`, against crmsh 4.4.1's `crm configure edit`
/// (run under a pseudo-terminal: crmsh refuses to edit in batch mode).
@Suite("configure edit")
struct EditTests {
    func pair(_ dir: TemporaryDirectory) throws -> String { try configuredProxyPair(dir) }

    func editor(_ dir: TemporaryDirectory, _ name: String, _ body: String) throws -> String {
        let path = dir.file(name)
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    @Test("editing one object writes what crm configure edit writes")
    func sameAsCrm() throws {
        let dir = try TemporaryDirectory()
        let base = try pair(dir)
        for (ids, script) in [(["vIP_10"], "sed -i 's/cidr_netmask=24/cidr_netmask=16/; s/interval=5s/interval=7s/' \"$1\"")] {
            let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
            try? FileManager.default.removeItem(atPath: theirs)
            try? FileManager.default.removeItem(atPath: ours)
            try FileManager.default.copyItem(atPath: base, toPath: theirs)
            try FileManager.default.copyItem(atPath: base, toPath: ours)
            let edit = try editor(dir, "edit.sh", script)
            let crm = try Tool.run(["timeout", "60", "script", "-qec", (["crm", "configure", "edit"] + ids).joined(separator: " "), "/dev/null"],
                                   environment: ["CIB_file": theirs, "EDITOR": edit])
            #expect(crm.status == 0, "crm configure edit \(ids): \(crm.stdout) \(crm.stderr)")
            let pacer = try Tool.run([Tool.pacer, "configure", "edit"] + ids, environment: ["CIB_file": ours, "EDITOR": edit])
            #expect(pacer.status == 0, "pacer configure edit \(ids): \(pacer.stderr)")
            let (a, b) = (try canonicalCIB(ours), try canonicalCIB(theirs))
            let difference = a == b ? "" : try Tool.run(["bash", "-c", "diff <(echo \"$A\") <(echo \"$B\") | head -30"], environment: ["A": a, "B": b]).stdout
            #expect(a == b, "edit \(ids):\n\(difference)")
            #expect(a != (try canonicalCIB(base)), "the edit changed nothing")
        }
    }

    @Test("editing the whole configuration: a deleted line deletes the object, a new line adds one, the rest stays")
    func wholeConfiguration() throws {
        let dir = try TemporaryDirectory()
        let cib = try pair(dir)
        // (awk drops haproxyd's definition with its continuation lines.)
        let edit = try editor(dir, "edit.sh", """
        awk '/^primitive haproxyd/ { skip = 1; next } skip && /^[ \\t]/ { next } { skip = 0; sub(/ haproxyd$/, ""); print }' "$1" > "$1.new"
        mv "$1.new" "$1"
        printf 'primitive d9 ocf:heartbeat:Dummy\\n' >> "$1"
        """)
        let result = try Tool.run([Tool.pacer, "configure", "edit"], environment: ["CIB_file": cib, "EDITOR": edit])
        #expect(result.status == 0, "\(result.stderr)")
        let shown = try Tool.run([Tool.pacer, "configure", "show"], environment: ["CIB_file": cib]).stdout
        #expect(!shown.contains("haproxyd") && shown.contains("primitive d9 Dummy")
                && shown.contains("group proxyGroup ckVIP vIP_10") && shown.contains("primitive vIP_10"), "\(shown)")
    }

    @Test("two concurrent edits: the first to finish wins, the other is refused naming both versions, and its text is kept")
    func concurrentEdits() throws {
        let dir = try TemporaryDirectory()
        let cib = try pair(dir)
        let slow = try editor(dir, "slow.sh", """
        touch \(dir.file("started"))
        while [ ! -e \(dir.file("go")) ]; do sleep 0.05; done
        sed -i 's/cidr_netmask=24/cidr_netmask=8/' "$1"
        """)
        let quick = try editor(dir, "quick.sh", "sed -i 's/interval=5s/interval=9s/' \"$1\"")
        let run = try Tool.run(["bash", "-c", """
        EDITOR=$SLOW "$PACER" configure edit vIP_10 2>"$DIR/slow.err" & slow=$!
        while [ ! -e "$DIR/started" ]; do sleep 0.05; done
        EDITOR=$QUICK "$PACER" configure edit vIP_10 || exit 9
        touch "$DIR/go"
        wait $slow; echo "slow=$?"
        """], environment: ["CIB_file": cib, "SLOW": slow, "QUICK": quick, "PACER": Tool.pacer, "DIR": dir.path])
        #expect(run.status == 0 && run.stdout.contains("slow=1"), "\(run.stdout) \(run.stderr)")
        let refused = (try? String(contentsOfFile: dir.file("slow.err"), encoding: .utf8)) ?? ""
        #expect(refused.contains("the configuration changed while it was edited (read at 0.2, now 0.3)"), "\(refused)")
        let xml = try String(contentsOfFile: cib, encoding: .utf8)
        #expect(xml.contains("interval=\"9s\"") && xml.contains("value=\"24\"") && !xml.contains("value=\"8\""), "\(xml)")
        // The refused text is kept, with the change in it.
        let kept = refused.components(separatedBy: "kept in ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        #expect(((try? String(contentsOfFile: kept, encoding: .utf8)) ?? "").contains("cidr_netmask=8"), "kept: \(kept)")
        try? FileManager.default.removeItem(atPath: kept)
    }

    @Test("an edit that does not parse or refers to nothing is refused with its file and line; the CIB is unchanged")
    func invalidEdit() throws {
        let dir = try TemporaryDirectory()
        let cib = try pair(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: cib))
        for (script, words) in [("printf 'primitive d9 ocf:heartbeat:Dummy op monitor interval=\\n' >> \"$1\"", "interval"),
                                ("sed -i 's/group proxyGroup ckVIP/group proxyGroup nosuch/' \"$1\"", "nosuch")] {
            let edit = try editor(dir, "bad.sh", script)
            let result = try Tool.run([Tool.pacer, "configure", "edit"], environment: ["CIB_file": cib, "EDITOR": edit, "TMPDIR": dir.path])
            #expect(result.status != 0 && result.stderr.range(of: #"pacer-edit-\w+\.crm:\d+: "#, options: .regularExpression) != nil
                    && result.stderr.contains(words) && result.stderr.contains("your edit is kept in"), "\(result.stderr)")
        }
        let unknown = try Tool.run([Tool.pacer, "configure", "edit", "nosuch"], environment: ["CIB_file": cib, "EDITOR": "true"])
        #expect(unknown.status == 105 && unknown.stderr.contains("object nosuch does not exist"), "\(unknown.stderr)")
        let unchanged = try Tool.run([Tool.pacer, "configure", "edit"], environment: ["CIB_file": cib, "EDITOR": "true"])
        #expect(unchanged.status == 0, "\(unchanged.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cib)) == before, "a refused or empty edit changed the CIB")
    }
}
