import JSONCore

/// Counts what retention erased in a log: the entries whose sealed texts name a destroyed key.
public enum RetentionCensus {
    /// The number of entries among the lines `reader` yields with a sealed text under one of `tombstones`' keys.
    /// Only lines that hold a sealed field are parsed; with no tombstone the log is not read at all.
    public static func erasedEntries(
        _ reader: any LogLineSource, tombstones: [String: KeyTombstone]
    ) throws(AuditLogError) -> Int {
        guard !tombstones.isEmpty else { return 0 }
        var count = 0
        let marker = Array("\"ct\":\"".utf8)
        try reader.forEachLine { line, _ in
            guard contains(line, marker), let entry = try? JSONParser.parse(line) else { return }
            let erased = SealedText.fields.contains { field in
                entry[field].flatMap(SealedText.keyID(of:)).map { tombstones[$0] != nil } ?? false
            }
            if erased { count += 1 }
        }
        return count
    }

    private static func contains(_ line: UnsafeRawBufferPointer, _ marker: [UInt8]) -> Bool {
        guard line.count >= marker.count else { return false }
        var i = 0
        while i <= line.count - marker.count {
            if line[i] == marker[0] {
                var j = 1
                while j < marker.count, line[i + j] == marker[j] { j += 1 }
                if j == marker.count { return true }
            }
            i += 1
        }
        return false
    }
}
