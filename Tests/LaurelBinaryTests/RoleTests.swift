import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Roles come from the peer's credentials: each test runs the real `laurelctl` as throwaway users
/// against a `laureld` started by root, with role groups from a temporary configuration.
@Suite(
    "Roles from peer credentials (laurelctl as other users)",
    .serialized,
    .enabled(if: binariesBuilt, "laureld and laurelctl are not built next to the test bundle"),
    .enabled(
        if: canCreateTestUsers,
        "needs root (with useradd, groupadd and setpriv) to create throwaway users and run laurelctl as them")
)
struct RoleTests {
    /// A daemon whose `[roles]` name fresh groups, a user per role, and an entry to act on.
    final class Fixture {
        let users = TestUsers()
        var daemon: TestDaemon?
        var reader = RunAs.nobody
        var submitter = RunAs.nobody
        var reviewer = RunAs.nobody
        var admin = RunAs.nobody
        var entry = ""

        init() throws {
            do {
                let submitGroup = try users.group("sub")
                let reviewGroup = try users.group("rev")
                let adminGroup = try users.group("adm")
                reader = try users.user("rd")
                submitter = try users.user("sb", groups: [submitGroup])
                reviewer = try users.user("rv", groups: [reviewGroup])
                admin = try users.user("ad", groups: [adminGroup])
                let daemon = try TestDaemon(
                    config: """
                        [roles]
                        reader_group = ""
                        submitter_group = "\(submitGroup)"
                        reviewer_group = "\(reviewGroup)"
                        admin_group = "\(adminGroup)"
                        """)
                self.daemon = daemon
                entry = try daemon.submit("seed.nom", nomination(nominee: "Role Seed"))[0]
            } catch {
                remove()
                throw error
            }
        }

        var d: TestDaemon { daemon! }

        func remove() {
            daemon?.stop()
            users.remove()
        }
    }

    @Test("HELLO reports the role the daemon gives each user, from SO_PEERCRED")
    func helloReportsRoles() throws {
        let f = try Fixture()
        defer { f.remove() }
        let expected: [(RunAs, String)] = [
            (f.reader, "reader"), (f.submitter, "submitter"), (f.reviewer, "reviewer"), (f.admin, "admin"),
        ]
        for (user, role) in expected {
            let result = try f.d.ctl(["ping"], as: user)
            #expect(result.status == 0, "ping as \(user.user) failed: \(result.description)")
            let hello = try helloRecord(f.d, as: user)
            #expect(hello["role"] as? String == role)
            #expect(hello["uid"] as? Int == Int(user.uid))
            #expect(hello["user"] as? String == user.user)
        }
    }

    @Test("a reader can search, list, read history and export, but not move, submit or reload")
    func readerLimits() throws {
        let f = try Fixture()
        defer { f.remove() }
        let r = f.reader
        #expect(try f.d.ctl(["search", "Role Seed"], as: r).stdout.contains(f.entry))
        #expect(try f.d.ctl(["list"], as: r).status == 0)
        #expect(try f.d.ctl(["history", f.entry], as: r).status == 0)
        #expect(try f.d.ctl(["export", "--format", "jsonl"], as: r).status == 0)

        let move = try f.d.ctl(["shortlist", f.entry], as: r)
        #expect(move.status == 4, "\(move)")
        #expect(move.stderr.contains("reviewer role"), "\(move)")

        let path = f.d.dir.write("r.nom", nomination(nominee: "By A Reader"))
        chmod(path, 0o644)
        let submit = try f.d.ctl(["submit", "--socket-submit", path], as: r)
        #expect(submit.status == 4, "\(submit)")
        #expect(submit.stderr.contains("submitter role"), "\(submit)")

        let reload = try f.d.ctl(["reload"], as: r)
        #expect(reload.status == 4, "\(reload)")
        #expect(reload.stderr.contains("admin role"), "\(reload)")

        // Nothing moved.
        #expect(try status(f.d, f.entry) == "nominated")
    }

    @Test("a submitter can submit over the socket, and the nomination records its uid; it cannot move")
    func submitterLimits() throws {
        let f = try Fixture()
        defer { f.remove() }
        let ids = try f.d.submit("s.nom", nomination(nominee: "By A Submitter"), as: f.submitter)
        #expect(ids.count == 1)
        let history = try historyRecords(f.d, ids[0])
        let submitterUID = history.first?["actor_uid"] as? Int
        #expect(submitterUID == Int(f.submitter.uid))

        let move = try f.d.ctl(["shortlist", ids[0]], as: f.submitter)
        #expect(move.status == 4, "\(move)")
        #expect(move.stderr.contains("reviewer role"))
    }

