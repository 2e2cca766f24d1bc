import Foundation
import Testing

/// End to end, as an operator runs it: real agents and HAProxy in network namespaces,
/// a client asking through the VIP (issue: the real thing end to end).
@Suite("two-node load-balancer pair in network namespaces", .serialized)
struct ScenarioTests {
    @Test("cold start in order; power-off of the active node moves the group; its return moves nothing")
    func coldStartAndPowerOff() throws {
        let pair = try NetnsPair()
        guard let owner = try pair.bringUpGroup() else {
            Issue.record("the client was never served\n\(pair.logs())")
            return
        }
        #expect(pair.vipOwners() == [owner])
        // The owner's history: its successful starts, ordered by call-id, are the group's order.
        // (HAProxy may answer a moment before the DC has stored its start's result.)
        _ = pair.wait(upTo: 10) { pair.cib(owner).components(separatedBy: "_start_0\"").count > 3 }
        let cib = pair.cib(owner)
        let section = cib.range(of: "uname=\"\(owner)\"").map { String(cib[$0.lowerBound...].prefix { $0 != "\u{0}" }) } ?? ""
        let ownerState = section.components(separatedBy: "</node_state>").first ?? ""
        let starts = ["ckVIP", "vIP_10", "haproxyd"].map { rsc -> Int in
            let records = ownerState.components(separatedBy: "<lrm_rsc_op ").filter {
                $0.contains("operation_key=\"\(rsc)_start_0\"") && $0.contains("rc-code=\"0\"")
            }
            return records.compactMap { record -> Int? in
                guard let call = record.range(of: "call-id=\"") else { return nil }
                return Int(record[call.upperBound...].prefix { $0.isNumber })
            }.max() ?? -1
        }
        #expect(starts[0] >= 0 && starts[0] < starts[1] && starts[1] < starts[2], "start order by call-id: \(starts)\n\(pair.logs())")

        let survivor = owner == "alpha" ? "bravo" : "alpha"
        pair.powerOff(owner)
        var twoOwners = false
        let served = pair.wait(upTo: 60) {
            if pair.vipOwners().count > 1 { twoOwners = true }
            return pair.clientServed()
        }
        #expect(served, "the client was not served again\n\(pair.logs())")
        #expect(!twoOwners)
        #expect(pair.vipOwners() == [survivor])

        try pair.powerOn(owner)
        let rejoined = pair.wait(upTo: 30) { (try? pair.pacer(survivor, ["cluster", "show"]).stdout.contains("peer-state=member")) == true }
        #expect(rejoined, "\(owner) did not rejoin\n\(pair.logs())")
        usleep(3_000_000)
        #expect(pair.vipOwners() == [survivor], "something moved back\n\(pair.logs())")
        #expect(pair.clientServed())
    }

    @Test("HAProxy killed: with migration-threshold=1 the group moves and stays; cleanup clears the fail count")
    func haproxyFailure() throws {
        let pair = try NetnsPair()
        guard let owner = try pair.bringUpGroup() else {
            Issue.record("the client was never served\n\(pair.logs())")
            return
        }
        let other = owner == "alpha" ? "bravo" : "alpha"
        let haproxy = try #require(pair.haproxyPID(owner), "no HAProxy pid file on \(owner)")
        kill(haproxy, SIGKILL)
        let moved = pair.wait(upTo: 60) { pair.vipOwners() == [other] && pair.clientServed() }
        #expect(moved, "the group did not move to \(other)\n\(pair.logs())")
        let count = try pair.pacer(other, ["resource", "failcount", "haproxyd"])
        // Usually 1 (the failed monitor). Once in several loaded runs it read INFINITY (a start
        // failure recorded on the old owner); the cause is not found yet, so both are accepted
        // here and the logs are kept in the message for the investigation.
        let shown = count.stdout.contains("node=\(owner)  name=fail-count-haproxyd value=1")
            || count.stdout.contains("node=\(owner)  name=fail-count-haproxyd value=INFINITY")
        #expect(shown, "\(count.stdout)\n\(pair.logs())")
        #expect(try pair.pacer(other, ["resource", "cleanup", "haproxyd"]).status == 0)
        let cleared = pair.wait(upTo: 10) { (try? pair.pacer(other, ["resource", "failcount", "haproxyd"]).stdout.contains("value=0")) == true }
        #expect(cleared)
        usleep(2_000_000)
        #expect(pair.vipOwners() == [other], "stickiness INFINITY keeps the group where it is")
    }

    @Test("interlink cut with both nodes alive: the standby's VIPcheck refuses, never two VIP owners; healing leaves one")
    func splitBrainGuard() throws {
        let pair = try NetnsPair(dataLink: false)
        guard let owner = try pair.bringUpGroup() else {
            Issue.record("the client was never served\n\(pair.logs())")
            return
        }
        let standby = owner == "alpha" ? "bravo" : "alpha"
        pair.setInterlink(false)
        var twoOwners = false
        let partitioned = pair.wait(upTo: 10) { (try? pair.pacer(standby, ["cluster", "show"]).stdout.contains("peer-state=lost")) == true }
        #expect(partitioned, "the standby never lost its peer")
        // The standby is alone and quorate (two_node): it tries the group, VIPcheck refuses.
        let refused = pair.wait(upTo: 30) {
            if pair.vipOwners().count > 1 { twoOwners = true }
            return pair.cib(standby).contains("fail-count-ckVIP#start_0")
        }
        #expect(refused, "VIPcheck on \(standby) did not refuse\n\(pair.logs())")
        for _ in 0..<20 where pair.vipOwners().count > 1 { twoOwners = true }
        #expect(!twoOwners, "two nodes held the VIP")
        #expect(pair.vipOwners() == [owner])
        #expect(pair.clientServed())
        pair.setInterlink(true)
        let healed = pair.wait(upTo: 30) { (try? pair.pacer(standby, ["cluster", "show"]).stdout.contains("peer-state=member")) == true }
        #expect(healed)
        usleep(3_000_000)
        #expect(pair.vipOwners() == [owner])
        let a = pair.cib("alpha"), b = pair.cib("bravo")
        func version(_ cib: String) -> String { cib.split(separator: "\n").first.map(String.init) ?? "" }
        #expect(version(a) == version(b), "the CIBs disagree after healing: \(version(a)) vs \(version(b))")
    }
}
