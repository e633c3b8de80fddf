import AuditLog
import Foundation
import JSONCore

/// The audit log of a gate's data folder as tests read it: texts are sealed, so checks for a raw value look at the
/// stored lines and at the same lines with their texts opened, and checks of a text read it opened.
enum OpenedLog {
    /// The log's entries with their sealed texts opened (strings again).
    static func entries(_ directory: String, keys: any RetentionKeyStore) async throws -> [JSONValue] {
        let ring = try await keys.ring()
        return try String(contentsOfFile: directory + "/audit.log", encoding: .utf8).split(separator: "\n")
            .map { SealedText.openedLine(try JSONParser.parse(String($0)), ring: ring) }
    }

    /// The log's lines with their texts opened: every field of the stored lines, each sealed text as its text.
    static func text(_ directory: String, keys: any RetentionKeyStore) async throws -> String {
        try await entries(directory, keys: keys).map { $0.serialized() + "\n" }.joined()
    }
}
