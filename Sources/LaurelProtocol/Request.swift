/// A protocol verb. Unknown verbs parse (so the server can answer `ERR UNKNOWN_VERB`).
public struct Verb: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    /// Verbs are case-insensitive on the wire and kept upper-case.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public var description: String { rawValue }

    public static let ping = Verb(rawValue: "PING")
    public static let hello = Verb(rawValue: "HELLO")
    public static let stats = Verb(rawValue: "STATS")
    public static let get = Verb(rawValue: "GET")
    public static let search = Verb(rawValue: "SEARCH")
    public static let list = Verb(rawValue: "LIST")
    public static let awards = Verb(rawValue: "AWARDS")
    public static let history = Verb(rawValue: "HISTORY")
    public static let submit = Verb(rawValue: "SUBMIT")
    public static let export = Verb(rawValue: "EXPORT")
    public static let move = Verb(rawValue: "MOVE")
    public static let watch = Verb(rawValue: "WATCH")
    public static let reload = Verb(rawValue: "RELOAD")
    public static let quit = Verb(rawValue: "QUIT")

    /// Every verb this protocol version defines.
    public static let all: [Verb] = [.ping, .hello, .stats, .get, .search, .list, .awards, .history, .submit, .export, .move, .watch, .reload, .quit]
}

/// One request: a verb, its arguments, and for `SUBMIT` the raw file bytes that followed the line.
///
/// Arguments are either positional (`GET k3m9q2xa`) or options written `name=value`
/// (`SEARCH 葉莉 limit=5`). See ``Request/positionals`` and ``Request/options``.
public struct Request: Sendable, Hashable {
    public var verb: Verb
    public var arguments: [String]
    /// The body of a `SUBMIT` (exactly the announced number of bytes), else `nil`.
    public var payload: [UInt8]?

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
