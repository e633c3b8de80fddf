import Foundation

/// The time the audit log stamps on entries and seals texts by.
///
/// Debug builds only — the ones the tests run — read `PROMPTGATE_TEST_NOW` (RFC 3339, e.g. `2026-10-15T09:00:00Z`)
/// so a test can write entries in past months and apply retention to them. Release builds ignore it: the log's
/// time is always the host's clock.
public enum AuditClock {
    /// Now, or the test's fixed time in a debug build.
    public static func now() -> Date {
        #if DEBUG
            if let fixed = testNow { return fixed }
        #endif
        return Date()
    }

    #if DEBUG
        private static let testNow: Date? = ProcessInfo.processInfo.environment["PROMPTGATE_TEST_NOW"].flatMap {
            ISO8601DateFormatter().date(from: $0)
        }
    #endif
}
