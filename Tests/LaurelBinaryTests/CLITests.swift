import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `laurelctl` against the built `laureld --demo`: every command's `--json` is one JSON
/// document, and the exit codes are the documented ones.
@Suite("laurelctl against laureld, as subprocesses", .serialized, .timeLimit(.minutes(3)))
struct CLITests {
    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test("every command's --json output is one JSON document with the documented keys")
    func jsonEverywhere() throws {
        let daemon = try CLIHarness.Daemon()
        defer {
            daemon.stop()
            daemon.remove()
        }
        let stats = try daemon.ctl(["stats", "--json"])
        #expect(stats.status == 0)
        let statsObject = try #require(Self.json(stats.stdout) as? [String: Any], "stats: \(stats.stdout)")
        for key in ["entries", "nominations", "rejected_files"] { #expect(statsObject[key] != nil, "stats lacks \(key)") }
        #expect(statsObject["entries"] as? Int == 10)

        let search = try daemon.ctl(["search", "葉莉", "--json"])
        #expect(search.status == 0)
        let searchObject = try #require(Self.json(search.stdout) as? [String: Any], "search: \(search.stdout)")
        let entries = try #require(searchObject["entries"] as? [[String: Any]])
        #expect(entries.count == 1)
        let record = try #require(entries.first)
        for key in ["id", "award", "nominee", "status", "cycle", "region", "citation"] {
            #expect(record[key] != nil, "record lacks \(key)")
        }
        #expect(record["nominee"] as? String == "園博社區")
        let id = try #require(record["id"] as? String)

        var commands: [[String]] = [
            ["ping", "--json"], ["get", id, "--json"], ["list", "--limit", "3", "--json"], ["awards", "--json"],
            ["history", id, "--json"], ["export", "--format", "json", "--json"], ["shortlist", id, "--reason", "strong", "--json"],
        ]
        let file = daemon.root + "/extra.nom"
        try "Award: CLI test\nNominee: Team JSON\n\nCited for JSON.\n".write(toFile: file, atomically: true, encoding: .utf8)
        commands.append(["submit", "--spool", daemon.spool, file, "--json"])
        for command in commands {
            let out = try daemon.ctl(command)
            #expect(out.status == 0, "\(command): \(out.stderr)")
            #expect(Self.json(out.stdout) != nil, "\(command) printed no JSON document: \(out.stdout.prefix(300))")
        }
    }

    @Test("exit codes: 1 not found, 2 usage, 3 unreachable with the socket named, 5 refused")
    func exitCodes() throws {
        let daemon = try CLIHarness.Daemon()
        defer {
            daemon.stop()
            daemon.remove()
        }
        #expect(try daemon.ctl(["get", "zzzzzzzz"]).status == 1)
        #expect(try daemon.ctl(["search"]).status == 2)
        #expect(try daemon.ctl(["list", "--limit", "lots"]).status == 2)
        let unreachable = try CLIHarness.run("laurelctl", ["ping", "--socket", daemon.root + "/nothing.sock"])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains(daemon.root + "/nothing.sock"))
        #expect(!unreachable.stderr.contains("NIO"), "no raw NIO error text: \(unreachable.stderr)")
        let id = try #require(
            (Self.json(try daemon.ctl(["search", "珞獅路", "--json"]).stdout) as? [String: Any]).flatMap {
                ($0["entries"] as? [[String: Any]])?.first?["id"] as? String
            })
        let illegal = try daemon.ctl(["award", id])
        #expect(illegal.status == 5)
        #expect(illegal.stderr.contains("nominated"), "the refusal names the current status: \(illegal.stderr)")
    }

    @Test("laureld refuses a bad configuration at start, naming file, key and reason")
    func badConfig() throws {
        let dir = NSTemporaryDirectory() + "lrl-cfg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/laureld.toml"
        try "[limits]\nmax_connections = \"many\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let out = try CLIHarness.run("laureld", ["--config", config])
        #expect(out.status != 0)
        #expect(out.stderr.contains(config))
        #expect(out.stderr.contains("limits.max_connections"))
        #expect(out.stderr.contains("expected an integer"))
    }

    @Test("SIGTERM stops laureld cleanly: exit 0, socket removed, data kept")
    func sigterm() throws {
        let daemon = try CLIHarness.Daemon()
        defer { daemon.remove() }
        #expect(daemon.stop() == 0, "log: \(daemon.logText)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        #expect(FileManager.default.fileExists(atPath: daemon.state + "/registry.sqlite"))
    }
}
