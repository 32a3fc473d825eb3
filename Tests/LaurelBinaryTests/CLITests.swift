import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `laurelctl` against the built `laureld --demo`: every command's `--json` is one JSON
/// document, and the exit codes are the documented ones.
@Suite("laurelctl against laureld, as subprocesses", .serialized, .scaledTimeLimit(minutes: 3))
struct CLITests {
    /// The demo daemon, once its ten teams are registered.
    static func demoDaemon() throws -> TestDaemon {
        let daemon = try TestDaemon(arguments: ["--demo"])
        let loaded = eventually {
            (try? daemon.ctl(["stats", "--json"]).stdout).flatMap { json($0) as? [String: Any] }?["entries"] as? Int == 10
        }
        guard loaded else {
            daemon.stop()
            throw ProcessFailure("the demo's ten teams did not load: \(daemon.log)")
        }
        return daemon
    }

    static func json(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    @Test("every command's --json output is one JSON document with the documented keys")
    func jsonEverywhere() throws {
        let daemon = try Self.demoDaemon()
        defer { daemon.stop() }
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
        let file = daemon.dir.path + "/extra.nom"
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
        let daemon = try Self.demoDaemon()
        defer { daemon.stop() }
        #expect(try daemon.ctl(["get", "zzzzzzzz"]).status == 1)
        #expect(try daemon.ctl(["search"]).status == 2)
        #expect(try daemon.ctl(["list", "--limit", "lots"]).status == 2)
        let unreachable = try run(productsDirectory + "/laurelctl", ["ping", "--socket", daemon.dir.path + "/nothing.sock"])
        #expect(unreachable.status == 3)
        #expect(unreachable.stderr.contains(daemon.dir.path + "/nothing.sock"))
        #expect(!unreachable.stderr.contains("NIO"), "no raw NIO error text: \(unreachable.stderr)")
        let found = try daemon.ctl(["search", "珞獅路", "--json"])
        let entries = (Self.json(found.stdout) as? [String: Any])?["entries"] as? [[String: Any]]
        let id = try #require(entries?.first?["id"] as? String, "search: \(found.stdout)")
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
        let out = try run(productsDirectory + "/laureld", ["--config", config])
        #expect(out.status != 0)
        #expect(out.stderr.contains(config))
        #expect(out.stderr.contains("limits.max_connections"))
        #expect(out.stderr.contains("expected an integer"))
    }

    @Test("SIGTERM stops laureld cleanly: exit 0, socket removed, data kept")
    func sigterm() throws {
        let daemon = try Self.demoDaemon()
        defer { daemon.stop() }
        #expect(daemon.terminate() == 0, "log: \(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        #expect(FileManager.default.fileExists(atPath: daemon.dir.path + "/state/registry.sqlite"))
    }
}
