// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerModel
import PacerTestKit

/// `pacer resource move|ban … --lifetime D` against crmsh 4.4.1's `crm resource move|ban RSC
/// NODE D` (which runs `crm_resource --lifetime`) on copies of the same CIB.
@Suite("resource move/ban --lifetime: the constraint crm writes", .serialized)
struct MoveLifetimeTests {
    /// The `end` of every date expression in the file, and its canonical text with them blanked.
    func ends(_ path: String) throws -> (text: String, ends: [String]) {
        let text = try canonicalCIB(path)
        let pattern = try NSRegularExpression(pattern: "(<date_expression [^>]*end=\")([^\"]*)\"")
        let range = NSRange(text.startIndex..., in: text)
        let found = pattern.matches(in: text, range: range).map { String(text[Range($0.range(at: 2), in: text)!]) }
        return (pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "$1END\""), found)
    }

    /// Seconds since the epoch of a date, as Pacemaker's own `iso8601 -S` reads it.
    func epoch(_ date: String) throws -> Int {
        let result = try Tool.run(["iso8601", "-d", date, "-S"])
        guard let line = result.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Date: ") }), let value = Int(line.dropFirst(6)) else {
            throw CLITestFailure("iso8601 -d '\(date)' -S: \(result.stdout) \(result.stderr)")
        }
        return value
    }

    /// Runs crm and pacer on copies of the running pair and compares the CIBs with the end dates
    /// blanked, then the end dates themselves: the same instant within the seconds between the
    /// two commands, and the same time zone spelling.
    func compare(crm: [String], pacer: [String], environment: [String: String] = [:]) throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let start = Int(Date().timeIntervalSince1970)
        let crmRun = try Tool.run([try Tool.which("timeout"), "30", "crm"] + crm, environment: environment.merging(["CIB_file": theirs]) { a, _ in a })
        #expect(crmRun.status == 0, "crm \(crm): \(crmRun.stderr)")
        let pacerRun = try Tool.run([Tool.pacer, "resource"] + pacer, environment: environment.merging(["CIB_file": ours]) { a, _ in a })
        #expect(pacerRun.status == 0, "pacer resource \(pacer): \(pacerRun.stderr)")
        let elapsed = Int(Date().timeIntervalSince1970) - start + 1
        let (a, b) = (try ends(ours), try ends(theirs))
        #expect(a.text == b.text, "pacer resource \(pacer) vs crm \(crm):\n\(a.text)\n---\n\(b.text)")
        #expect(a.ends.count == 1 && b.ends.count == 1, "\(a.ends) \(b.ends)")
        guard let ourEnd = a.ends.first, let theirEnd = b.ends.first else { return }
        let (ourSeconds, theirSeconds) = (try epoch(ourEnd), try epoch(theirEnd))
        #expect(abs(ourSeconds - theirSeconds) <= elapsed, "\(pacer): end \(ourEnd) vs crm's \(theirEnd)")
        // Same spelling: date, time, then "Z" or " +01:00".
        #expect(ourEnd.count == theirEnd.count && ourEnd.suffix(7).filter { $0 == "Z" || $0 == "+" || $0 == "-" }
                == theirEnd.suffix(7).filter { $0 == "Z" || $0 == "+" || $0 == "-" }, "\(ourEnd) vs \(theirEnd)")
        #expect(pacerRun.stdout.contains(ourEnd), "pacer names the end: \(pacerRun.stdout)")
    }

    @Test("move RSC NODE --lifetime writes crm resource move RSC NODE LIFETIME's constraint (PT1H, P1D, PT90M, P1W, P1M, P1Y2M3DT4H5M6S)")
    func move() throws {
        for lifetime in ["PT1H", "P1D", "PT90M", "P1W", "P1M", "P1Y2M3DT4H5M6S"] {
            try compare(crm: ["resource", "move", "proxyGroup", "pm02", lifetime], pacer: ["move", "proxyGroup", "pm02", "--lifetime", lifetime])
        }
    }

    @Test("ban RSC NODE --lifetime writes crm resource ban's constraint; local time keeps its offset, as crm_resource")
    func banAndTimeZone() throws {
        try compare(crm: ["resource", "ban", "ckVIP", "pm01", "PT2H"], pacer: ["ban", "ckVIP", "pm01", "--lifetime", "PT2H"])
        try compare(crm: ["resource", "move", "proxyGroup", "pm02", "P1D"], pacer: ["move", "proxyGroup", "pm02", "--lifetime", "P1D"],
                    environment: ["TZ": "Europe/Paris"])
        try compare(crm: ["resource", "ban", "ckVIP", "pm01", "PT30M"], pacer: ["ban", "ckVIP", "pm01", "--lifetime", "PT30M"],
                    environment: ["TZ": "America/New_York"])
    }

    @Test("crmsh's own words work too: move RSC NODE PT1H, and ban RSC PT2H (a duration, not a node: where it runs)")
    func crmshWords() throws {
        try compare(crm: ["resource", "move", "proxyGroup", "pm02", "PT1H"], pacer: ["move", "proxyGroup", "pm02", "PT1H"])
        try compare(crm: ["resource", "ban", "ckVIP", "PT2H"], pacer: ["ban", "ckVIP", "PT2H"])
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let twice = try Tool.run([Tool.pacer, "resource", "move", "proxyGroup", "pm02", "PT1H", "--lifetime", "P1D"], environment: ["CIB_file": running])
        #expect(twice.status == 64 && twice.stderr.contains("given twice"), "\(twice.stderr)")
    }

    @Test("move RSC --lifetime without a node bans it where it runs until then, as crm_resource --move --lifetime without --node")
    func moveAway() throws {
        // crmsh insists on a node (or force) for a move; crm_resource itself bans the current node.
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let crm = try Tool.run(["crm_resource", "--move", "-r", "proxyGroup", "--lifetime", "P2D"], environment: ["CIB_file": theirs])
        #expect(crm.status == 0, "\(crm.stderr)")
        let pacer = try Tool.run([Tool.pacer, "resource", "move", "proxyGroup", "--lifetime", "P2D"], environment: ["CIB_file": ours])
        #expect(pacer.status == 0, "\(pacer.stderr)")
        let (a, b) = (try ends(ours), try ends(theirs))
        #expect(a.text == b.text && a.text.contains("cli-ban-proxyGroup-on-pm01-lifetime"), "\(a.text)\n---\n\(b.text)")
        #expect(a.ends.count == 1 && b.ends.count == 1)
        if let ourEnd = a.ends.first, let theirEnd = b.ends.first { #expect(abs(try epoch(ourEnd) - epoch(theirEnd)) <= 5) }
    }

    @Test("status lists a lifetime ban while it holds and not once expired, as crm_mon --output-as xml")
    func statusBans() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        try #require(try Tool.run([Tool.pacer, "resource", "ban", "haproxyd", "pm02", "--lifetime", "PT1H"], environment: ["CIB_file": running]).status == 0)
        // An expired one: crm_resource accepts a negative duration (pacer refuses it).
        try #require(try Tool.run(["crm_resource", "--ban", "-r", "vIP_10", "--node", "pm02", "--lifetime", "P-1D"], environment: ["CIB_file": running]).status == 0)
        func bans(_ arguments: [String]) throws -> String {
            let xml = try Tool.run(arguments, environment: ["CIB_file": running]).stdout
            guard let start = xml.range(of: "<bans>"), let end = xml.range(of: "</bans>") else { return "" }
            return String(xml[start.lowerBound..<end.upperBound])
        }
        let theirs = try bans(["crm_mon", "-1", "--output-as", "xml"])
        #expect(theirs.contains("cli-ban-haproxyd-on-pm02-rule") && !theirs.contains("vIP_10"), "\(theirs)")
        #expect(try bans([Tool.pacer, "status", "--output-as", "xml"]) == theirs)
    }

    @Test("the end is crm_time_add's: Pacemaker's iso8601 -d DATE -D DURATION on a grid of dates and durations")
    func endArithmetic() throws {
        let dates = ["2024-03-01 00:00:00Z", "2024-02-29 12:00:00Z", "2027-01-31 10:00:00Z", "2026-12-31 23:59:59Z",
                     "2024-12-31 10:00:00Z", "2025-10-31 23:30:00Z", "2028-02-28 23:00:00Z"]
        let durations = ["PT1H", "P1D", "P1W", "PT90M", "P1M", "P13M", "P1Y", "P1Y1M", "P2Y", "PT86400S", "P1DT23H59M60S",
                         "P-1D", "PT-1H", "P1M1D", "P1W2D", "PT1H30M", "P1D2H", "PT.5H"]
        for date in dates {
            let start = try epoch(date)
            for duration in durations {
                let oracle = try Tool.run(["iso8601", "-d", date, "-D", duration]).stdout
                guard let line = oracle.split(separator: "\n").first(where: { $0.hasPrefix("Duration ends at: ") }) else {
                    Issue.record("iso8601 -d '\(date)' -D \(duration): \(oracle)")
                    continue
                }
                let ours = CrmTime(epoch: start).adding(duration: duration)?.description
                #expect(ours == String(line.dropFirst("Duration ends at: ".count)), "\(date) + \(duration)")
            }
        }
        // What crm_resource refuses ("Invalid duration specified"), Pacer refuses too.
        for bad in ["P", "P1", "PT1.5H", "1D", "p1d", "reboot", "forever", "bogus", "2026-12-31"] {
            #expect(CrmTime(epoch: 0).adding(duration: bad) == nil, "\(bad)")
        }
    }

    @Test("--lifetime bogus, a lifetime that ends at once or before, and an unknown node: one line, exit status, CIB unchanged")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: running))
        for (arguments, code, names) in [(["move", "proxyGroup", "pm02", "--lifetime", "bogus"], Int32(64), "'bogus'"),
                                         (["ban", "ckVIP", "pm01", "--lifetime", "PT1.5H"], 64, "'PT1.5H'"),
                                         (["move", "proxyGroup", "pm02", "--lifetime", "P-1D"], 64, "'P-1D'"),
                                         (["move", "proxyGroup", "pm02", "--lifetime", "PT0S"], 64, "'PT0S'"),
                                         (["move", "proxyGroup", "pm09", "--lifetime", "PT1H"], 105, "'pm09'")] {
            let result = try Tool.run([Tool.pacer, "resource"] + arguments, environment: ["CIB_file": running])
            #expect(result.status == code, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("pacer: ") && result.stderr.contains(names) && result.stderr.split(separator: "\n").count == 1,
                    "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: running)) == before, "a refused command changed the CIB")
    }

    @Test("pacer simulate -t moves the resource while the constraint holds and not once it has expired, as crm_simulate -t")
    func simulateAroundTheEnd() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        // The pair's default stickiness (INFINITY) would tie with the move's INFINITY.
        try #require(try Tool.run([Tool.pacer, "configure", "primitive", "d9", "ocf:heartbeat:Dummy", "meta", "resource-stickiness=0"],
                                  environment: ["CIB_file": running]).status == 0)
        let started = dir.file("started.xml")
        try #require(try Tool.run(["crm_simulate", "-x", running, "-S", "-O", started]).status == 0)
        let where9 = try Tool.run([Tool.pacer, "resource", "locate", "d9", "-Q"], environment: ["CIB_file": started]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let other = where9 == "pm01" ? "pm02" : "pm01"
        try #require(try Tool.run([Tool.pacer, "resource", "move", "d9", other, "--lifetime", "PT1H"], environment: ["CIB_file": started]).status == 0)
        let end = try #require(try ends(started).ends.first)
        let endSeconds = try epoch(end)
        for (offset, moves) in [(-3600 + 60, true), (-1, true), (1, false), (86_400, false)] {
            let at = CrmTime(epoch: endSeconds + offset).description
            let theirs = try Tool.run(["crm_simulate", "-x", started, "-S", "-t", at])
            let ours = try Tool.run([Tool.pacer, "simulate", "-x", started, "-S", "-t", at])
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout == theirs.stdout, "at \(at):\n\(ours.stdout)\n---\n\(theirs.stdout)")
            #expect(ours.stdout.contains("* Move       d9      ( \(where9) -> \(other) )") == moves, "at \(at) (end \(end)):\n\(ours.stdout)")
        }
        let bad = try Tool.run([Tool.pacer, "simulate", "-x", started, "-R", "-t", "yesterday"])
        #expect(bad.status == 64 && bad.stderr.contains("'yesterday'") && bad.stdout.isEmpty, "\(bad.stderr)")
    }
}
