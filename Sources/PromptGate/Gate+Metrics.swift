import AuditLog

extension Gate {
    /// The metrics in Prometheus' text format, with the audit store's state (signer lease, replication lag) read
    /// now: what `GET /metrics` serves.
    public func metricsExposition() async -> [UInt8] {
        metrics.auditHealth(store: auditLog.storeKind, await auditLog.health())
        return metrics.exposition()
    }
}
