import Foundation
import LaurelServer
import Logging
import Testing

@Suite("laureld.toml is typed, validated and documented")
struct SettingsLoaderTests {
    @Test("an empty file gives the documented defaults")
    func defaults() throws {
        let settings = try SettingsLoader.parse("", file: "empty.toml")
        #expect(settings == LaureldSettings())
        #expect(settings.daemon.socket == "/run/laurel/laureld.sock")
        #expect(settings.spool.maxFileBytes == 1 << 20)
        #expect(settings.limits.maxLineBytes == 65536)
        #expect(settings.limits.maxConnections == 1024)
    }

    @Test("every section and key is read")
    func readsKeys() throws {
        let text = """
            [daemon]
            socket = "/tmp/x.sock"
            socket_mode = "0600"
            state_dir = "/var/lib/x"
            log_level = "debug"
            [spool]
            drop_dir = "/srv/drop"
            keep_accepted = true
            scan_interval_seconds = 5
            batch_max_files = 100
            max_file_bytes = 2048
            [limits]
            max_line_bytes = 1024
            max_connections = 10
            idle_timeout_seconds = 7
            [roles]
            reviewer_group = "committee"
            """
        let s = try SettingsLoader.parse(text, file: "t.toml")
        #expect(s.daemon.socket == "/tmp/x.sock")
        #expect(s.daemon.socketMode == 0o600)
        #expect(s.daemon.logLevel == .debug)
        #expect(s.spool.dropDir == "/srv/drop")
        #expect(s.spool.keepAccepted)
        #expect(s.spool.scanIntervalSeconds == 5)
        #expect(s.spool.batchMaxFiles == 100)
        #expect(s.spool.maxFileBytes == 2048)
        #expect(s.limits.maxLineBytes == 1024)
        #expect(s.limits.maxConnections == 10)
        #expect(s.limits.idleTimeoutSeconds == 7)
        #expect(s.roles.reviewerGroup == "committee")
        #expect(s.databasePath == "/var/lib/x/registry.sqlite")
    }

    @Test(
        "a bad value names the file, the key and the reason",
        arguments: [
            ("[daemon]\nsocket = 3", "daemon.socket", "expected a string"),
            ("[daemon]\nsocket = \"relative.sock\"", "daemon.socket", "absolute path"),
            ("[daemon]\nlog_level = \"loud\"", "daemon.log_level", "expected one of"),
            ("[daemon]\nsocket_mode = \"999\"", "daemon.socket_mode", "octal"),
            ("[limits]\nmax_connections = 0", "limits.max_connections", "out of range"),
            ("[spool]\nkeep_accepted = \"yes\"", "spool.keep_accepted", "true or false"),
            ("[spool]\ndrop_dri = \"/x\"", "spool.drop_dri", "unknown key"),
            ("[sppol]\ndrop_dir = \"/x\"", "sppol", "unknown section"),
        ])
    func badValues(text: String, key: String, reason: String) {
        #expect {
            _ = try SettingsLoader.parse(text, file: "/etc/laurel/laureld.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.file == "/etc/laurel/laureld.toml" && error.key == key && error.reason.contains(reason)
        }
    }

    @Test("malformed TOML names the line")
    func malformed() {
        #expect {
            _ = try SettingsLoader.parse("[daemon]\nsocket = \"/x\n", file: "bad.toml")
        } throws: { error in
            "\(error)".hasPrefix("bad.toml: not valid TOML at line 2")
        }
    }

    @Test("the shipped Config/laureld.toml parses and equals the defaults")
    func shippedConfig() throws {
        let path = String(#filePath).components(separatedBy: "/Tests/")[0] + "/Config/laureld.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let settings = try SettingsLoader.parse(text, file: path)
        #expect(settings == LaureldSettings())
    }
}
