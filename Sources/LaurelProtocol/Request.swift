/// A protocol verb. Unknown verbs parse (so the server can answer `ERR UNKNOWN_VERB`).
public struct Verb: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The verb, upper-case.
    public let rawValue: String
    /// Verbs are case-insensitive on the wire and kept upper-case.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    /// The verb, upper-case.
    public var description: String { rawValue }

    /// `PING`: liveness check, answered `OK PONG`.
    public static let ping = Verb(rawValue: "PING")
    /// `HELLO [client=NAME]`: version, capabilities, limits and the caller's role.
    public static let hello = Verb(rawValue: "HELLO")
    /// `STATS`: the daemon's counters.
    public static let stats = Verb(rawValue: "STATS")
    /// `GET <id>`: one entry.
    public static let get = Verb(rawValue: "GET")
    /// `SEARCH <query> [filters] [limit=] [offset=]`: matching entries.
    public static let search = Verb(rawValue: "SEARCH")
    /// `LIST [filters] [limit=] [offset=]`: entries in order.
    public static let list = Verb(rawValue: "LIST")
    /// `AWARDS`: awards and their entry counts.
    public static let awards = Verb(rawValue: "AWARDS")
    /// `HISTORY <id>`: an entry's status changes.
    public static let history = Verb(rawValue: "HISTORY")
    /// `SUBMIT <name> <length>` followed by the file's bytes.
    public static let submit = Verb(rawValue: "SUBMIT")
    /// `EXPORT format=json|jsonl|csv|md [filters]`: a whole document, one line per reply line.
    public static let export = Verb(rawValue: "EXPORT")
    /// `MOVE <status> <id>... [reason=]`: a status change.
    public static let move = Verb(rawValue: "MOVE")
    /// `WATCH [award=]`: a live event subscription.
    public static let watch = Verb(rawValue: "WATCH")
    /// `RELOAD`: re-read the configuration (admin).
    public static let reload = Verb(rawValue: "RELOAD")
    /// `QUIT`: close the connection.
    public static let quit = Verb(rawValue: "QUIT")

    /// Every verb this protocol version defines.
    public static let all: [Verb] = [.ping, .hello, .stats, .get, .search, .list, .awards, .history, .submit, .export, .move, .watch, .reload, .quit]
}

/// One request: a verb, its arguments, and for `SUBMIT` the raw file bytes that followed the line.
///
/// Arguments are either positional (`GET k3m9q2xa`) or options written `name=value`
/// (`SEARCH 葉莉 limit=5`). See ``Request/positionals`` and ``Request/options``.
public struct Request: Sendable, Hashable {
    /// The verb.
    public var verb: Verb
    /// The arguments after the verb, unquoted, in order.
    public var arguments: [String]
    /// The body of a `SUBMIT` (exactly the announced number of bytes), else `nil`.
    public var payload: [UInt8]?

    /// Creates a request. For `SUBMIT`, prefer ``Request/submit(fileName:contents:)``, which sets the length.
    public init(_ verb: Verb, _ arguments: [String] = [], payload: [UInt8]? = nil) {
        self.verb = verb
        self.arguments = arguments
        self.payload = payload
    }

    /// Arguments without a `=` (in order).
    public var positionals: [String] { arguments.filter { !$0.contains("=") } }

    /// Arguments of the form `name=value`, by lower-cased name; a later one wins.
    public var options: [String: String] {
        var out: [String: String] = [:]
        for argument in arguments {
            guard let eq = argument.firstIndex(of: "=") else { continue }
            out[argument[..<eq].lowercased()] = String(argument[argument.index(after: eq)...])
        }
        return out
    }
}
