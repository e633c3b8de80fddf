import Providers
import Screening

/// Screens and restores each stream slot separately (each choice's content, each tool call's arguments), with the
/// request's own vault: the upstream's text is first screened for answer findings (``AnswerStreamScreen``, which
/// holds back the end of each piece until it is settled), then its placeholders are restored.
struct PlaceholderStreamTransformer: StreamTextTransformer, Sendable {
    let vault: PlaceholderVault
    var restorers: [String: PlaceholderRestorer] = [:]
    /// The answer's screening; nil: restore only.
    let answers: AnswerScreening?
    var screens: [String: AnswerStreamScreen] = [:]
    let holdBack: Int
    /// Whether whole texts (Ollama's tool calls) are the only copy of their text and go into the log; false for
    /// protocols that repeat streamed text whole (Responses), which is logged from its deltas.
    let logsWholeTexts: Bool

    init(vault: PlaceholderVault, answers: AnswerScreening? = nil, holdBack: Int = 256, logsWholeTexts: Bool = false) {
        self.vault = vault
        self.answers = answers
        self.holdBack = holdBack
        self.logsWholeTexts = logsWholeTexts
    }

    mutating func transform(_ text: String, slot: String) -> String {
        // Tool-call arguments (`0.tool.1` in OpenAI streams, `2.json` in Anthropic ones) are JSON text.
        let json = slot.hasSuffix(".json") || slot.contains(".tool.")
        var screened = text
        if let answers {
            screened = screens[slot, default: AnswerStreamScreen(answers: answers, slot: slot, holdBack: holdBack)]
                .feed(text)
        }
        return restorers[slot, default: PlaceholderRestorer(vault: vault, jsonString: json)].feed(screened)
    }

    mutating func finish(slot: String) -> String {
        let screened =
            screens.removeValue(forKey: slot).map { screen in
                var screen = screen
                return screen.finish()
            } ?? ""
        guard var restorer = restorers.removeValue(forKey: slot) else {
            return screened.isEmpty
                ? "" : vault.restore(screened, jsonString: slot.hasSuffix(".json") || slot.contains(".tool."))
        }
        return restorer.feed(screened) + restorer.finish()
    }

    func transformWhole(_ text: String, json: Bool) -> String {
        guard let answers else { return vault.restore(text, jsonString: json) }
        // A repeated text was counted from its deltas; only values not seen there are recorded.
        let (delivered, logged) = answers.screenWhole(text, dedupe: true)
        if logsWholeTexts { answers.appendLogged(logged, slot: "tools") }
        return vault.restore(delivered, jsonString: json)
    }
}
