import ArgumentParser

/// `laurel-bench`: load generator and data generator for measuring laureld.
@main
struct LaurelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "laurel-bench",
        abstract: "Measure laureld: generate nominations, or put closed-loop load on its socket.",
        discussion: """
            Examples:
              laurel-bench generate --count 100000 --out /tmp/noms
              laurel-bench --socket /tmp/l.sock --op ping --clients 50 --duration 10 --json
              laurel-bench load --socket /tmp/l.sock --op search --query 葉莉 --clients 16 --duration 10
            See docs/PERFORMANCE.md and Benchmarks/run.sh.
            """,
        subcommands: [LoadCommand.self, GenerateCommand.self],
        defaultSubcommand: LoadCommand.self)
}
