#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// `SO_PEERCRED` of a connected Unix socket: the kernel's word for who connected.
enum PeerCredentials {
    /// `struct ucred` from <sys/socket.h> (hidden behind _GNU_SOURCE in Swift's Glibc), same layout.
    struct PeerCred: Sendable {
        var pid: Int32
        var uid: UInt32
        var gid: UInt32
    }

    /// Reads the peer's uid, gid and pid, or nil if the option is unavailable (never trust a
    /// default: a nil peer gets no roles).
    static func read(_ channel: any Channel) async -> (uid: UInt32, gid: UInt32, pid: Int32)? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        do {
            let cred: PeerCred = try await provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
            ).get()
            return (cred.uid, cred.gid, cred.pid)
        } catch {
            return nil
        }
    }
}
