#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import LaurelCore

/// A spool failure that is not the fault of a dropped file (the directory itself is missing,
/// unreadable, or the disk is full).
public struct SpoolError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var errno: Int32

    public var description: String { "\(path): \(reason)" }

    init(_ path: String, _ reason: String, errno: Int32 = 0) {
        self.path = path
        self.reason = reason
        self.errno = errno
    }

    static func fromErrno(_ path: String, _ action: String) -> SpoolError {
        let code = Glibc.errno
        return SpoolError(path, "\(action) failed: \(String(cString: strerror(code)))", errno: code)
    }
}

/// A regular file read from `new/`.
public struct SpoolFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// The file's owner: the submitter.
    public var ownerUID: UInt32
}

/// What reading one name from `new/` gave.
public enum SpoolRead: Sendable {
    case file(SpoolFile)
    /// Not the file's content but what it is (symlink, FIFO, device, too large, unreadable):
    /// refuse it without reading it.
    case refused(Refusal)
    /// Gone between the scan and the read (another daemon, or a user took it back).
    case vanished
}

/// The Maildir-style drop directory: writers create files in `tmp/` and rename them into `new/`;
/// the daemon reads `new/` only. Refused files go to `rejected/NAME` with `rejected/NAME.reason`.
///
/// Every operation is a plain system call on names inside the spool: nothing follows symlinks,
/// nothing opens a special file, nothing blocks.
public struct SpoolDirectory: Sendable {
    public let root: String
    public let keepAccepted: Bool

    public var tmp: String { root + "/tmp" }
    public var new: String { root + "/new" }
    public var rejected: String { root + "/rejected" }
    public var accepted: String { root + "/accepted" }

    public init(root: String, keepAccepted: Bool = false) {
        self.root = root
        self.keepAccepted = keepAccepted
    }

    /// Create missing directories (the daemon's own demo or test spool) and check the ones
    /// the daemon needs are there and writable.
    public func prepare(create: Bool) throws(SpoolError) {
        var dirs = [root, tmp, new, rejected]
        if keepAccepted { dirs.append(accepted) }
        for dir in dirs {
            var st = stat()
            if lstat(dir, &st) != 0 {
                guard create, Glibc.errno == ENOENT else {
                    throw SpoolError.fromErrno(dir, "opening the spool directory")
                }
                if mkdir(dir, 0o750) != 0, Glibc.errno != EEXIST {
                    throw SpoolError.fromErrno(dir, "creating the spool directory")
                }
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw SpoolError(dir, "is not a directory; the spool needs tmp/, new/ and rejected/ directories under \(root)")
            }
        }
        for dir in [new, rejected] where access(dir, W_OK | X_OK) != 0 {
            throw SpoolError.fromErrno(dir, "checking write access (the daemon must be able to rename files out of new/)")
        }
    }

