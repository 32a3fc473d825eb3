import Logging

/// Every setting of the daemon, typed, with its default. `Config/laureld.toml` documents each key;
/// precedence is flags > environment > file > these defaults.
public struct LaureldSettings: Sendable, Hashable {
    public struct Daemon: Sendable, Hashable {
        /// `daemon.socket`: the Unix socket path the daemon listens on (unless systemd passes one).
        public var socket: String = "/run/laurel/laureld.sock"
        /// `daemon.socket_mode`: permission bits of a socket the daemon binds itself.
        public var socketMode: UInt32 = 0o660
        /// `daemon.state_dir`: where the database lives.
        public var stateDir: String = "/var/lib/laurel"
        /// `daemon.log_level`: trace, debug, info, notice, warning, error, critical.
        public var logLevel: Logger.Level = .info
    }

    public struct Spool: Sendable, Hashable {
        /// `spool.drop_dir`: the Maildir-style drop directory (`tmp/`, `new/`, `rejected/`).
        public var dropDir: String = "/var/spool/laurel"
        /// `spool.keep_accepted`: move accepted files to `accepted/` instead of removing them.
        public var keepAccepted: Bool = false
        /// `spool.scan_interval_seconds`: the slow timer that rescans `new/` even without events.
        public var scanIntervalSeconds: Int = 30
        /// `spool.tmp_max_age_hours`: files in `tmp/` older than this are swept.
        public var tmpMaxAgeHours: Int = 36
        /// `spool.batch_max_files`: most files committed in one transaction (group commit).
        public var batchMaxFiles: Int = 512
        /// `spool.max_file_bytes`: largest nomination file accepted.
        public var maxFileBytes: Int = 1 << 20
    }

    public struct Limits: Sendable, Hashable {
        /// `limits.max_line_bytes`: longest request line.
        public var maxLineBytes: Int = 65536
        /// `limits.max_connections`: connections served at once; more get `ERR BUSY` and a close.
        public var maxConnections: Int = 1024
        /// `limits.output_buffer_bytes`: reply bytes queued for one client before it must read.
        public var outputBufferBytes: Int = 1 << 20
        /// `limits.write_stall_seconds`: a client whose queued replies exceed the buffer and that
        /// reads nothing for this long is cut off.
        public var writeStallSeconds: Int = 10
        /// `limits.idle_timeout_seconds`: a connection that sends nothing for this long is closed
        /// (a `WATCH` subscription is not idle).
        public var idleTimeoutSeconds: Int = 300
    }

    public struct Roles: Sendable, Hashable {
        /// `roles.reader_group`: group allowed to query; empty means every local user who can
        /// open the socket.
        public var readerGroup: String = ""
        /// `roles.submitter_group`: group allowed to `SUBMIT` over the socket.
        public var submitterGroup: String = "laurel-submit"
        /// `roles.reviewer_group`: group allowed to move entries through the review life-cycle.
        public var reviewerGroup: String = "laurel-review"
        /// `roles.admin_group`: group allowed to reload and everything else. Root is always admin.
        public var adminGroup: String = "laurel-admin"
    }

    public var daemon = Daemon()
    public var spool = Spool()
    public var limits = Limits()
    public var roles = Roles()

    public init() {}

    /// The database file inside the state directory.
    public var databasePath: String { daemon.stateDir + "/registry.sqlite" }
}
