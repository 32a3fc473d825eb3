import Logging

/// A compact one-line log format on file descriptor 2: `LEVEL message key=value …`.
///
/// Used when stderr is not the journal (a terminal, a test, a container). Keys are sorted so lines
/// compare; values with spaces, quotes or `=` are quoted. Each line is one `write(2)`.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let fd: Int32

    /// - Parameter fd: where lines go; 2 (stderr) unless a test passes another descriptor.
    public init(fd: Int32 = 2, metadataProvider: Logger.MetadataProvider? = nil) {
        self.fd = fd
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = mergedMetadata(metadata, provider: metadataProvider, event: event.metadata)
        let line = Self.format(level: event.level, message: event.message.description, metadata: all)
        writeAll(fd, Array(line.utf8))
    }

    /// The line for one event, newline included. Pure, for tests.
    public static func format(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = level.rawValue.uppercased() + " " + message.replacing("\n", with: "\\n")
        for key in metadata.keys.sorted() {
            line += " " + key + "=" + quoted(metadata[key]!.description)
        }
        return line + "\n"
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        if plain { return value }
        var out = "\""
        for c in value {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
