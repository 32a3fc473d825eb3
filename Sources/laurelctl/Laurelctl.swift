import ArgumentParser
import LaurelClient
import LaurelProtocol

/// `laurelctl`: the command line for `laureld`, built only on LaurelClient.
@main
struct Laurelctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laurelctl",
        abstract: "Query and manage the Laurel recognition registry through laureld.",
        discussion: "Exit status: 0 ok, 1 not found, 2 usage, 3 daemon unreachable, 4 permission denied, 5 refused by the daemon.",
        subcommands: [
            Ping.self, Stats.self, Search.self, Get.self, List.self, Awards.self, History.self, Submit.self,
            Export.self, Shortlist.self, AwardEntry.self, NotAward.self, Withdraw.self, Revoke.self, Watch.self,
            Reload.self,
        ]
    )

    /// ArgumentParser exits 64 on usage errors; Laurel documents 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.error(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's socket (default: $LAUREL_SOCKET, else /run/laurel/laureld.sock when it exists, else the socket of a running laureld --demo).", valueName: "path"))
    var socket: String?

    @Flag(name: .long, help: "Print exactly one JSON document on stdout (watch: one object per line).")
    var json = false

    var socketPath: String { socket ?? LaurelClient.defaultSocketPath }

    /// Connects, runs `body`, and turns a LaurelClientError into its sentence and exit status.
    func run<Result>(_ body: (LaurelClient) async throws -> sending Result) async throws -> sending Result {
        do {
            return try await LaurelClient.withConnection(socketPath: socketPath, body)
        } catch let error as LaurelClientError {
            throw fail(error)
        }
    }

    /// Reports `error` (stderr; with `--json` also as a JSON document on stdout) and returns the exit code.
    func fail(_ error: LaurelClientError) -> ExitCode {
        Output.error("laurelctl: \(error)")
        if json {
            Output.json(ErrorDocument(error: .init(code: error.serverCode?.rawValue ?? error.kind.jsonCode, message: error.message, exit: Int(error.exitStatus))))
        }
        return ExitCode(error.exitStatus)
    }
}

struct ErrorDocument: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var exit: Int
    }
    var error: Body
}

extension LaurelClientError.Kind {
    var jsonCode: String {
        switch self {
        case .unreachable: "UNREACHABLE"
        case .connectionClosed: "CONNECTION_CLOSED"
        case .protocolViolation: "PROTOCOL_VIOLATION"
        default: "ERROR"
        }
    }
}

/// Filters shared by search, list and export.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only this award.") var award: String?
    @Option(help: "Only this status (nominated, shortlisted, awarded, not_awarded, withdrawn, revoked).") var status: String?
    @Option(help: "Only this cycle.") var cycle: String?
    @Option(help: "Only this region.") var region: String?

    var filter: EntryFilter { EntryFilter(award: award, status: status, cycle: cycle, region: region) }
}

/// Paging shared by search and list.
struct PageOptions: ParsableArguments {
    @Option(help: "At most this many entries (default: the daemon's, 20).") var limit: Int?
    @Option(help: "Skip this many entries first.") var offset: Int?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if let offset, offset < 0 { throw ValidationError("--offset must be 0 or more") }
    }
}
