import JSONCore
import Providers
import Screening

extension ChatWire {
    /// Applies `transform` (text, whether it is JSON) to every text of a complete answer; returns the texts as the
    /// upstream sent them.
    func transformAnswer(_ body: inout JSONValue, _ transform: (String, Bool) -> String) -> [String] {
        switch self {
        case .openAIChat: return OpenAIChat.transformResponse(&body, transform)
        case .anthropicMessages: return AnthropicMessages.transformResponse(&body) { transform($0, false) }
        case .openAIEmbeddings: return []
        case .openAIResponses: return OpenAIResponses.transformResponse(&body, transform)
        case .ollamaChat: return OllamaChat.transformResponse(&body) { transform($0, false) }
        }
    }

    /// The protocol's stream rewriter with a transformer that screens the answer and restores placeholders.
    func answerStreamRewriter(
        vault: PlaceholderVault, answers: AnswerScreening, holdBack: Int, loggedTextLimit: Int
    ) -> any ChatStreamRewriting & Sendable {
        let transformer = PlaceholderStreamTransformer(
            vault: vault, answers: answers, holdBack: holdBack, logsWholeTexts: self == .ollamaChat)
        let limit = loggedTextLimit
        switch self {
        case .openAIChat, .openAIEmbeddings:
            return OpenAIChatStreamRewriter(transformer: transformer, loggedTextLimit: limit)
        case .anthropicMessages:
            return AnthropicMessagesStreamRewriter(transformer: transformer, loggedTextLimit: limit)
        case .openAIResponses: return OpenAIResponsesStreamRewriter(transformer: transformer, loggedTextLimit: limit)
        case .ollamaChat: return OllamaChatStreamRewriter(transformer: transformer, loggedTextLimit: limit)
        }
    }
}
