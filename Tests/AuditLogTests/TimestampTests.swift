import Foundation
import TestSupport
import Testing

@testable import AuditLog

@Suite("AuditLog: the time stamp of a log line")
struct TimestampTests {
    /// The stamp as the log wrote it before the digits were written as bytes: padded strings.
    static func padded(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }

    @Test("RFC 3339 in UTC with milliseconds, the same bytes as ever, from 1970 to 9999 and outside")
    func sameStamps() {
        let fixed: [(Double, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (1_796_083_097.709, "2026-11-30T23:58:17.709Z"),
            (1_798_761_599.999, "2026-12-31T23:59:59.999Z"), (951_782_400.5, "2000-02-29T00:00:00.500Z"),
        ]
        for (seconds, text) in fixed {
            #expect(AuditEntry.rfc3339(Date(timeIntervalSince1970: seconds)) == text)
        }
        var random = SplitMix(seed: 18)
        // Up to the year 9999, then past it and before 1970 (the general path).
        for bound in [253_402_300_799.0, 400_000_000_000.0] {
            for _ in 0..<3000 {
                let seconds = Double(random.below(Int(bound * 1000))) / 1000
                let date = Date(timeIntervalSince1970: seconds)
                #expect(AuditEntry.rfc3339(date) == Self.padded(date))
            }
        }
        for seconds in [-1.0, -0.001, -86_400.25, -62_135_596_800.0] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(AuditEntry.rfc3339(date) == Self.padded(date))
        }
    }
}
