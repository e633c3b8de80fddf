import Providers
import Screening

/// What the gate does to every piece of a streamed answer, slot by slot (each choice's content, each tool call's
/// arguments), with the request's own vault: the upstream's text is first screened for answer findings
/// (``AnswerStreamScreen``, which holds back the end of each piece until it is settled), then its placeholders are
/// restored — and the audit log's copy of the answer is kept, from the same screening as what is delivered, so the
/// two cannot drift apart.
struct PlaceholderStreamTransformer: StreamTextTransformer, Sendable {
    let vault: PlaceholderVault
    var restorers: [StreamSlot: PlaceholderRestorer] = [:]
    /// The answer's screening; nil: restore only, and log the upstream's text as it is.
    let answers: AnswerScreening?
    var screens: [StreamSlot: AnswerStreamScreen] = [:]
    let holdBack: Int
    /// The answer's text for the audit log: screened (every answer finding a placeholder), placeholders not restored.
    private(set) var logged: LoggedText

    init(
        vault: PlaceholderVault, answers: AnswerScreening? = nil, holdBack: Int = 256,
        loggedTextLimit: Int = LoggedText.defaultLimit
    ) {
        self.vault = vault
        self.answers = answers
        self.holdBack = holdBack
        self.logged = LoggedText(limit: loggedTextLimit)
    }

    mutating func transform(_ piece: String, in slot: StreamSlot) -> String {
        var screened = piece
        if let answers {
            let out = screens[slot, default: AnswerStreamScreen(answers: answers, holdBack: holdBack)].feed(piece)
            logged.append(out.logged, to: slot)
            screened = out.delivered
        } else {
            logged.append(piece, to: slot)
        }
        return restorers[slot, default: PlaceholderRestorer(vault: vault, jsonString: slot.isJSON)].feed(screened)
    }

    mutating func finish(_ slot: StreamSlot) -> String {
        var screened = ""
        if var screen = screens.removeValue(forKey: slot) {
            let out = screen.finish()
            logged.append(out.logged, to: slot)
            screened = out.delivered
        }
        guard var restorer = restorers.removeValue(forKey: slot) else {
            return screened.isEmpty ? "" : vault.restore(screened, jsonString: slot.isJSON)
        }
        return restorer.feed(screened) + restorer.finish()
    }

    mutating func transformWhole(_ text: String, in slot: StreamSlot) -> String {
        var screened = text
        if let answers {
            // Values already recorded from the streamed text are not counted again.
            let out = answers.screenWhole(text, dedupe: true)
            logged.append(out.logged, to: slot)
            screened = out.delivered
        } else {
            logged.append(text, to: slot)
        }
        return vault.restore(screened, jsonString: slot.isJSON)
    }

    mutating func transformRepeat(_ text: String, kind: StreamSlot.Kind) -> String {
        guard let answers else { return vault.restore(text, jsonString: kind == .json) }
        // A repeated text was counted and logged from its deltas; only values not seen there are recorded.
        let delivered = answers.screenWhole(text, dedupe: true).delivered
        return vault.restore(delivered, jsonString: kind == .json)
    }
}
