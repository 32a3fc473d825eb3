import LaurelProtocol

/// Why a call to the daemon failed, in words a user can act on. Never carries raw NIO error text.
///
/// Compare with the ``Kind`` constants (`error.kind == .unreachable`); for `.server` errors,
/// ``serverCode`` holds the daemon's ``WireErrorCode``.
public struct LaurelClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case unreachable, server, protocolViolation, connectionClosed
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// No connection could be made (no socket file, nobody listening, permission denied).
        public static let unreachable = Kind(.unreachable)
        /// The daemon answered `ERR <code> <sentence>`.
        public static let server = Kind(.server)
        /// The daemon sent something that is not this protocol.
        public static let protocolViolation = Kind(.protocolViolation)
        /// The daemon closed the connection before the reply was complete.
        public static let connectionClosed = Kind(.connectionClosed)

        /// A short name.
        public var description: String {
            switch code {
            case .unreachable: "unreachable"
            case .server: "server error"
            case .protocolViolation: "protocol violation"
            case .connectionClosed: "connection closed"
            }
        }
    }

    /// The class of failure.
    public let kind: Kind
    /// For ``Kind/server``, the daemon's code.
    public let serverCode: WireErrorCode?
    /// The sentence: for ``Kind/server`` the daemon's own sentence, else ours.
    public let message: String

    private init(kind: Kind, serverCode: WireErrorCode? = nil, message: String) {
        self.kind = kind
        self.serverCode = serverCode
        self.message = message
    }

    /// No connection to `socketPath`; `reason` completes the sentence ("no daemon is listening at …").
    public static func unreachable(_ sentence: String) -> LaurelClientError {
        LaurelClientError(kind: .unreachable, message: sentence)
    }

    /// The daemon answered with an error.
    public static func server(code: WireErrorCode, message: String) -> LaurelClientError {
        LaurelClientError(kind: .server, serverCode: code, message: message)
    }

    /// The daemon's bytes broke the protocol; `detail` says how.
    public static func protocolViolation(_ detail: String) -> LaurelClientError {
        LaurelClientError(kind: .protocolViolation, message: "the daemon's reply broke the Laurel protocol: \(detail)")
    }

    /// The daemon closed the connection (or the task was cancelled) before the reply was complete.
    public static func connectionClosed(socketPath: String) -> LaurelClientError {
        LaurelClientError(
            kind: .connectionClosed,
            message: "the daemon at \(socketPath) closed the connection before answering; see `journalctl -u laureld`"
        )
    }

    /// The sentence to show a user. Server errors read `<CODE>: <sentence>`.
    public var description: String {
        if let serverCode { return "\(serverCode.rawValue): \(message)" }
        return message
    }

    /// The exit status `laurelctl` uses for this error: 1 not found, 2 a request the daemon calls bad
    /// (usage), 3 daemon unreachable or gone, 4 permission denied, 5 refused or any other daemon error.
    public var exitStatus: Int32 {
        switch kind {
        case .unreachable, .connectionClosed: return 3
        case .protocolViolation: return 5
        default:
            switch serverCode {
            case .notFound: return 1
            case .badRequest: return 2
            case .denied: return 4
            default: return 5
            }
        }
    }
}
