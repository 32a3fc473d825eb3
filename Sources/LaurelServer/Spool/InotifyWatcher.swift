#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// A watch on `new/` through inotify, read by a NIO pipe channel (no thread blocked in `read`).
///
/// Events are hints, not the source of truth: each one only tells the spool service to rescan.
/// `IN_Q_OVERFLOW` (the kernel dropped events) is reported so the service can log it; a rescan
/// covers it either way.
struct InotifyWatcher {
    struct Hint: Sendable {
        /// The kernel's event queue overflowed; some events were lost.
        var overflow: Bool
    }

    /// Start watching `directory`. The watch exists when this returns, so a scan done after it
    /// cannot miss a file renamed in between.
    static func watch(_ directory: String, group: any EventLoopGroup) async throws -> NIOAsyncChannel<ByteBuffer, Never> {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw SpoolError.fromErrno(directory, "inotify_init1") }
        let mask = UInt32(IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_ATTRIB | IN_ONLYDIR)
        guard inotify_add_watch(fd, directory, mask) >= 0 else {
            let error = SpoolError.fromErrno(directory, "watching with inotify (check fs.inotify.max_user_watches)")
            close(fd)
            throw error
        }
        return try await NIOPipeBootstrap(group: group)
            .takingOwnershipOfDescriptor(input: fd) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, Never>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Reads a chunk of `struct inotify_event` records; only the overflow bit matters.
    static func hint(from buffer: ByteBuffer) -> Hint {
        var buffer = buffer
        var overflow = false
        // struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[]; }
        while buffer.readableBytes >= 16 {
            guard let _ = buffer.readInteger(endianness: .host, as: Int32.self),
                let mask = buffer.readInteger(endianness: .host, as: UInt32.self),
                let _ = buffer.readInteger(endianness: .host, as: UInt32.self),
                let length = buffer.readInteger(endianness: .host, as: UInt32.self)
            else { break }
            if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflow = true }
            buffer.moveReaderIndex(forwardBy: min(Int(length), buffer.readableBytes))
        }
        return Hint(overflow: overflow)
    }
}
