import Providers
import Screening

/// Restores placeholders in each stream slot separately (each choice's content, each tool call's arguments), with
/// the request's own vault.
struct PlaceholderStreamTransformer: StreamTextTransformer, Sendable {
    let vault: PlaceholderVault
    var restorers: [String: PlaceholderRestorer] = [:]

    init(vault: PlaceholderVault) { self.vault = vault }

    mutating func transform(_ text: String, slot: String) -> String {
        // Tool-call arguments (`0.tool.1` in OpenAI streams, `2.json` in Anthropic ones) are JSON text.
        let json = slot.hasSuffix(".json") || slot.contains(".tool.")
        return restorers[slot, default: PlaceholderRestorer(vault: vault, jsonString: json)].feed(text)
    }

    mutating func finish(slot: String) -> String {
        guard var restorer = restorers.removeValue(forKey: slot) else { return "" }
        return restorer.finish()
    }

    func transformWhole(_ text: String, json: Bool) -> String { vault.restore(text, jsonString: json) }
}
