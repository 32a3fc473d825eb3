import ArgumentParser
import Foundation
import LaurelServer
import Logging

@main
struct Laureld: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laureld",
        abstract: "The Laurel recognition registry daemon.",
        discussion: """
            Holds the registry of honours, takes nomination files from the drop directory and answers \
            laurelctl on a Unix socket. Settings come from flags, then LAUREL_* environment variables, \
            then the configuration file, then built-in defaults (see Config/laureld.toml).

            Try it:  laureld --demo   (per-user state, the seed bulletin's ten teams loaded)
            """,
        version: "0.1.0")

    @Option(name: .long, help: "Configuration file (TOML). Default: /etc/laurel/laureld.toml when it exists.")
    var config: String?

    @Option(name: .long, help: "Unix socket path to listen on (env LAUREL_SOCKET).")
    var socket: String?

    @Option(name: .customLong("drop-dir"), help: "Drop directory with tmp/, new/, rejected/ (env LAUREL_DROP_DIR).")
    var dropDir: String?

    @Option(name: .customLong("state-dir"), help: "Directory holding the registry database (env LAUREL_STATE_DIR).")
    var stateDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env LAUREL_LOG_LEVEL).")
    var logLevel: String?

    @Flag(name: .long, help: "Run the embedded demo: per-user state, socket and spool, with the seed bulletin's ten teams loaded.")
    var demo = false

    @Flag(name: .customLong("check-config"), help: "Validate the configuration, print the effective settings and exit.")
    var checkConfig = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings = LaureldSettings()
        var configPath = config
        if configPath == nil, !demo, FileManager.default.fileExists(atPath: "/etc/laurel/laureld.toml") {
            configPath = "/etc/laurel/laureld.toml"
        }
        if let path = configPath {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                fail("\(path): cannot read the configuration file (does it exist, and may this user read it?)")
            }
            do {
                settings = try SettingsLoader.parse(text, file: path)
            } catch {
                fail("\(error)")
            }
        }
        var seedFiles: [(name: String, bytes: [UInt8])] = []
        if demo {
            let location = DemoLocation.resolve(environment: environment)
            settings.daemon.socket = location.socket
            settings.daemon.socketMode = 0o600
            settings.daemon.stateDir = location.root + "/state"
            settings.spool.dropDir = location.root + "/spool"
            settings.roles.readerGroup = ""
            seedFiles = DemoBulletin.files
        }
        // Environment, then flags.
        if let v = environment["LAUREL_SOCKET"], !v.isEmpty, !demo { settings.daemon.socket = v }
        if let v = environment["LAUREL_DROP_DIR"], !v.isEmpty { settings.spool.dropDir = v }
        if let v = environment["LAUREL_STATE_DIR"], !v.isEmpty { settings.daemon.stateDir = v }
        if let v = environment["LAUREL_LOG_LEVEL"], let level = Logger.Level(rawValue: v.lowercased()) { settings.daemon.logLevel = level }
        if let socket { settings.daemon.socket = absolute(socket) }
        if let dropDir { settings.spool.dropDir = absolute(dropDir) }
        if let stateDir { settings.daemon.stateDir = absolute(stateDir) }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                fail("--log-level: expected one of trace, debug, info, notice, warning, error, critical, found \"\(logLevel)\"")
            }
            settings.daemon.logLevel = level
        }
        if checkConfig {
            print("""
                configuration: \(configPath ?? "(none: built-in defaults)")
                socket:        \(settings.daemon.socket)
                state_dir:     \(settings.daemon.stateDir)
                drop_dir:      \(settings.spool.dropDir)
                log_level:     \(settings.daemon.logLevel)
                """)
            return
        }

        LaurelLogging.bootstrap(level: settings.daemon.logLevel)
        let logger = Logger(label: "laureld")
        let runtime = LaureldRuntime(
            settings: settings, configPath: configPath, seedFiles: seedFiles,
            createDirectories: demo || dropDir != nil || stateDir != nil || environment["LAUREL_STATE_DIR"] != nil,
            logger: logger)
        let socketPath = settings.daemon.socket
        let dropPath = settings.spool.dropDir
        let isDemo = demo
        do {
            try await runtime.run {
                if isDemo {
                    FileHandle.standardOutput.write(Data("""
                        laureld demo is ready: the seed bulletin's ten teams are loaded.
                          socket:     \(socketPath)
                          query it:   .build/debug/laurelctl search 葉莉      (laurelctl finds this socket by itself)
                          drop files: \(dropPath)/new/   (write in tmp/ first, then rename; or laurelctl submit --spool \(dropPath) FILE)
                          stop it:    Ctrl-C

                        """.utf8))
                }
            }
        } catch let error as LaureldRuntime.StartupError {
            fail(error.description)
        }
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("laureld: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
