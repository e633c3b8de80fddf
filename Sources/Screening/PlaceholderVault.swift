import Crypto

/// The placeholders of one request (or one declared conversation): typed and numbered (`[EMAIL_ADDRESS_1]`), the
/// same value always getting the same placeholder within the scope.
///
/// A vault is a value: each request starts its own, so placeholders never mix across requests. Keyed pseudonyms
/// (rules with `redaction: pseudonym`) are the exception by design: with the same ``pseudonymKey`` a value gets the
/// same pseudonym in every request.
public struct PlaceholderVault: Sendable, Equatable {
    private var valueToPlaceholder: [String: String] = [:]
    private(set) var placeholderToValue: [String: String] = [:]
    private var counters: [String: Int] = [:]
    /// The length in bytes of the longest placeholder issued: how much output the restorer must hold back.
    public private(set) var longestPlaceholder = 0

    /// The secret for keyed pseudonyms; without one, pseudonym rules get numbered placeholders.
    public var pseudonymKey: SymmetricKey?

    public init(pseudonymKey: SymmetricKey? = nil) { self.pseudonymKey = pseudonymKey }

    /// The keyed pseudonym for `value` (`[ENTITY_` + the first 8 bytes of HMAC-SHA-256(key, entity NUL value) in upper-case hex
    /// + `]`), remembered for restoring; a numbered placeholder when the vault has no key.
    public mutating func pseudonym(for value: String, entity: String) -> String {
        guard let pseudonymKey else { return placeholder(for: value, entity: entity) }
        let key = entity + "\u{0}" + value
        if let existing = valueToPlaceholder[key] { return existing }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(key.utf8), using: pseudonymKey)
        let pseudonym = "[\(entity)_\(hexString(Array(mac).prefix(8)).uppercased())]"
        valueToPlaceholder[key] = pseudonym
        placeholderToValue[pseudonym] = value
        longestPlaceholder = max(longestPlaceholder, pseudonym.utf8.count)
        return pseudonym
    }

    /// The placeholder for `value` of type `entity`, issuing a new one if needed.
    public mutating func placeholder(for value: String, entity: String) -> String {
        let key = entity + "\u{0}" + value
        if let existing = valueToPlaceholder[key] { return existing }
        let number = (counters[entity] ?? 0) + 1
        counters[entity] = number
        let placeholder = "[\(entity)_\(number)]"
        valueToPlaceholder[key] = placeholder
        placeholderToValue[placeholder] = value
        longestPlaceholder = max(longestPlaceholder, placeholder.utf8.count)
        return placeholder
    }

    /// The original value behind a placeholder.
    public func value(for placeholder: String) -> String? { placeholderToValue[placeholder] }

    public var isEmpty: Bool { placeholderToValue.isEmpty }
    public var count: Int { placeholderToValue.count }

    /// Replaces every placeholder in a complete text by its value. For streams use ``PlaceholderRestorer``.
    /// With `jsonString`, values are escaped for the inside of a JSON string (for tool-call arguments).
    public func restore(_ text: String, jsonString: Bool = false) -> String {
        var restorer = PlaceholderRestorer(vault: self, jsonString: jsonString)
        return restorer.feed(text) + restorer.finish()
    }
}
