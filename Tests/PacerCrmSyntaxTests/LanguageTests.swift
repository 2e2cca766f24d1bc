// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrmSyntax
import PacerModel
import Testing

/// rsc_template, @template, ms, tag, alert, groups in any order, and verify's extra checks.
@Suite("crm syntax: the whole language")
struct LanguageTests {
    func editor(_ lines: [String]) throws -> CIBEditor {
        var editor = CIBEditor(cib: EmptyCIB.make())
        for line in lines { try editor.apply(try CrmParser.parse(CrmTokenizer.split(line))) }
        return editor
    }

    func element(_ editor: CIBEditor, _ id: String) -> XMLElement? {
        let configuration = editor.cib.firstElement(named: "configuration")!
        return configuration.path(toID: id).flatMap { configuration.element(at: $0) }
    }

    @Test("params, meta, utilization and op in any order keep the typed order, ids in document order")
    func anyOrder() throws {
        let editor = try editor(["primitive d3 ocf:heartbeat:Dummy op monitor interval=10s meta target-role=Stopped params fake=1"])
        let primitive = try #require(element(editor, "d3"))
        #expect(primitive.elements.map(\.name) == ["operations", "meta_attributes", "instance_attributes"])
        #expect(CrmShow.render(editor.cib) == "primitive d3 Dummy \\\n\top monitor interval=10s \\\n\tmeta target-role=Stopped \\\n\tparams fake=1")
    }

    @Test("ops typed after another group join the first <operations> (crmsh would write a second one the schema refuses)")
    func opsMerge() throws {
        let editor = try editor(["primitive d Dummy op start timeout=20s interval=0 meta is-managed=false op stop timeout=20s interval=0"])
        let primitive = try #require(element(editor, "d"))
        #expect(primitive.elements.map(\.name) == ["operations", "meta_attributes"])
        #expect(primitive.firstElement(named: "operations")?.elements.map(\.id) == ["d-start-0", "d-stop-0"])
    }

    @Test("rsc_template and primitive @template")
    func templates() throws {
        let editor = try editor(["rsc_template tpl Dummy params fake=2 op monitor interval=20s", "primitive d2 @tpl params state=/tmp/x"])
        #expect(element(editor, "tpl")?.name == "template")
        let primitive = try #require(element(editor, "d2"))
        #expect(primitive.attributes.map(\.name) == ["id", "template"])
        #expect(CrmShow.render(editor.cib) == "rsc_template tpl Dummy \\\n\tparams fake=2 \\\n\top monitor interval=20s\nprimitive d2 @tpl \\\n\tparams state=\"/tmp/x\"")
        #expect(throws: CrmError.self) { _ = try self.editor(["primitive d2 @nosuch"]) }
    }

    @Test("ms writes <master> and says it is deprecated, as crmsh")
    func master() throws {
        let editor = try editor(["primitive s Stateful", "ms m s meta notify=true"])
        #expect(element(editor, "m")?.name == "master")
        #expect(editor.messages.last == "WARNING: \"ms\" is deprecated. Please use \"clone m s meta notify=true promotable=true\"")
        #expect(CrmShow.render(editor.cib).hasSuffix("ms m s \\\n\tmeta notify=true"))
    }

    @Test("tag with or without the colon; shown between resources and constraints")
    func tags() throws {
        let editor = try editor(["primitive a Dummy", "tag t2: a", "location l a 1: n1", "tag t1 a l"])
        #expect(CrmShow.render(editor.cib) == "primitive a Dummy\ntag t1 a l\ntag t2 a\nlocation l a 1: n1")
    }

    @Test("alert: sets, select and recipients in typed order, crmsh's ids; shown last, braced when ambiguous")
    func alerts() throws {
        let editor = try editor([
            "alert a1 /x.sh meta timeout=10s attributes foo=bar select nodes attributes { foo bar } to /tmp/log to { /tmp/log2 meta timeout=5s }",
            "alert a6 /bin/true to { /r1 } meta timeout=4s",
            "property stonith-enabled=false",
        ])
        let alert = try #require(element(editor, "a1"))
        #expect(alert.elements.map(\.name) == ["meta_attributes", "instance_attributes", "select", "recipient", "recipient"])
        #expect(alert.elements.map { $0["id"] ?? "" } == ["a1-meta_attributes", "a1-instance_attributes", "", "a1-recipient-1", "a1-recipient-2"])
        let names = alert.firstElement(named: "select")?.firstElement(named: "select_attributes")?.elements.map { $0["id"] ?? "" }
        #expect(names == ["a1-0", "a1-1"])
        #expect(CrmShow.render(editor.cib) == """
            property cib-bootstrap-options: \\
            \tstonith-enabled=false
            alert a1 "/x.sh" \\
            \tmeta timeout=10s \\
            \tattributes foo=bar \\
            \tselect nodes attributes { foo bar } \\
            \tto "/tmp/log" \\
            \tto "/tmp/log2" meta timeout=5s
            alert a6 "/bin/true" \\
            \tto { "/r1" } \\
            \tmeta timeout=4s
            """)
    }

    @Test("without braces, sets after a recipient are the recipient's; 'select attributes' without '{' is the alert's set")
    func alertAmbiguity() throws {
        let parsed = try CrmParser.parse(CrmTokenizer.split("alert a /p select resources attributes x=1 to /r meta m=1 attributes y=2"))
        guard case .alert(let alert) = parsed else { Issue.record("not an alert"); return }
        #expect(alert.items.count == 3)
        #expect(alert.items[0] == .select([.resources]))
        guard case .block(let block) = alert.items[1] else { Issue.record("no attributes"); return }
        #expect(block.kind == .params && block.values == NameValues([("x", "1")]))
        guard case .recipient(let recipient) = alert.items[2] else { Issue.record("no recipient"); return }
        #expect(recipient.blocks.map(\.kind) == [.meta, .params])
    }

    @Test("verify: fencing without a device is crm_verify's error; missing agents, alert paths and tag targets are warnings")
    func verify() throws {
        let host = CrmVerify.Host(
            agentExists: { resourceClass, _, type in resourceClass == "ocf" ? type == "Dummy" : nil },
            agentNames: { _, _ in ["Dummy", "IPaddr2"] },
            executableProblem: { $0 == "/bin/true" ? nil : "it does not exist" })
        var findings = CrmVerify.check(try editor(["primitive d Dummy"]).cib, host: host)
        #expect(findings.filter { $0.severity == .error }.map(\.message).first == "Resource start-up disabled since no STONITH resources have been defined")
        findings = CrmVerify.check(try editor([
            "property stonith-enabled=false", "primitive d ocf:heartbeat:Dumy", "primitive s systemd:foo",
            "alert a1 /bin/true", "alert a2 /nowhere.sh", "tag t d ghost",
        ]).cib, host: host)
        #expect(findings.map(\.message) == [
            "primitive 'd': resource agent ocf:heartbeat:Dumy is not installed; did you mean 'Dummy'?",
            "alert 'a2': path /nowhere.sh cannot run: it does not exist",
            "tag 't' refers to 'ghost', which does not exist",
        ])
        #expect(findings.allSatisfy { $0.severity == .warning })
        // A fencing device (here through a template) satisfies crm_verify.
        findings = CrmVerify.check(try editor(["rsc_template f stonith:fence_dummy", "primitive s @f"]).cib, host: host)
        #expect(findings.isEmpty, "\(findings)")
    }
}
