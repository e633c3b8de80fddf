import Foundation

/// Day and hour buckets as RFC 3339 prefixes (`2026-12-01`, `2026-12-01T05`), in UTC.
enum TimeBucket {
    /// The bucket after `bucket`, or nil if it is not a day or an hour.
    static func next(_ bucket: String) -> String? {
        let hour = bucket.count == 13
        guard bucket.count == 10 || hour else { return nil }
        let parts = bucket.split(whereSeparator: { $0 == "-" || $0 == "T" }).compactMap { Int($0) }
        guard parts.count == (hour ? 4 : 3) else { return nil }
        var t = tm()
        t.tm_year = Int32(parts[0] - 1900)
        t.tm_mon = Int32(parts[1] - 1)
        t.tm_mday = Int32(parts[2])
        t.tm_hour = hour ? Int32(parts[3]) : 0
        let seconds = timegm(&t) + (hour ? 3600 : 86_400)
        let text = rfc3339(seconds)
        return String(text.prefix(hour ? 13 : 10))
    }

    /// `seconds` since 1970 as RFC 3339 UTC without fractions: `2026-12-01T05:00:00Z`.
    static func rfc3339(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var t = tm()
        gmtime_r(&time, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T"
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2))Z"
    }

    /// The later of two time bounds (nil is no bound).
    static func later(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }

    /// The earlier of two time bounds (nil is no bound).
    static func earlier(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
