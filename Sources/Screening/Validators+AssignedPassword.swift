extension Validators {
    /// The check of a value assigned to a password or key name (`password-assignment` in the credentials pack).
    static let assignedPassword: [String: Check] = [
        "assigned-password": isAssignedPassword
    ]

    /// Type names that follow a password field's name in a declaration (`apiKey: String`), not a password.
    static let secretTypeNames: Set<Substring> = [
        "String", "string", "String?", "string?", "Secret", "SecretString", "SecureString", "Optional<String>",
        "Option<String>", "Password", "Credential", "Credentials",
    ]

    /// Characters around a value or ending the match: a `Set`, since in a string "\r\n" would be one character and a
    /// lone "\n" not in it.
    static let valueEnds: Set<Character> = [" ", "\t", "\r", "\n", "\r\n", "\"", "'", ",", ";"]

    /// A value after `password =`, `secret:`, `api_key=` … that is the secret itself, not code or a stand-in that says
    /// where the secret is kept: not a code fence or backtick (`secret:` ending a sentence before a code block), not an
    /// `<…>` placeholder, not a `${…}`, `$(…)`, `{{…}}` or `$ENV_NAME` reference, not a call or subscript on a dotted name
    /// (`config.string(forKey:`, `ProcessInfo.processInfo.environment[`) or a bare call whose argument is quoted
    /// (`getenv("DB_PASSWORD")`), and not a type name after a colon (`apiKey: String`). `Zomer(2024)!` is a password.
    static let isAssignedPassword: Check = { text in
        guard let separator = text.firstIndex(where: { $0 == ":" || $0 == "=" }) else { return true }
        // The value, without the quotes and spaces around it or the character that ended the match.
        var value = text[text.index(after: separator)...].drop { " \t\"'".contains($0) }
        while let last = value.last, valueEnds.contains(last) { value = value.dropLast() }
        guard let first = value.first else { return false }
        if first == "`" || first == "<" { return false }
        if value.hasPrefix("${") || value.hasPrefix("$(") || value.hasPrefix("{{") { return false }
        // `$DB_PASSWORD` names an environment variable; `$unshine2024` is a password.
        if first == "$", value.count > 1, value.dropFirst().allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) {
            return false
        }
        if text[separator] == ":", secretTypeNames.contains(value) { return false }
        // An identifier chain (a.b.c) right before '(' or '['.
        var dots = 0
        var index = value.startIndex
        var atStart = true
        while index < value.endIndex {
            let c = value[index]
            if c.isLetter || c == "_" || (!atStart && c.isNumber) {
                atStart = false
            } else if c == ".", !atStart {
                dots += 1
                atStart = true
            } else {
                break
            }
            index = value.index(after: index)
        }
        if index < value.endIndex, !atStart, value[index] == "(" || value[index] == "[" {
            // A call on a dotted name is code; so is a bare call whose argument the match stops at (a quote).
            if dots > 0 || value.index(after: index) == value.endIndex { return false }
        }
        return true
    }
}
