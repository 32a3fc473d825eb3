#if canImport(Glibc)
import Glibc
#endif
import LaurelProtocol

/// Who is on the other end of a connection, from `SO_PEERCRED` (never from what the client says).
public struct Peer: Sendable, Hashable {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    public var userName: String
    public var roles: Set<Role>

    public init(uid: UInt32, gid: UInt32, pid: Int32, userName: String, roles: Set<Role>) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.userName = userName
        self.roles = roles
    }

    /// The most powerful role, for `HELLO`.
    public var primaryRole: Role {
        for role in [Role.admin, .reviewer, .submitter, .reader] where roles.contains(role) { return role }
        return .none
    }
}

/// What a peer may do. Admin implies every other role; reviewers and submitters may also read.
public enum Role: String, Sendable, Hashable, CaseIterable {
    case none
    case reader
    case submitter
    case reviewer
    case admin

    /// The role a verb needs.
    public static func required(for verb: Verb) -> Role {
        switch verb {
        case .ping, .hello, .quit: .none
        case .submit: .submitter
        case .move: .reviewer
        case .reload: .admin
        default: .reader
        }
    }
}

/// Maps peer credentials to roles through the configured groups.
public struct RolePolicy: Sendable, Hashable {
    public var roles: LaureldSettings.Roles
    /// The daemon's own uid: the user who runs `laureld --demo` administers it.
    public var daemonUID: UInt32

    public init(roles: LaureldSettings.Roles, daemonUID: UInt32 = getuid()) {
        self.roles = roles
        self.daemonUID = daemonUID
    }

    public func peer(uid: UInt32, gid: UInt32, pid: Int32) -> Peer {
        let name = Self.userName(uid) ?? String(uid)
        var granted: Set<Role> = []
        if uid == 0 || uid == daemonUID {
            granted = Set(Role.allCases)
        } else {
            let groups = Self.groupNames(uid: uid, gid: gid, userName: name)
            if !roles.adminGroup.isEmpty, groups.contains(roles.adminGroup) { granted = Set(Role.allCases) }
            if !roles.reviewerGroup.isEmpty, groups.contains(roles.reviewerGroup) { granted.formUnion([.reviewer, .reader, .none]) }
            if !roles.submitterGroup.isEmpty, groups.contains(roles.submitterGroup) { granted.formUnion([.submitter, .reader, .none]) }
            if roles.readerGroup.isEmpty || groups.contains(roles.readerGroup) { granted.formUnion([.reader, .none]) }
            granted.insert(.none)
        }
        return Peer(uid: uid, gid: gid, pid: pid, userName: name, roles: granted)
    }

    static func userName(_ uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return nil }
        return String(cString: name)
    }

    /// Names of the user's primary and supplementary groups.
    static func groupNames(uid: UInt32, gid: UInt32, userName: String) -> Set<String> {
        var count: Int32 = 64
        var gids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(userName, gid, &gids, &count) < 0 {
            gids = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(userName, gid, &gids, &count)
        }
        var names: Set<String> = []
        for g in gids.prefix(Int(max(count, 0))) + [gid] {
            var grp = group()
            var result: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: 8192)
            if getgrgid_r(g, &grp, &buffer, buffer.count, &result) == 0, result != nil, let name = grp.gr_name {
                names.insert(String(cString: name))
            }
        }
        return names
    }
}
