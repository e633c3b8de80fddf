import Foundation

/// The files of a log in a folder: rolled segments `audit-<first seq, 12 digits>.log`, then the active `audit.log`.
/// Concatenated in this order they are the whole log, line for line (`cat audit-*.log audit.log`).
public enum LogSegments {
    public static let activeName = "audit.log"

    /// The segment files in order, oldest first; the active segment last if it exists.
    public static func list(directory: String) throws(AuditLogError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw AuditLogError.io(path: directory, reason: "cannot list the log folder: \(error.localizedDescription)")
        }
        var paths = names.filter { isRolledName($0) }.sorted().map { directory + "/" + $0 }
        if names.contains(activeName) { paths.append(directory + "/" + activeName) }
        return paths
    }

    /// The name a segment gets when it is rolled: its first entry's sequence number, zero-padded.
    static func rolledName(firstSeq: Int) -> String {
        let digits = String(firstSeq)
        return "audit-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".log"
    }

    static func isRolledName(_ name: String) -> Bool {
        name.hasPrefix("audit-") && name.hasSuffix(".log") && name.count == 22
            && name.dropFirst(6).prefix(12).allSatisfy(\.isNumber)
    }

    /// Resolves what an auditor passed: a folder (its segments) or files (as given).
    public static func resolve(_ paths: [String]) throws(AuditLogError) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                out += try list(directory: path)
            } else {
                out.append(path)
            }
        }
        return out
    }
}
