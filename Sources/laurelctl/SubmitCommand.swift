import ArgumentParser
import Foundation
import LaurelClient
import LaurelProtocol

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit nomination files: into the spool when it is writable, else over the socket.",
        discussion: """
            Without --spool, the spool is $LAUREL_SPOOL or /var/spool/laurel; when it cannot take files, \
            the files are sent over the socket (SUBMIT) instead, and laurelctl says so. With --spool DIR, \
            DIR must be writable. With --socket-submit, files always go over the socket, and each file's \
            outcome (accepted, duplicate, refused with the reason) is reported.
            """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Nomination files.") var files: [String]
    @Option(help: ArgumentHelp("Spool directory (with tmp/ and new/).", valueName: "dir")) var spool: String?
    @Flag(name: .customLong("socket-submit"), help: "Send over the socket (SUBMIT) and wait for each outcome.") var socketSubmit = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one nomination file") }
        if socketSubmit, spool != nil { throw ValidationError("--spool and --socket-submit exclude each other") }
    }

    /// One file's outcome, for `--json` and the summary.
    struct Outcome: Encodable {
        var file: String
        var via: String  // "spool" or "socket"
        var ok: Bool
        var spoolPath: String?
        var outcome: String?
        var entries: [String]?
        var error: String?
        var code: String?

        enum CodingKeys: String, CodingKey {
            case file, via, ok, outcome, entries, error, code
            case spoolPath = "spool_path"
        }
    }

    func run() async throws {
        var outcomes: [Outcome] = []
        var status: Int32 = 0
        var contents: [(String, [UInt8])] = []
        for file in files {
            do {
                contents.append((file, try readFile(file)))
            } catch {
                outcomes.append(Outcome(file: file, via: "none", ok: false, error: error.description))
                status = max(status, error.exitStatus)
            }
        }

        var useSocket = socketSubmit
        let directory = spool ?? Spool.defaultDirectory
        if !useSocket, let reason = Spool.unusableReason(directory) {
            if spool != nil {
                Output.error("laurelctl: the spool \(directory) cannot take files: \(reason)")
                if global.json { Output.json(["error": ["code": "SPOOL_UNUSABLE", "message": reason]]) }
                throw ExitCode(4)
            }
            useSocket = true
            if !global.json { Output.error("note: the spool \(directory) cannot take files (\(reason)); sending over the socket \(global.socketPath)") }
        }

        if useSocket {
            let sent = try await global.run { client in
                var sent: [(Outcome, Int32)] = []
                for (file, bytes) in contents {
                    let name = URL(fileURLWithPath: file).lastPathComponent
                    do {
                        let record = try await client.submit(fileName: name, contents: bytes)
                        sent.append((Outcome(file: file, via: "socket", ok: true, outcome: record.outcome, entries: record.entries), 0))
                    } catch let error as LaurelClientError where error.kind == .server {
                        sent.append((Outcome(file: file, via: "socket", ok: false, error: error.message, code: error.serverCode?.rawValue), error.exitStatus))
                        // A framing refusal (BAD_REQUEST on a SUBMIT line) closes the connection: stop there.
                        if error.serverCode == .badRequest { break }
                    }
                }
                return sent
            }
            for (outcome, code) in sent {
                outcomes.append(outcome)
                status = max(status, code)
            }
        } else {
            for (file, bytes) in contents {
                do {
                    let path = try Spool.publish(bytes, baseName: URL(fileURLWithPath: file).lastPathComponent, into: directory)
                    outcomes.append(Outcome(file: file, via: "spool", ok: true, spoolPath: path))
                } catch {
                    outcomes.append(Outcome(file: file, via: "spool", ok: false, error: error.description))
                    status = max(status, error.exitStatus)
                }
            }
        }

        if global.json {
            Output.json(outcomes)
        } else {
            for outcome in outcomes {
                if outcome.ok, outcome.via == "spool" {
                    Output.line("\(outcome.file): queued in the spool as \(outcome.spoolPath ?? "?")")
                } else if outcome.ok {
                    let entries = outcome.entries?.joined(separator: ", ") ?? ""
                    Output.line("\(outcome.file): \(outcome.outcome ?? "accepted") over the socket\(entries.isEmpty ? "" : " — entries \(entries)")")
                } else {
                    Output.error("laurelctl: \(outcome.file): \(outcome.code.map { "\($0): " } ?? "")\(outcome.error ?? "failed")")
                }
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
