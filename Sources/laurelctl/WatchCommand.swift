@preconcurrency import Dispatch
import ArgumentParser
import Foundation
import LaurelClient
import LaurelProtocol

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print events as they happen, until interrupted (Ctrl-C).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only events of this award.") var award: String?

    func run() async throws {
        let global = self.global
        let award = self.award
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await global.run { client in
                    try await client.watch(award: award) { event in
                        if global.json {
                            Output.json(event)
                        } else {
                            Output.line(Self.describe(event))
                        }
                        return .continue
                    }
                }
            }
            group.addTask {
                await Interrupt.wait()
            }
            // Whichever ends first (the subscription, or Ctrl-C) ends the other.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    static func describe(_ event: EventRecord) -> String {
        var parts = [event.at, event.event]
        if let entry = event.entry { parts.append(entry) }
        if let award = event.award { parts.append(award) }
        if let nominee = event.nominee { parts.append(nominee) }
        if let to = event.to {
            let from = event.from ?? ""
            parts.append("\(from.isEmpty ? "—" : from) → \(to)")
        }
        if let file = event.file { parts.append("file \(file)") }
        if let reason = event.reason { parts.append("(\(reason))") }
        return parts.joined(separator: "  ")
    }
}

/// Waiting for SIGINT (and SIGTERM) without killing the process, so watch ends cleanly.
enum Interrupt {
    static func wait() async {
        let stream = AsyncStream<Void> { continuation in
            let sources = [SIGINT, SIGTERM].map { signalNumber in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { continuation.yield() }
                source.resume()
                return source
            }
            continuation.onTermination = { _ in
                for source in sources { source.cancel() }
            }
        }
        for await _ in stream { return }
    }
}
