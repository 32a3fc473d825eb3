/// Where an entry stands in the review life-cycle.
///
///     nominated → shortlisted → awarded | not_awarded
///     nominated | shortlisted → withdrawn
///     awarded → revoked
public enum EntryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case nominated
    case shortlisted
    case awarded
    case notAwarded = "not_awarded"
    case withdrawn
    case revoked

    /// The statuses this one may move to.
    public var successors: Set<EntryStatus> {
        switch self {
        case .nominated: [.shortlisted, .withdrawn]
        case .shortlisted: [.awarded, .notAwarded, .withdrawn]
        case .awarded: [.revoked]
        case .notAwarded, .withdrawn, .revoked: []
        }
    }

    /// Whether moving from this status to `target` is allowed.
    public func canMove(to target: EntryStatus) -> Bool { successors.contains(target) }
}
