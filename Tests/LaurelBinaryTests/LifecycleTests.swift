import Foundation
import Testing

/// The review life-cycle end to end: `laurelctl shortlist|award|not-award|withdraw|revoke`
/// against a real `laureld` (the test's own user runs both, so it is admin).
@Suite(
    "Review life-cycle through laurelctl and laureld",
    .enabled(if: binariesBuilt, "laureld and laurelctl are not built next to the test bundle")
)
struct LifecycleTests {
    /// CLI command → the status it moves to.
    static let commands = [
        ("shortlist", "shortlisted"), ("award", "awarded"), ("not-award", "not_awarded"),
        ("withdraw", "withdrawn"), ("revoke", "revoked"),
    ]
    /// The legal moves, as in the issue: nominated → shortlisted → awarded | not_awarded;
    /// withdrawn from nominated or shortlisted; revoked from awarded.
    static let legal: Set<String> = [
        "nominated>shortlisted", "nominated>withdrawn", "shortlisted>awarded", "shortlisted>not_awarded",
        "shortlisted>withdrawn", "awarded>revoked",
    ]
    /// Commands that bring a fresh (nominated) entry to each status.
    static let paths: [String: [String]] = [
        "nominated": [], "shortlisted": ["shortlist"], "awarded": ["shortlist", "award"],
        "not_awarded": ["shortlist", "not-award"], "withdrawn": ["withdraw"],
        "revoked": ["shortlist", "award", "revoke"],
    ]

    @Test("every move from every status: legal ones succeed, illegal ones exit 5 naming the current status")
    func everyMove() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        // One entry per (status, command), all from one JSON Lines file.
        var cases: [(from: String, command: String, to: String, nominee: String)] = []
        for (from, _) in Self.paths.sorted(by: { $0.key < $1.key }) {
            for (command, to) in Self.commands { cases.append((from, command, to, "Mover \(from) \(command)")) }
        }
        let lines = cases.map { #"{"award":"Moves","nominee":"\#($0.nominee)","citation":"Moves."}"# }
        _ = try daemon.submit("moves.jsonl", lines.joined(separator: "\n") + "\n")
        let listed = try #require(try daemon.ctl(["list", "--limit", "1000", "--json"]).json() as? [String: Any])
        var ids: [String: String] = [:]
        for entry in listed["entries"] as? [[String: Any]] ?? [] {
            ids[entry["nominee"] as? String ?? ""] = entry["id"] as? String
        }
        try #require(ids.count == cases.count)

        // Bring each group to its status, several ids per command.
        for (from, path) in Self.paths {
            let group = cases.filter { $0.from == from }.map { ids[$0.nominee]! }
            for step in path {
                let r = try daemon.ctl([step] + group)
                try #require(r.status == 0, "setting up \(from) with \(step): \(r)")
            }
        }
        for c in cases {
            let id = ids[c.nominee]!
            try #require(try status(daemon, id) == c.from)
            let result = try daemon.ctl([c.command, id])
            if Self.legal.contains("\(c.from)>\(c.to)") {
                #expect(result.status == 0, "\(c.from) → \(c.to): \(result)")
                #expect(try status(daemon, id) == c.to)
            } else {
                #expect(result.status == 5, "\(c.from) → \(c.to) should be refused: \(result)")
                #expect(
                    result.stderr.contains("is \(c.from)"),
                    "\(c.from) → \(c.to): the sentence names the status: \(result.stderr)")
                #expect(try status(daemon, id) == c.from, "a refused move changes nothing")
            }
        }
        // Six legal moves were made, each exactly once.
        #expect(Set(cases.map { "\($0.from)>\($0.to)" }).intersection(Self.legal) == Self.legal)
    }

    @Test("awarding a nominated entry directly exits 5 with a sentence naming \"nominated\"")
    func awardNominatedRefused() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let id = try daemon.submit("a.nom", nomination(nominee: "Too Soon"))[0]
        let result = try daemon.ctl(["award", id])
        #expect(result.status == 5)
        #expect(result.stderr.contains("\(id) is nominated and cannot move to awarded"), "\(result.stderr)")
        let json = try daemon.ctl(["award", id, "--json"])
        let error = (try json.json() as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "REFUSED")
        #expect(error?["exit"] as? Int == 5)
    }

    @Test("several ids move together, all or nothing")
    func severalIdsAllOrNothing() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let a = try daemon.submit("a.nom", nomination(nominee: "Alpha"))[0]
        let b = try daemon.submit("b.nom", nomination(nominee: "Beta"))[0]
        let c = try daemon.submit("c.nom", nomination(nominee: "Gamma"))[0]
        #expect(try daemon.ctl(["withdraw", c]).status == 0)

        // c cannot be shortlisted: neither a nor b moves.
        let refused = try daemon.ctl(["shortlist", a, b, c])
        #expect(refused.status == 5)
        #expect(refused.stderr.contains("\(c) is withdrawn"))
        #expect(try status(daemon, a) == "nominated")
        #expect(try status(daemon, b) == "nominated")
        #expect(try historyRecords(daemon, a).count == 1)

        // An unknown id: nothing moves either, and it is "not found".
        let unknown = try daemon.ctl(["shortlist", a, "zzzzzzzz"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(try status(daemon, a) == "nominated")

        let moved = try daemon.ctl(["shortlist", a, b, "--json", "--reason", "both strong"])
        #expect(moved.status == 0, "\(moved)")
        let records = try #require(try moved.json() as? [[String: Any]])
        #expect(records.map { $0["id"] as? String } == [a, b])
        #expect(records.allSatisfy { $0["status"] as? String == "shortlisted" })
        #expect(try historyRecords(daemon, b).last?["reason"] as? String == "both strong")
    }

    @Test("history records every move with time, actor from peer credentials, and reason")
    func historyShowsMoves() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        let id = try daemon.submit("h.nom", nomination(nominee: "Historian"))[0]
        #expect(try daemon.ctl(["shortlist", id, "--reason", "panel 2025-03"]).status == 0)
        #expect(try daemon.ctl(["award", id]).status == 0)
        #expect(try daemon.ctl(["revoke", id, "--reason", "facts, \"checked\""]).status == 0)

        let records = try historyRecords(daemon, id)
        #expect(records.map { $0["to"] as? String } == ["nominated", "shortlisted", "awarded", "revoked"])
        #expect(records.map { $0["from"] as? String } == ["", "nominated", "shortlisted", "awarded"])
        #expect(records.map { $0["reason"] as? String }.dropFirst() == ["panel 2025-03", "", "facts, \"checked\""])
        let me = Int(getuid())
        #expect(records.dropFirst().allSatisfy { $0["actor_uid"] as? Int == me })
        let myName = String(cString: getpwuid(getuid()).pointee.pw_name)
        #expect(records.dropFirst().allSatisfy { $0["actor"] as? String == myName })
        #expect(records.allSatisfy { ($0["at"] as? String ?? "").hasPrefix("20") })

        let table = try daemon.ctl(["history", id])
        #expect(table.status == 0)
        #expect(table.stdout.contains("panel 2025-03"))
        #expect(table.stdout.contains("revoked"))
    }

    @Test("history of an unknown id exits 1")
    func historyUnknown() throws {
        let daemon = try TestDaemon()
        defer { daemon.stop() }
        #expect(try daemon.ctl(["history", "zzzzzzzz"]).status == 1)
    }
}
