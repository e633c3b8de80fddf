/// One message of a conversation, for the typed API (``Gate/chat(model:messages:context:)``).
public struct ChatMessage: Sendable, Hashable {
    /// Who speaks: the instructions (`system`), the employee (`user`) or the model's earlier answers (`assistant`).
    public enum Role: String, Sendable, Hashable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    /// Instructions to the model.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    /// What the employee asks.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    /// An earlier answer of the model.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}
