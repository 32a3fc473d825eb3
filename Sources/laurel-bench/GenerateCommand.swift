import ArgumentParser
import Foundation

/// `laurel-bench generate`: writes realistic nomination files for ingest and search benchmarks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write N realistic nominations (Chinese and Latin names, Zipf-weighted citations) as files.",
        discussion: """
            The same --seed writes the same bytes. With --format nom each nomination is one header-format \
            file (NNNNNNN.nom); with --format jsonl, --per-file nominations go in each .jsonl batch, which is \
            how a million-entry registry is loaded without a million files. Files are written under a \
            hidden name and renamed, so DIR may be a spool's new/ directory.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case nom, jsonl }

    @Option(help: "How many nominations to write.")
    var count: Int

    @Option(help: "Directory to write into (created if missing).")
    var out: String

    @Option(help: "Seed for the generator (same seed, same files).")
    var seed: UInt64 = 1

    @Option(help: "nom (header block, one per file) or jsonl (batches).")
    var format: Format = .nom

    @Option(name: .customLong("per-file"), help: "Nominations per .jsonl file (each file must stay under 1 MiB).")
    var perFile: Int = 500

    @Option(help: "File name prefix.")
    var prefix: String = "n"

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
        guard (1...10_000).contains(perFile) else { throw ValidationError("--per-file must be 1–10000") }
        if format == .nom && perFile != 500 && perFile != 1 {
            throw ValidationError("--per-file applies to --format jsonl only (a header file holds one nomination)")
        }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var generator = NominationGenerator(seed: seed)
        let started = ContinuousClock.now
        var bytes = 0
        var files = 0
        let perFile = format == .nom ? 1 : self.perFile
        var written = 0
        var buffer: [UInt8] = []
        while written < count {
            buffer.removeAll(keepingCapacity: true)
            let n = min(perFile, count - written)
            for _ in 0..<n {
                let nomination = generator.next()
                buffer += format == .nom ? nomination.headerFile() : nomination.jsonLine()
            }
            let name = "\(prefix)-\(String(format: "%07d", files)).\(format.rawValue)"
            try writeAtomically(buffer, name: name)
            bytes += buffer.count
            written += n
            files += 1
        }
        let seconds = (ContinuousClock.now - started).seconds
        FileHandle.standardError.write(
            Data(
                "generated \(count) nominations in \(files) files (\(bytes / 1_048_576) MiB) in \(String(format: "%.2f", seconds)) s\n"
                    .utf8))
    }

    /// Writes `.name` then renames it to `name`, so a watcher of DIR never sees a half-written file.
    private func writeAtomically(_ bytes: [UInt8], name: String) throws {
        let hidden = out + "/." + name
        let fd = open(hidden, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot create \(hidden): errno \(errno)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw ValidationError("cannot write \(hidden): errno \(errno)") }
            offset += n
        }
        guard rename(hidden, out + "/" + name) == 0 else {
            throw ValidationError("cannot rename \(hidden): errno \(errno)")
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