    /// Names in `new/` (dotfiles are never taken), at most `limit`, sorted so that files are
    /// taken in name order within one scan (timestamped names are taken oldest first).
    public func scanNew(limit: Int = .max) throws(SpoolError) -> [String] {
        guard let dir = opendir(new) else { throw SpoolError.fromErrno(new, "listing") }
        defer { closedir(dir) }
        var names: [String] = []
        while names.count < limit, let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Read one file from `new/` without following links, without blocking on FIFOs and without
    /// opening devices: `lstat` first, then `open(O_NOFOLLOW|O_NONBLOCK)` and `fstat` to check it
    /// is still the same regular file.
    public func read(_ name: String, maxBytes: Int) -> SpoolRead {
        let path = new + "/" + name
        var st = stat()
        if lstat(path, &st) != 0 {
            return Glibc.errno == ENOENT ? .vanished : .refused(Refusal(.unreadable, "the daemon could not inspect the file: \(String(cString: strerror(Glibc.errno)))"))
        }
        if let kind = Self.specialKind(st.st_mode) {
            return .refused(Refusal(.notRegularFile, "\(kind) in new/ is never read or followed; drop regular files only"))
        }
        if Int(st.st_size) > maxBytes {
            return .refused(Refusal(.tooLarge, "the file is \(st.st_size) bytes; the limit is \(maxBytes) bytes"))
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = Glibc.errno
            switch code {
            case ENOENT: return .vanished
            case ELOOP: return .refused(Refusal(.notRegularFile, "a symbolic link in new/ is never followed; drop regular files only"))
            default: return .refused(Refusal(.unreadable, "the daemon could not open the file: \(String(cString: strerror(code))); make it readable by the daemon and drop it again"))
            }
        }
        defer { close(fd) }
        var fst = stat()
        guard fstat(fd, &fst) == 0 else {
            return .refused(Refusal(.unreadable, "the daemon could not inspect the open file"))
        }
        if let kind = Self.specialKind(fst.st_mode) {
            return .refused(Refusal(.notRegularFile, "\(kind) in new/ is never read; drop regular files only"))
        }
        // Read at most maxBytes + 1, so a file that grew after lstat is still caught.
        var bytes = [UInt8](repeating: 0, count: min(Int(fst.st_size), maxBytes) + 1)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                return .refused(Refusal(.unreadable, "reading the file failed: \(String(cString: strerror(Glibc.errno)))"))
            }
            if n == 0 { break }
            filled += n
            if filled == bytes.count, filled <= maxBytes {
                // The file grew since fstat: read on, up to the limit.
                bytes.append(contentsOf: [UInt8](repeating: 0, count: min(64 * 1024, maxBytes + 1 - filled)))
            }
        }
        if filled > maxBytes {
            return .refused(Refusal(.tooLarge, "the file is larger than the limit of \(maxBytes) bytes"))
        }
        bytes.removeSubrange(filled...)
        return .file(SpoolFile(name: name, bytes: bytes, ownerUID: fst.st_uid))
    }

    private static func specialKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a directory"
        default: "a special file"
        }
    }

    /// The file was committed: remove it from `new/`, or move it to `accepted/`.
    public func finish(_ name: String) throws(SpoolError) {
        let path = new + "/" + name
        if keepAccepted {
            let target = uniqueName(in: accepted, name)
            if rename(path, accepted + "/" + target) != 0, Glibc.errno != ENOENT {
                throw SpoolError.fromErrno(path, "moving to accepted/")
            }
        } else if unlink(path) != 0, Glibc.errno != ENOENT {
            throw SpoolError.fromErrno(path, "removing")
        }
    }

    /// Move a refused file to `rejected/` with its reason beside it. The reason is written first
    /// (to a dotfile, then renamed), so a crash never leaves a refused file without its reason.
    /// Returns the name used in `rejected/`.
    @discardableResult
    public func reject(_ name: String, _ refusal: Refusal) throws(SpoolError) -> String {
        let target = uniqueName(in: rejected, name)
        var text = "code: \(refusal.code.rawValue)\nreason: \(refusal.message)\n"
        if let record = refusal.record { text += "record: \(record)\n" }
        if let line = refusal.line { text += "line: \(line)\n" }
        if let field = refusal.field { text += "field: \(field)\n" }
        let reasonPath = rejected + "/" + target + ".reason"
        let tmpPath = rejected + "/." + target + ".reason.tmp"
        try writeFile(tmpPath, Array(text.utf8))
        if rename(tmpPath, reasonPath) != 0 {
            let error = SpoolError.fromErrno(reasonPath, "writing the reason")
            unlink(tmpPath)
            throw error
        }
        if rename(new + "/" + name, rejected + "/" + target) != 0, Glibc.errno != ENOENT {
            throw SpoolError.fromErrno(new + "/" + name, "moving to rejected/")
        }
        return target
    }

    /// Remove files in `tmp/` older than `maxAgeSeconds` (a writer that died mid-write).
    /// Returns how many were removed.
    @discardableResult
    public func sweepTmp(maxAgeSeconds: Int, now: Int = Int(time(nil))) -> Int {
        guard let dir = opendir(tmp) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = tmp + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { continue }
            if now - Int(st.st_mtim.tv_sec) > maxAgeSeconds, unlink(path) == 0 {
                removed += 1
            }
        }
        return removed
    }

    private func uniqueName(in dir: String, _ name: String) -> String {
        var candidate = name
        var n = 1
        while access(dir + "/" + candidate, F_OK) == 0 || access(dir + "/" + candidate + ".reason", F_OK) == 0 {
            n += 1
            candidate = "\(name).\(n)"
        }
        return candidate
    }

    private func writeFile(_ path: String, _ bytes: [UInt8]) throws(SpoolError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpoolError.fromErrno(path, "creating") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + written, raw.count - written) }
            if n < 0 {
                if Glibc.errno == EINTR { continue }
                throw SpoolError.fromErrno(path, "writing")
            }
            written += n
        }
    }
}

extension SpoolDirectory {
    /// Publish `bytes` into the spool the way writers must: create in `tmp/`, fsync, rename into
    /// `new/`. Used by the demo loader and tests; `laurelctl submit` does the same on its side.
    public func publish(name: String, bytes: [UInt8]) throws(SpoolError) {
        let unique = "\(time(nil)).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let tmpPath = tmp + "/" + unique
        try writeFile(tmpPath, bytes)
        let fd = open(tmpPath, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
        if rename(tmpPath, new + "/" + name) != 0 {
            let error = SpoolError.fromErrno(new + "/" + name, "publishing")
            unlink(tmpPath)
            throw error
        }
    }
}
