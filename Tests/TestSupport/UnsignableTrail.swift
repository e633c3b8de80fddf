import AuditLog

/// An audit log that appends but cannot sign: `Gate.start` fails on its first checkpoint, after the log (and the
/// gate) were made, which is how the tests see what a failed start leaves behind.
package final class UnsignableTrail: AuditTrail {
    package let inner: any AuditTrail
    package init(_ inner: any AuditTrail) { self.inner = inner }
    package var storeKind: String { inner.storeKind }
    package var startup: AuditTrailStartup { inner.startup }
    package func append(_ entry: AuditEntry) async throws -> AuditReceipt { try await inner.append(entry) }
    package func append(_ entry: AuditEntry, durableWithin delay: Duration) async throws -> AuditReceipt {
        try await inner.append(entry, durableWithin: delay)
    }
    package var size: Int { get async { await inner.size } }
    package var latestCheckpoint: String? { get async { await inner.latestCheckpoint } }
    package func writeCheckpoint() async throws -> String { throw AuditLogError.unavailable("cannot sign (test)") }
    package func startCheckpointTimer() async { await inner.startCheckpointTimer() }
    package func replaceSigningKeys(_ keys: [LogSigningKey]) async throws { try await inner.replaceSigningKeys(keys) }
    package func health() async -> AuditTrailHealth { await inner.health() }
    package func close() async throws { try await inner.close() }
}
