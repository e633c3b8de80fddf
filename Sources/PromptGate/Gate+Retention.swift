import AuditLog
import Foundation

extension Gate {
    /// `entry` with the key that will seal its texts attached: the key of this month, the entry's department and its
    /// AI system (created on first use). If retention already destroyed that key (a clock set back past a period that
    /// was erased), the texts are not kept and the note says so: they are never written in the clear.
    func sealed(_ entry: AuditEntry) async throws -> AuditEntry {
        guard entry.promptRedacted != nil || entry.responseRedacted != nil else { return entry }
        var entry = entry
        let id = SealingKeyID(
            period: SealingKeyID.period(of: AuditClock.now()), department: entry.department, system: entry.system)
        if let key = try await retentionKeys.key(for: id) {
            entry.seal = TextSeal(keyID: id, key: key)
        } else {
            entry.promptRedacted = nil
            entry.responseRedacted = nil
            entry.note =
                ([entry.note].compactMap { $0 } + [
                    "texts not kept: the key of \(id) was destroyed by retention"
                ]).joined(separator: " ")
        }
        return entry
    }
}
