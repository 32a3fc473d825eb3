/// One line of a reply. Every line says whether more lines of the same reply follow:
/// `OK-…` / `EVT-…` (more follow) and `OK …` / `ERR …` (the last line), as SMTP's `250-`/`250 `.
public struct ReplyLine: Sendable, Hashable {
    /// The first word of a reply line.
    public enum Status: String, Sendable, Hashable {
        /// `OK`: a record, a line of output, or success.
        case ok = "OK"
        /// `ERR`: the request failed; always a last line `ERR <CODE> <sentence>`.
        case err = "ERR"
        /// `EVT`: an event of a `WATCH` subscription.
        case event = "EVT"
    }

    /// `OK`, `ERR` or `EVT`.
    public var status: Status
    /// `true` when more lines of this reply follow.
    public var more: Bool
    /// The rest of the line (a JSON object for record lines), without the line end.
    public var text: String

    /// Creates a line; `text` must not hold CR or LF.
    public init(_ status: Status, more: Bool, _ text: String) {
        self.status = status
        self.more = more
        self.text = text
    }

    /// A final error line: `ERR <CODE> <sentence>`.
    public static func error(_ code: WireErrorCode, _ sentence: String) -> ReplyLine {
        ReplyLine(.err, more: false, "\(code.rawValue) \(sentence)")
    }
}

/// The closed set of error codes a server sends in `ERR <CODE> <sentence>`.
public enum WireErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The request line could not be understood (bad quoting, missing or bad argument).
    case badRequest = "BAD_REQUEST"
    /// The verb is not one this server knows.
    case unknownVerb = "UNKNOWN_VERB"
    /// No such entry.
    case notFound = "NOT_FOUND"
    /// The daemon refused the request: an invalid submission, an illegal status move.
    case refused = "REFUSED"
    /// The caller's role does not allow this verb.
    case denied = "DENIED"
    /// The daemon cannot take this now (too many connections, disk full, shutting down).
    case busy = "BUSY"
    /// Framing error: the line is longer than the limit. The connection is closed.
    case lineTooLong = "LINE_TOO_LONG"
    /// Framing error: the line is not UTF-8 or holds a NUL. The connection is closed.
    case badEncoding = "BAD_ENCODING"
    /// Something failed inside the daemon; the sentence says what, the log says more.
    case `internal` = "INTERNAL"
}
