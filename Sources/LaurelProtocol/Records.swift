/// Records that travel as one JSON object per reply line. Keys are snake_case; clients ignore
/// keys they do not know, so servers may add keys without a version bump.

/// An entry: the honour as the registry knows it.
public struct EntryRecord: Sendable, Hashable, Codable {
    /// The entry's short stable id (`k3m9q2xa`).
    public var id: String
    /// The award (`最美 社區`).
    public var award: String
    /// Who is honoured, as written in the nomination.
    public var nominee: String
    /// What the nominee is (`person`, `team`, `organisation`...).
    public var kind: String
    /// The status, as `EntryStatus` raw values (`nominated`, `shortlisted`, `awarded`, `not_awarded`, `withdrawn`, `revoked`).
    public var status: String
    /// The award cycle (`2025`, `2024/25`).
    public var cycle: String
    /// The region or district.
    public var region: String
    /// The citation text, as displayed.
    public var citation: String
    /// How many nominations back this entry.
    public var nominations: Int
    /// Warnings found when the nominations were read (kept, not fatal).
    public var warnings: [String]
    /// When the entry was created (ISO 8601, UTC); key `created_at`.
    public var createdAt: String
    /// When the entry last changed (ISO 8601, UTC); key `updated_at`.
    public var updatedAt: String

    /// Creates a record.
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
    /// When (ISO 8601, UTC).
    public var at: String
    /// The status before (empty when the entry was created).
    public var from: String
    /// The status after.
    public var to: String
    /// The uid of who made the change; key `actor_uid`.
    public var actorUID: Int
    /// The user name of who made the change.
    public var actor: String
    /// Why, as given with the move (may be empty).
    public var reason: String

    /// Creates a record.
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
    /// The award.
    public var award: String
    /// How many entries it has.
    public var entries: Int
    /// Creates a record.
    public init(award: String, entries: Int) {
        self.award = award
        self.entries = entries
    }
}

/// Counters from `STATS`.
public struct StatsRecord: Sendable, Hashable, Codable {
    /// Entries in the registry.
    public var entries: Int
    /// Nominations in the registry.
    public var nominations: Int
    /// Nomination files ingested.
    public var files: Int
    /// Files refused (kept with a reason); key `rejected_files`.
    public var rejectedFiles: Int
    /// Files waiting in the spool; key `queue_depth`.
    public var queueDepth: Int
    /// Open client connections.
    public var connections: Int
    /// Seconds since the daemon started; key `uptime_seconds`.
    public var uptimeSeconds: Double
    /// When a file was last ingested (ISO 8601), if ever; key `last_ingest`.
    public var lastIngest: String?
    /// Why ingest is paused (disk full...), or absent when it runs; key `ingest_paused`.
    public var ingestPaused: String?

    /// Creates a record.
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
    /// The ids of the entries the file created or added to.
    public var entries: [String]
    /// Creates a record.
    public init(outcome: String, entries: [String]) {
        self.outcome = outcome
        self.entries = entries
    }
}

/// A live event from `WATCH`.
public struct EventRecord: Sendable, Hashable, Codable {
    /// `accepted`, `refused` or `status`.
    public var event: String
    /// When (ISO 8601, UTC).
    public var at: String
    /// The spool or submitted file name, for `accepted`/`refused`.
    public var file: String?
    /// The entry id concerned.
    public var entry: String?
    /// The entry's award.
    public var award: String?
    /// The entry's nominee.
    public var nominee: String?
    /// For `status`: the status before.
    public var from: String?
    /// For `status`: the status after.
    public var to: String?
    /// For `refused`: the refusal; for `status`: the reason given.
    public var reason: String?

    /// Creates a record.
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
