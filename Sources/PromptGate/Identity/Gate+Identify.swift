import Foundation

extension Gate {
    /// Who is calling, from the key the client presented.
    public enum Identification: Sendable, Equatable {
        /// No users file is configured: requests are anonymous.
        case anonymous
        case user(ProxyUser)
        /// A users file is configured and the key is missing or unknown: answer 401.
        case rejected
    }

    /// Identifies a caller by its proxy key, taken from `Authorization: Bearer …` (OpenAI clients) or `x-api-key`
    /// (Anthropic clients). The key itself is never recorded.
    public func identify(authorization: String?, apiKey: String?) -> Identification {
        guard let users = configuration.users else { return .anonymous }
        var key = apiKey ?? ""
        if let authorization, authorization.lowercased().hasPrefix("bearer ") {
            key = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return users.user(forKey: key).map { .user($0) } ?? .rejected
    }
}
