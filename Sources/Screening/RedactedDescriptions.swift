/// Findings and vaults hold residents' values: printing, `dump` and debuggers show what they are about, never the
/// values themselves, so a log line or a crash report written by a tool built on PromptGate cannot leak them.
extension Finding: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `us-ssn US_SSN redact bytes 4..<15 (confidence 0.95)`: no value.
    public var description: String {
        "\(ruleID) \(entity) \(action.rawValue) bytes \(start)..<\(end) (confidence \(confidence))"
    }

    public var debugDescription: String { "Finding(\(description))" }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "ruleID": ruleID, "entity": entity, "category": category, "action": action, "start": start,
                "end": end, "confidence": confidence, "value": "<redacted>",
            ], displayStyle: .struct)
    }
}

extension PlaceholderVault: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `PlaceholderVault(3 placeholders)`: how many, never which values.
    public var description: String { "PlaceholderVault(\(placeholderToValue.count) placeholders)" }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["placeholders": placeholderToValue.count], displayStyle: .struct)
    }
}
