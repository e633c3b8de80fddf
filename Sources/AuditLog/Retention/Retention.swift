import Foundation

/// Retention and legal holds over one log and its key store, whatever holds the log: each step is recorded in the
/// log by `record` (an append that returns the entry's sequence number) and kept in step with the key store.
///
/// The order makes every failure err on the side of keeping: a hold is stored before its entry is appended (and
/// taken back if the append fails); a release is appended before the hold is removed; `apply` appends the list of
/// keys it is about to destroy, then destroys them, each leaving a tombstone that names that entry. A crash midway
/// leaves keys that the next `apply` destroys (and records) again.
public struct Retention: Sendable {
    public let keys: any RetentionKeyStore
    public let record: @Sendable (AuditEntry) async throws -> Int

    /// The longest reason accepted for a hold or release.
    public static let maxReasonBytes = 2000

    public init(keys: any RetentionKeyStore, record: @escaping @Sendable (AuditEntry) async throws -> Int) {
        self.keys = keys
        self.record = record
    }

    /// What the key store holds, planned at `now` with each key's retention from `spanOf`.
    public func plan(spanOf: (SealingKeyID) -> RetentionSpan?) async throws -> RetentionPlan {
        let ring = try await keys.ring()
        return RetentionPlan(
            ids: try await keys.keyIDs(), tombstones: ring.tombstones, holds: try await keys.holds(), spanOf: spanOf)
    }

    /// Destroys the keys due at `now` and not held; records a `retention.applied` entry first (also when nothing
    /// was due). Returns the tombstones left.
    @discardableResult
    public func apply(now: Date, spanOf: (SealingKeyID) -> RetentionSpan?) async throws -> [KeyTombstone] {
        let plan = try await plan(spanOf: spanOf)
        let due = plan.due(at: now)
        let held = plan.items.filter { $0.destroyed == nil && !$0.holds.isEmpty && ($0.due.map { $0 <= now } ?? false) }
        var entry = AuditEntry(event: .retentionApplied)
        entry.note =
            (due.isEmpty
                ? "retention applied: no key was due"
                : "retention applied: destroyed \(due.count) key(s), their texts are erased: "
                    + due.map(\.description).joined(separator: ", "))
            + (held.isEmpty
                ? "" : "; kept by a legal hold: " + held.map(\.id.description).joined(separator: ", "))
        let seq = try await record(entry)
        let at = AuditEntry.rfc3339(now)
        var tombstones: [KeyTombstone] = []
        for id in due {
            let tombstone = KeyTombstone(keyID: id.description, destroyedAt: at, entry: seq)
            try await keys.destroy(id, tombstone: tombstone)
            tombstones.append(tombstone)
        }
        return tombstones
    }

    /// Places a legal hold on `period` (one department's, or all) and records it. Returns the entry's number.
    @discardableResult
    public func hold(period: String, department: String?, reason: String, now: Date) async throws -> Int {
        let reason = try Self.check(period: period, department: department, reason: reason)
        let hold = RetentionHold(
            period: period, department: department, reason: reason, placedAt: AuditEntry.rfc3339(now))
        try await keys.addHold(hold)
        var entry = AuditEntry(event: .retentionHold)
        entry.note = "legal hold on \(Self.scope(period, department)): \(reason)"
        do {
            return try await record(entry)
        } catch {
            // Not recorded, so not placed: take it back (the log is the record of every hold).
            try? await keys.removeHold(hold)
            throw error
        }
    }

    /// Records the release of the holds on `period` (for `department`, or the whole-period ones), then removes them.
    /// Throws if there is none.
    @discardableResult
    public func release(period: String, department: String?, reason: String, now: Date) async throws
        -> [RetentionHold]
    {
        let reason = try Self.check(period: period, department: department, reason: reason)
        let matching = try await keys.holds().filter { $0.period == period && $0.department == department }
        guard !matching.isEmpty else {
            throw AuditLogError.unavailable("there is no legal hold on \(Self.scope(period, department))")
        }
        var entry = AuditEntry(event: .retentionRelease)
        entry.note = "legal hold released on \(Self.scope(period, department)): \(reason)"
        _ = try await record(entry)
        for hold in matching { try await keys.removeHold(hold) }
        return matching
    }

    static func scope(_ period: String, _ department: String?) -> String {
        department.map { "\(period), department \($0.debugDescription)" } ?? "\(period), all departments"
    }

    private static func check(period: String, department: String?, reason: String) throws(AuditLogError) -> String {
        guard SealingKeyID.isPeriod(period) else {
            throw AuditLogError.unavailable("\(period.debugDescription) is not a month (YYYY-MM)")
        }
        if let department, department.isEmpty || department.utf8.count > 256 {
            throw AuditLogError.unavailable("the department must be 1 to 256 bytes")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.utf8.count <= maxReasonBytes else {
            throw AuditLogError.unavailable("a reason of 1 to \(maxReasonBytes) bytes is required")
        }
        return reason
    }
}
