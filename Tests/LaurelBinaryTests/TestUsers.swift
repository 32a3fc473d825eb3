import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whether this process can create throwaway users and groups and run commands as them.
let canCreateTestUsers: Bool = {
    let tools: [String] = [
        "/usr/sbin/useradd", "/usr/sbin/userdel", "/usr/sbin/groupadd", "/usr/sbin/groupdel", "/usr/bin/setpriv",
    ]
    return getuid() == 0 && tools.allSatisfy { access($0, X_OK) == 0 }
}()

/// Throwaway users and groups for one test, named `lrlt-<random>-…` so that a leftover is easy to
/// recognise. Everything created is recorded and removed by `remove()`, including after a partial
/// failure; nothing this did not create is ever touched.
final class TestUsers {
    let prefix: String
    private(set) var users: [String] = []
    private(set) var groups: [String] = []

    init() {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        prefix = "lrlt-" + String((0..<6).map { _ in letters.randomElement()! })
    }

    /// Creates group `<prefix>-<suffix>` and returns its name.
    func group(_ suffix: String) throws -> String {
        let name = "\(prefix)-\(suffix)"
        try Self.admin("/usr/sbin/groupadd", [name])
        groups.append(name)
        return name
    }

    /// Creates user `<prefix>-<suffix>` (no home, no login shell, its own primary group) with
    /// the supplementary `groups`, and returns how to run as it.
    func user(_ suffix: String, groups extra: [String] = []) throws -> RunAs {
        let name = "\(prefix)-\(suffix)"
        var arguments = ["--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin"]
        if !extra.isEmpty { arguments += ["--groups", extra.joined(separator: ",")] }
        try Self.admin("/usr/sbin/useradd", arguments + [name])
        users.append(name)
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &pwd, &buffer, buffer.count, &result) == 0, result != nil else {
            throw ProcessFailure("useradd \(name) succeeded but the user cannot be looked up")
        }
        return RunAs(user: name, uid: pwd.pw_uid, gid: pwd.pw_gid)
    }

    /// Removes the users (and their own groups), then the groups, newest first.
    func remove() {
        for name in users.reversed() { try? Self.admin("/usr/sbin/userdel", [name]) }
        users.removeAll()
        for name in groups.reversed() { try? Self.admin("/usr/sbin/groupdel", [name]) }
        groups.removeAll()
    }

    /// Runs a user-administration tool, retrying while another process holds the lock on
    /// /etc/passwd or /etc/group (exit 1 or 10 with "lock" in the message).
    private static func admin(_ tool: String, _ arguments: [String]) throws {
        var last: ProcessResult?
        for _ in 0..<50 {
            let result = try run(tool, arguments, timeout: .seconds(20))
            if result.status == 0 { return }
            last = result
            guard result.stderr.lowercased().contains("lock") else { break }
            usleep(100_000)
        }
        throw ProcessFailure("\(tool) \(arguments.joined(separator: " ")) failed: \(last.map { "\($0)" } ?? "")")
    }
}
