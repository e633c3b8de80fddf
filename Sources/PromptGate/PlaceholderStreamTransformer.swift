import Providers
import Screening

/// Restores placeholders in each stream slot separately (each choice's content, each tool call's arguments), with
/// the request's own vault.
struct PlaceholderStreamTransformer: StreamTextTransformer, Sendable {
    let vault: PlaceholderVault
    var restorers: [String: PlaceholderRestorer] = [:]

    init(vault: PlaceholderVault) { self.vault = vault }

    mutating func transform(_ text: String, slot: String) -> String {
        restorers[slot, default: PlaceholderRestorer(vault: vault)].feed(text)
    }

    mutating func finish(slot: String) -> String {
        guard var restorer = restorers.removeValue(forKey: slot) else { return "" }
        return restorer.finish()
    }
}
