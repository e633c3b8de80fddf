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

    /// The protocol's stream rewriter with a transformer that screens the answer, restores placeholders and keeps
    /// the answer's text for the audit log (up to `loggedTextLimit` bytes).
    func answerStreamRewriter(
        vault: PlaceholderVault, answers: AnswerScreening, holdBack: Int, loggedTextLimit: Int
    ) -> any ChatStreamRewriting<PlaceholderStreamTransformer> & Sendable {
        let transformer = PlaceholderStreamTransformer(
            vault: vault, answers: answers, holdBack: holdBack, loggedTextLimit: loggedTextLimit)
        switch self {
        case .openAIChat, .openAIEmbeddings: return OpenAIChatStreamRewriter(transformer: transformer)
        case .anthropicMessages: return AnthropicMessagesStreamRewriter(transformer: transformer)
        case .openAIResponses: return OpenAIResponsesStreamRewriter(transformer: transformer)
        case .ollamaChat: return OllamaChatStreamRewriter(transformer: transformer)
        }
    }
}
