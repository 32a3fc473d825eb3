/// Records that travel as one JSON object per reply line. Keys are snake_case; clients ignore
/// keys they do not know, so servers may add keys without a version bump.

/// An entry: the honour as the registry knows it.
public struct EntryRecord: Sendable, Hashable, Codable {
    public var id: String
    public var award: String
    public var nominee: String
    public var kind: String
    public var status: String
    public var cycle: String
    public var region: String
    public var citation: String
    public var nominations: Int
    public var warnings: [String]
    public var createdAt: String
    public var updatedAt: String

    public init(id: String, award: String, nominee: String, kind: String, status: String, cycle: String, region: String, citation: String, nominations: Int, warnings: [String], createdAt: String, updatedAt: String) {
        self.id = id
        self.award = award
        self.nominee = nominee
        self.kind = kind
        self.status = status
        self.cycle = cycle
        self.region = region
        self.citation = citation
        self.nominations = nominations
        self.warnings = warnings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, award, nominee, kind, status, cycle, region, citation, nominations, warnings
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One status change of an entry (or its creation, with `from` empty).
public struct HistoryRecord: Sendable, Hashable, Codable {
    public var at: String
    public var from: String
    public var to: String
    public var actorUID: Int
    public var actor: String
    public var reason: String

    public init(at: String, from: String, to: String, actorUID: Int, actor: String, reason: String) {
        self.at = at
        self.from = from
        self.to = to
        self.actorUID = actorUID
        self.actor = actor
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case at, from, to, actor, reason
        case actorUID = "actor_uid"
    }
}

/// An award and how many entries it has.
public struct AwardRecord: Sendable, Hashable, Codable {
    public var award: String
    public var entries: Int
    public init(award: String, entries: Int) {
        self.award = award
        self.entries = entries
    }
}

/// Counters from `STATS`.
public struct StatsRecord: Sendable, Hashable, Codable {
    public var entries: Int
    public var nominations: Int
    public var files: Int
    public var rejectedFiles: Int
    public var queueDepth: Int
    public var connections: Int
    public var uptimeSeconds: Double
    public var lastIngest: String?
    public var ingestPaused: String?

    public init(entries: Int, nominations: Int, files: Int, rejectedFiles: Int, queueDepth: Int, connections: Int, uptimeSeconds: Double, lastIngest: String?, ingestPaused: String?) {
        self.entries = entries
        self.nominations = nominations
        self.files = files
        self.rejectedFiles = rejectedFiles
        self.queueDepth = queueDepth
        self.connections = connections
        self.uptimeSeconds = uptimeSeconds
        self.lastIngest = lastIngest
        self.ingestPaused = ingestPaused
    }

    enum CodingKeys: String, CodingKey {
        case entries, nominations, files, connections
        case rejectedFiles = "rejected_files"
        case queueDepth = "queue_depth"
        case uptimeSeconds = "uptime_seconds"
        case lastIngest = "last_ingest"
        case ingestPaused = "ingest_paused"
    }
}

/// The outcome of a `SUBMIT`.
public struct SubmitRecord: Sendable, Hashable, Codable {
    /// `accepted`, or `duplicate` when the identical file was already registered.
    public var outcome: String
    public var entries: [String]
    public init(outcome: String, entries: [String]) {
        self.outcome = outcome
        self.entries = entries
    }
}

/// A live event from `WATCH`.
public struct EventRecord: Sendable, Hashable, Codable {
    /// `accepted`, `refused` or `status`.
    public var event: String
    public var at: String
    public var file: String?
    public var entry: String?
    public var award: String?
    public var nominee: String?
    public var from: String?
    public var to: String?
    public var reason: String?

    public init(event: String, at: String, file: String? = nil, entry: String? = nil, award: String? = nil, nominee: String? = nil, from: String? = nil, to: String? = nil, reason: String? = nil) {
        self.event = event
        self.at = at
        self.file = file
        self.entry = entry
        self.award = award
        self.nominee = nominee
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// The answer to `HELLO`: protocol version, server identity, what it can do, and who the caller is.
public struct HelloRecord: Sendable, Hashable, Codable {
    /// Limits the server enforces on requests.
    public struct Limits: Sendable, Hashable, Codable {
        /// Longest request line in bytes, without its line end.
        public var maxLine: Int
        /// Largest `SUBMIT` payload in bytes.
        public var maxSubmit: Int
        /// Creates limits.
        public init(maxLine: Int, maxSubmit: Int) {
            self.maxLine = maxLine
            self.maxSubmit = maxSubmit
        }
        enum CodingKeys: String, CodingKey {
            case maxLine = "max_line"
            case maxSubmit = "max_submit"
        }
    }

    /// The protocol version; this document describes version 1.
    public var `protocol`: Int
    /// `laureld/<version>`.
    public var server: String
    /// The verbs this server answers.
    public var capabilities: [String]
    /// Limits the server enforces.
    public var limits: Limits
    /// The caller's role: `admin`, `reviewer`, `submitter` or `reader`.
    public var role: String
    /// The caller's uid, as the server saw it (`SO_PEERCRED`).
    public var uid: Int
    /// The caller's user name, as the server resolved it.
    public var user: String

    /// Creates a record.
    public init(protocol: Int, server: String, capabilities: [String], limits: Limits, role: String, uid: Int, user: String) {
        self.protocol = `protocol`
        self.server = server
        self.capabilities = capabilities
        self.limits = limits
        self.role = role
        self.uid = uid
        self.user = user
    }
}
