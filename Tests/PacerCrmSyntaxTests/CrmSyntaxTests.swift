// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrmSyntax
import PacerModel
import Testing

@Suite("crm syntax")
struct CrmSyntaxTests {
    @Test("splits words like a POSIX shell, with continuation lines and comments")
    func tokenizer() throws {
        let lines = try CrmTokenizer.lines(of: "# comment\nprimitive a Dummy \\\n  params x=\"a b\" y='c\"d'\n\nproperty z=\"q\\\"r\"\n")
        #expect(lines.map(\.number) == [2, 5])
        #expect(lines[0].words == ["primitive", "a", "Dummy", "params", "x=a b", "y=c\"d"])
        #expect(lines[1].words == ["property", "z=q\"r"])
        #expect(throws: CrmError.self) { try CrmTokenizer.split("x='open") }
    }

    @Test("errors point at the offending word")
    func errorsNameTheWord() {
        #expect {
            try CrmParser.parse(["primitive", "p", "Dummy", "param", "x=1"])
        } throws: { error in
            (error as? CrmError)?.message.hasPrefix("at 'param' (word 4") == true
        }
    }

    @Test("ids are generated as crmsh does, with -0 suffixes for clashes")
    func idGeneration() throws {
        var editor = CIBEditor(cib: EmptyCIB.make())
        try editor.apply(try CrmParser.parse(CrmTokenizer.split("primitive a Dummy params x=1 params y=2 op monitor interval=10s op monitor interval=10s role=Stopped")))
        let text = editor.cib.serialized()
        for id in ["a-instance_attributes", "a-instance_attributes-0", "a-instance_attributes-0-y", "a-monitor-10s", "a-monitor-10s-0"] {
            #expect(text.contains("id=\"\(id)\""), "missing \(id)")
        }
    }

    @Test("deleting a primitive removes constraints that name it and shrinks sets")
    func deleteFixesReferences() throws {
        var editor = CIBEditor(cib: EmptyCIB.make())
        for line in ["primitive a Dummy", "primitive b Dummy", "primitive c Dummy",
                     "location l a 10: n1", "colocation c3 inf: a b c", "order o a b"] {
            try editor.apply(try CrmParser.parse(CrmTokenizer.split(line)))
        }
        try editor.apply(.delete(ids: ["a"]))
        let constraints = editor.cib.firstElement(named: "configuration")!.firstElement(named: "constraints")!
        #expect(constraints.elements.map(\.id) == ["c3"])
        // crmsh 4.4.1 re-parses the one remaining set as a simple colocation and exchanges the two
        // (crm -f on the same commands writes rsc="c" with-rsc="b").
        #expect(constraints.elements[0]["rsc"] == "c" && constraints.elements[0]["with-rsc"] == "b")
        #expect(editor.messages.contains("INFO: hanging location:l deleted"))
    }

    @Test("a failed command leaves the CIB as it was")
    func failedCommandIsAtomic() throws {
        var editor = CIBEditor(cib: EmptyCIB.make())
        try editor.apply(try CrmParser.parse(["primitive", "a", "Dummy"]))
        let before = editor.cib
        #expect(throws: CrmError.self) { try editor.apply(try CrmParser.parse(["group", "g", "a", "missing"])) }
        #expect(editor.cib == before)
    }

    @Test("show renders crmsh's text form")
    func show() throws {
        var script = CrmScript(cib: EmptyCIB.make())
        try script.run(script: """
        configure
        primitive vip IPaddr2 params ip=192.0.2.10 op monitor interval=5s
        location prefer vip 50: n1
        property stonith-enabled=false
        """)
        #expect(CrmShow.render(script.cib) == """
        primitive vip IPaddr2 \\
        \tparams ip=192.0.2.10 \\
        \top monitor interval=5s
        location prefer vip 50: n1
        property cib-bootstrap-options: \\
        \tstonith-enabled=false
        """)
    }
}