    @Test("a reviewer can move entries (history names the reviewer from peer credentials) but not reload")
    func reviewerLimits() throws {
        let f = try Fixture()
        defer { f.remove() }
        let move = try f.d.ctl(["shortlist", f.entry, "--reason", "panel met"], as: f.reviewer)
        #expect(move.status == 0, "\(move)")
        #expect(try status(f.d, f.entry) == "shortlisted")
        let last = try #require(try historyRecords(f.d, f.entry).last)
        #expect(last["actor"] as? String == f.reviewer.user)
        #expect(last["actor_uid"] as? Int == Int(f.reviewer.uid))
        #expect(last["reason"] as? String == "panel met")
        #expect(last["from"] as? String == "nominated")
        #expect(last["to"] as? String == "shortlisted")

        let reload = try f.d.ctl(["reload"], as: f.reviewer)
        #expect(reload.status == 4, "\(reload)")
        #expect(reload.stderr.contains("admin role"))
    }

    @Test("an admin (by group) can reload, move and submit")
    func adminCanReload() throws {
        let f = try Fixture()
        defer { f.remove() }
        let reload = try f.d.ctl(["reload"], as: f.admin)
        #expect(reload.status == 0, "\(reload)")
        #expect(reload.stdout.contains("reloaded"))
        #expect(try f.d.ctl(["shortlist", f.entry], as: f.admin).status == 0)
        #expect(try f.d.submit("a.nom", nomination(nominee: "By An Admin"), as: f.admin).count == 1)
    }

    @Test("with reader_group set, a user outside it may not query or watch; a member may")
    func readerGroupLimitsQueries() throws {
        let users = TestUsers()
        var daemon: TestDaemon?
        defer {
            daemon?.stop()
            users.remove()
        }
        let readGroup = try users.group("red")
        let member = try users.user("mb", groups: [readGroup])
        let outsider = try users.user("ou")
        daemon = try TestDaemon(config: "[roles]\nreader_group = \"\(readGroup)\"\n")
        let d = try #require(daemon)
        let id = try d.submit("g.nom", nomination(nominee: "Group Read"))[0]

        #expect(try d.ctl(["get", id], as: member).status == 0)
        #expect(try d.ctl(["ping"], as: outsider).status == 0, "anyone may PING")
        for command in [
            ["get", id], ["search", "Group"], ["history", id], ["export", "--format", "csv"], ["watch"],
        ] {
            let result = try d.ctl(command, as: outsider, timeout: .seconds(15))
            #expect(result.status == 4, "\(command[0]) as an outsider: \(result)")
            #expect(result.stderr.contains("reader role"), "\(command[0]): \(result.stderr)")
        }
    }

    @Test("a file dropped into the spool is recorded with its owner as the submitter")
    func droppedFileOwnerIsSubmitter() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.d.drop("owned.nom", nomination(nominee: "Dropped By A Reader"), owner: f.reader)
        var id: String?
        #expect(
            try eventually {
                let found = try f.d.ctl(["search", "Dropped By A Reader", "--json"])
                id = ((try? found.json() as? [String: Any])?["entries"] as? [[String: Any]])?.first?["id"] as? String
                return id != nil
            })
        let history = try historyRecords(f.d, try #require(id))
        let submitterUID = history.first?["actor_uid"] as? Int
        #expect(submitterUID == Int(f.reader.uid))
        #expect(history.first?["to"] as? String == "nominated")
    }
}

/// The HELLO record as `user` sees it: a few lines of Python, run as the user, speak the line
/// protocol directly (laurelctl has no command that prints HELLO).
func helloRecord(_ daemon: TestDaemon, as user: RunAs) throws -> [String: Any] {
    let script = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX); s.settimeout(float(sys.argv[2])); s.connect(sys.argv[1])
        s.sendall(b"HELLO client=test\\n"); data = b""
        while b"OK HELLO" not in data and b"ERR" not in data:
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
        print(data.decode().split("\\n")[0][3:])
        """
    let timeout = Double(Duration.seconds(10).scaled.components.seconds)
    let result = try run(try python3(), ["-c", script, daemon.socket, String(timeout)], as: user)
    guard result.status == 0, let record = try result.json() as? [String: Any] else {
        throw ProcessFailure("HELLO as \(user.user): \(result)")
    }
    return record
}

/// An entry's status, read as the test's own user.
func status(_ daemon: TestDaemon, _ id: String) throws -> String? {
    let result = try daemon.ctl(["get", id, "--json"])
    return (try result.json() as? [String: Any])?["status"] as? String
}

/// An entry's history records, read as the test's own user.
func historyRecords(_ daemon: TestDaemon, _ id: String) throws -> [[String: Any]] {
    let result = try daemon.ctl(["history", id, "--json"])
    guard result.status == 0, let records = try result.json() as? [[String: Any]] else {
        throw ProcessFailure("history \(id): \(result)")
    }
    return records
}
