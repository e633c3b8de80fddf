import Crypto
import Foundation

/// Names the key that seals the free text of a month's entries of one department and one AI system:
/// `2026-12/it-dept/city-assistant`.
///
/// The department and system are buckets: a name of letters, digits, `.`, `_` and `-` (at most 64, not starting with
/// a dot or dash) is used as it is; any other name becomes `~` and 16 hex digits of its SHA-256, so no name can
/// reach a file name or a key id unescaped. An entry without a department or system uses the bucket `~none`.
public struct SealingKeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The UTC month, `YYYY-MM`.
    public let period: String
    /// The department's bucket.
    public let department: String
    /// The AI system's bucket.
    public let system: String

    /// The bucket of entries that name no department or system.
    public static let none = "~none"

    /// The key of the entries of `period` for `department` and `system` (names as the entry holds them).
    public init(period: String, department: String?, system: String?) {
        self.period = period
        self.department = Self.bucket(department)
        self.system = Self.bucket(system)
    }

    private init(period: String, departmentBucket: String, systemBucket: String) {
        self.period = period
        self.department = departmentBucket
        self.system = systemBucket
    }

    /// Reads a key id as ``description`` writes it; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, Self.isPeriod(parts[0]), Self.isBucket(parts[1]), Self.isBucket(parts[2]) else {
            return nil
        }
        self.init(period: parts[0], departmentBucket: parts[1], systemBucket: parts[2])
    }

    public var description: String { "\(period)/\(department)/\(system)" }

    /// The key's name in a folder of keys (no slash): `2026-12+it-dept+city-assistant`.
    public var fileName: String { "\(period)+\(department)+\(system)" }

    /// Reads ``fileName``.
    public init?(fileName: String) {
        self.init(parsing: fileName.replacingOccurrences(of: "+", with: "/"))
    }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }

    /// The bucket a department or system name falls in.
    public static func bucket(_ name: String?) -> String {
        guard let name else { return none }
        if isPlainName(name) { return name }
        return "~" + hexString(SHA256.hash(data: Array(name.utf8)).prefix(8))
    }

    /// The UTC month of `date`, `YYYY-MM`.
    public static func period(of date: Date) -> String { String(AuditEntry.rfc3339(date).prefix(7)) }

    /// Whether `text` is a month `YYYY-MM` (01 to 12).
    public static func isPeriod(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || (0x30...0x39).contains($0.element) }),
            let month = Int(text.suffix(2)), (1...12).contains(month)
        else { return false }
        return true
    }

    /// The first instant after `period` (a month): when its retention starts to run.
    public static func end(of period: String) -> Date? {
        guard isPeriod(period), let year = Int(period.prefix(4)), let month = Int(period.suffix(2)) else { return nil }
        return utcDate(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1)
    }

    static func utcDate(year: Int, month: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        return calendar.date(from: DateComponents(year: year, month: month, day: 1))
    }

    private static func isPlainName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), bytes[0] != UInt8(ascii: "."), bytes[0] != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    private static func isBucket(_ text: String) -> Bool {
        if text == none || isPlainName(text) { return true }
        let bytes = Array(text.utf8)
        return bytes.count == 17 && bytes[0] == UInt8(ascii: "~")
            && bytes.dropFirst().allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
