import Foundation
import LaurelClient

/// A local file operation that failed, with a sentence and the exit status to use.
struct LocalError: Error, CustomStringConvertible {
    var description: String
    var exitStatus: Int32
}

/// Publishing into the Maildir-style spool: write in `tmp/` under a unique name, fsync, then rename
/// into `new/` (same file system, so the daemon never sees a half-written file), then fsync `new/`.
enum Spool {
    /// The spool used when `--spool` is not given: `$LAUREL_SPOOL`, else `/var/spool/laurel`.
    static var defaultDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["LAUREL_SPOOL"], !dir.isEmpty { return dir }
        return "/var/spool/laurel"
    }

    /// Why `directory` cannot take files, or `nil` when it can (tmp/ and new/ writable and searchable).
    static func unusableReason(_ directory: String) -> String? {
        for sub in ["tmp", "new"] {
            let path = directory + "/" + sub
            var info = stat()
            if stat(path, &info) != 0 {
                return errno == ENOENT ? "\(path) does not exist" : "\(path): \(String(cString: strerror(errno)))"
            }
            if access(path, W_OK | X_OK) != 0 { return "\(path) is not writable by you" }
        }
        return nil
    }

    private nonisolated(unsafe) static var counter = 0  // laurelctl publishes from one task only

    /// Publishes `contents` as `baseName`; returns the path in `new/`.
    static func publish(_ contents: [UInt8], baseName: String, into directory: String) throws(LocalError) -> String {
        counter += 1
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        let unique = "\(now.tv_sec).M\(now.tv_nsec / 1000)P\(getpid())Q\(counter)R\(UInt32.random(in: 0...UInt32.max)).\(host)"
        let safeBase = baseName.replacingOccurrences(of: "/", with: "_")
        let tmpPath = "\(directory)/tmp/\(unique)"
        let newPath = "\(directory)/new/\(unique)-\(safeBase)"
        let fd = open(tmpPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure("could not create \(tmpPath)", errno) }
        var ok = false
        defer {
            if !ok { unlink(tmpPath) }
        }
        do {
            defer { close(fd) }
            try writeAll(fd, contents, path: tmpPath)
            guard fsync(fd) == 0 else { throw failure("could not flush \(tmpPath) to disk", errno) }
        }
        guard rename(tmpPath, newPath) == 0 else { throw failure("could not move \(tmpPath) into \(directory)/new", errno) }
        ok = true
        let dirFD = open("\(directory)/new", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        return newPath
    }

    static func writeAll(_ fd: Int32, _ contents: [UInt8], path: String) throws(LocalError) {
        var offset = 0
        while offset < contents.count {
            let written = contents[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("could not write \(path)", errno)
            }
            offset += written
        }
    }

    static func failure(_ what: String, _ code: Int32) -> LocalError {
        let reason = String(cString: strerror(code)).lowercased()
        return LocalError(description: "\(what): \(reason)", exitStatus: code == EACCES || code == EPERM ? 4 : 5)
    }
}

/// Writing a whole file atomically (for `export --output`).
enum AtomicFile {
    static func write(_ contents: [UInt8], to path: String) throws(LocalError) {
        let tmp = "\(path).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Spool.failure("could not create \(tmp)", errno) }
        do {
            defer { close(fd) }
            do {
                try Spool.writeAll(fd, contents, path: tmp)
            } catch {
                unlink(tmp)
                throw error
            }
            guard fsync(fd) == 0 else {
                unlink(tmp)
                throw Spool.failure("could not flush \(tmp)", errno)
            }
        }
        guard rename(tmp, path) == 0 else {
            let code = errno
            unlink(tmp)
            throw Spool.failure("could not move \(tmp) to \(path)", code)
        }
    }
}

/// Reading a whole file given on the command line.
func readFile(_ path: String) throws(LocalError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        let exists = FileManager.default.fileExists(atPath: path)
        throw LocalError(
            description: exists ? "cannot read \(path): permission denied" : "no such file: \(path)",
            exitStatus: exists ? 4 : 2)
    }
    return Array(data)
}
