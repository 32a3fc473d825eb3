import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Turning "could not connect" into one sentence that names the socket and the reason in plain words.
// The socket file is checked before connecting because stat's errno says more than connect's.
extension LaurelClient {
    static let startHint = "start one with `laureld --demo` or set $LAUREL_SOCKET"

    static func checkSocketFile(_ path: String) throws(LaurelClientError) {
        guard path.utf8.count <= 107 else {
            throw .unreachable("the socket path \(path) is longer than the 107 bytes a Unix socket address can hold; use a shorter path")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreachable(sentence(path, errno: errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw .unreachable("\(path) is not a socket, so no daemon can be listening there; \(startHint)")
        }
    }

    static func unreachable(_ path: String, _ error: any Error) -> LaurelClientError {
        if let error = error as? LaurelClientError { return error }
        if let error = error as? IOError { return .unreachable(sentence(path, errno: error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .unreachable("the daemon at \(path) did not accept the connection within 10 seconds; it may be overloaded or stuck")
        }
        return .unreachable("could not connect to the daemon at \(path); \(startHint)")
    }

    static func sentence(_ path: String, errno code: Int32) -> String {
        switch code {
        case ENOENT, ENOTDIR:
            return "no daemon is listening at \(path) (the socket file does not exist); \(startHint)"
        case EACCES, EPERM:
            return "permission denied on \(path): your user may not use the daemon's socket; ask an administrator to add you to the laurel group"
        case ECONNREFUSED:
            return "no daemon is listening at \(path) (connection refused: the socket file is left over from a daemon that stopped); \(startHint)"
        case EAGAIN:
            return "the daemon at \(path) is not accepting connections right now (its queue is full); try again"
        default:
            return "could not connect to the daemon at \(path) (\(String(cString: strerror(code)).lowercased())); \(startHint)"
        }
    }
}
