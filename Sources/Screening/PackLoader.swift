import Crypto
import Foundation
import Yams

/// Reads guideline packs from YAML, checking every field so a broken pack fails at load with file, line and column
/// and a message a rule author understands — never at request time.
public enum PackLoader {
    /// Loads every `*.yaml`/`*.yml` file directly in `directory`, in name order.
    public static func loadDirectory(_ directory: String) throws(PackError) -> [GuidelinePack] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PackError(
                file: directory, message: "cannot read the guidelines folder: \(error.localizedDescription)")
        }
        var packs: [GuidelinePack] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            packs.append(try loadFile((directory as NSString).appendingPathComponent(name)))
        }
        if packs.isEmpty { throw PackError(file: directory, message: "no guideline packs (*.yaml) in this folder") }
        return packs
    }

    /// Loads one pack file.
    public static func loadFile(_ path: String) throws(PackError) -> GuidelinePack {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError(file: path, message: "cannot read the file")
        }
        return try load(bytes: Array(data), origin: path)
    }

    /// Loads a pack from its YAML bytes; `origin` names it in errors.
    public static func load(bytes: [UInt8], origin: String) throws(PackError) -> GuidelinePack {
        let digest = hexString(SHA256.hash(data: bytes))
        if let pack = PackCache.load(digest: digest, origin: origin) { return pack }
        let root = try NodeReader.compose(bytes: bytes, origin: origin)
        var reader = NodeReader(origin: origin)
        let pack = try reader.pack(root, contentHash: digest)
        PackCache.store(pack, digest: digest)
        return pack
    }

    static func yamlError(_ error: YamlError, origin: String) -> PackError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return PackError(file: origin, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PackError(
                file: origin, line: context.mark.line, column: context.mark.column,
                message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return PackError(file: origin, message: "invalid YAML: \(error)")
        }
    }
}

/// Walks a YAML tree, turning each node into its field and each mistake into a `PackError` at its mark (file, line,
/// column). Used for guideline packs, and for the registry and policy files of the `PromptGate` module.
public struct NodeReader {
    public let origin: String

    public init(origin: String) { self.origin = origin }

    /// Parses YAML text into its root node, with errors at their line.
    public static func compose(bytes: [UInt8], origin: String) throws(PackError) -> Node {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PackError(file: origin, message: "the file is not valid UTF-8")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PackError(file: origin, line: 1, message: "the file is empty")
            }
            return node
        } catch let error as PackError {
            throw error
        } catch let error as YamlError {
            throw PackLoader.yamlError(error, origin: origin)
        } catch {
            throw PackError(file: origin, message: "invalid YAML: \(error)")
        }
    }

    public func fail(_ node: Node?, _ message: String) -> PackError {
        PackError(file: origin, line: node?.mark?.line, column: node?.mark?.column, message: message)
    }

    public func mapping(_ node: Node, _ what: String, allowed: Set<String>) throws(PackError) -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw fail(node, "\(what) must be a mapping (key: value)") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "\(what): keys must be text") }
            guard allowed.contains(name) else {
                throw fail(
                    key, "\(what): unknown key '\(name)' (expected one of: \(allowed.sorted().joined(separator: ", ")))"
                )
            }
            result[name] = value
        }
        return result
    }

    public func string(_ map: [String: Node], _ key: String, in what: String, parent: Node) throws(PackError) -> String
    {
        guard let node = map[key] else { throw fail(parent, "\(what) is missing '\(key)'") }
        guard case .scalar(let scalar) = node, !scalar.string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { throw fail(node, "\(what): '\(key)' must be non-empty text") }
        return scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func optionalString(_ map: [String: Node], _ key: String, in what: String) throws(PackError) -> String? {
        guard let node = map[key] else { return nil }
        guard case .scalar(let scalar) = node else { throw fail(node, "\(what): '\(key)' must be text") }
        return scalar.string
    }

    public func strings(_ map: [String: Node], _ key: String, in what: String) throws(PackError) -> [String] {
        guard let node = map[key] else { return [] }
        guard case .sequence(let sequence) = node else { throw fail(node, "\(what): '\(key)' must be a list") }
        var result: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else { throw fail(item, "\(what): '\(key)' items must be text") }
            result.append(scalar.string)
        }
        return result
    }

    /// A bool field, or `fallback`.
    public func bool(_ map: [String: Node], _ key: String, in what: String, default fallback: Bool) throws(PackError)
        -> Bool
    {
        guard let node = map[key] else { return fallback }
        guard let value = node.bool else { throw fail(node, "\(what): '\(key)' must be true or false") }
        return value
    }

    /// A field whose text must be one of `choices`.
    public func choice(_ map: [String: Node], _ key: String, in what: String, parent: Node, _ choices: [String])
        throws(PackError) -> String
    {
        let value = try string(map, key, in: what, parent: parent)
        guard choices.contains(value) else {
            throw fail(
                map[key], "\(what): '\(key)' is '\(value)' (expected one of: \(choices.joined(separator: ", ")))")
        }
        return value
    }

    mutating func pack(_ root: Node, contentHash: String) throws(PackError) -> GuidelinePack {
        let map = try mapping(root, "the pack", allowed: ["pack", "title", "version", "description", "rules"])
        let id = try string(map, "pack", in: "the pack", parent: root)
        let title = try string(map, "title", in: "the pack", parent: root)
        let version = try string(map, "version", in: "the pack", parent: root)
        guard let rulesNode = map["rules"], case .sequence(let ruleNodes) = rulesNode else {
            throw fail(map["rules"] ?? root, "the pack needs 'rules:', a list of rules")
        }
        var rules: [Rule] = []
        var seen: [String: Int] = [:]
        for node in ruleNodes {
            let rule = try self.rule(node)
            if let line = seen[rule.id] {
                throw fail(node, "rule id '\(rule.id)' is already used at line \(line)")
            }
            seen[rule.id] = node.mark?.line ?? 0
            rules.append(rule)
        }
        return GuidelinePack(
            id: id, title: title, version: version, rules: rules, origin: origin, contentHash: contentHash)
    }

    static let ruleKeys: Set<String> = [
        "id", "title", "category", "entity", "patterns", "case_insensitive", "keywords", "validator",
        "when_check_fails", "context", "allow", "action", "redaction", "priority", "message", "source", "examples",
    ]

    func rule(_ node: Node) throws(PackError) -> Rule {
        let map = try mapping(node, "a rule", allowed: Self.ruleKeys)
        let id = try string(map, "id", in: "a rule", parent: node)
        let what = "rule '\(id)'"
        let categoryText = try string(map, "category", in: what, parent: node)
        guard let category = RuleCategory(rawValue: categoryText) else {
            throw fail(
                map["category"],
                "\(what): unknown category '\(categoryText)' (expected one of: \(RuleCategory.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let actionText = try string(map, "action", in: what, parent: node)
        guard let action = RuleAction(rawValue: actionText) else {
            throw fail(
                map["action"], "\(what): unknown action '\(actionText)' (expected one of: block, redact, warn, log)")
        }
        let patterns = try strings(map, "patterns", in: what)
        let validator = try optionalString(map, "validator", in: what)
        if let validator, !Validators.exists(validator), Validators.graded[validator] == nil {
            let known = Set(Validators.names).union(Validators.graded.keys).sorted()
            throw fail(
                map["validator"], "\(what): unknown validator '\(validator)' (known: \(known.joined(separator: ", ")))")
        }
        // A recogniser finds its own candidates; any other rule needs a pattern to find them.
        if patterns.isEmpty && !Validators.recognizers.contains(validator ?? "") {
            throw fail(
                map["patterns"] ?? node,
                "\(what) needs at least one pattern (or a recogniser: \(Validators.recognizers.sorted().joined(separator: ", ")))"
            )
        }
        let whenCheckFails = try failedCheck(map, validator: validator, what: what)
        var redaction = RedactionStyle.placeholder
        if let r = map["redaction"] {
            guard let text = r.string, let style = RedactionStyle(rawValue: text) else {
                throw fail(
                    r,
                    "\(what): 'redaction' must be one of: \(RedactionStyle.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            redaction = style
        }
        var priority = 0
        if let p = map["priority"] {
            guard let value = p.int else { throw fail(p, "\(what): 'priority' must be a whole number") }
            priority = value
        }
        var caseInsensitive = false
        if let c = map["case_insensitive"] {
            guard let value = c.bool else { throw fail(c, "\(what): 'case_insensitive' must be true or false") }
            caseInsensitive = value
        }
        return Rule(
            id: id,
            title: try string(map, "title", in: what, parent: node),
            category: category,
            entity: try string(map, "entity", in: what, parent: node),
            patterns: patterns,
            caseInsensitive: caseInsensitive,
            keywords: try keywords(map["keywords"], what: what),
            validator: validator,
            whenCheckFails: whenCheckFails,
            context: try context(map["context"], what: what),
            allow: try strings(map, "allow", in: what),
            action: action,
            redaction: redaction,
            priority: priority,
            message: try string(map, "message", in: what, parent: node),
            source: try source(map["source"], what: what, parent: node),
            examples: try examples(map["examples"], what: what),
            location: "\(origin):\(node.mark?.line ?? 0)")
    }

    /// `keywords`: a non-empty list of non-empty text, one of which every match holds (see ``Rule/keywords``).
    func keywords(_ node: Node?, what: String) throws(PackError) -> [String] {
        guard let node else { return [] }
        guard case .sequence(let sequence) = node, !sequence.isEmpty else {
            throw fail(node, "\(what): 'keywords' must be a non-empty list of text")
        }
        var keywords: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, item.tag.description == Tag.Name.str.rawValue else {
                throw fail(item, "\(what): 'keywords' items must be text")
            }
            guard !scalar.string.isEmpty else { throw fail(item, "\(what): a keyword must not be empty") }
            keywords.append(scalar.string)
        }
        return keywords
    }

    /// `when_check_fails`: what a candidate the validator refuses is. Only a rule with a check (not a recogniser)
    /// may say; a value other than the known ones is refused at its line.
    func failedCheck(_ map: [String: Node], validator: String?, what: String) throws(PackError) -> FailedCheck {
        guard let node = map["when_check_fails"] else { return .notThisType }
        let choices = FailedCheck.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .scalar(let scalar) = node, let value = FailedCheck(rawValue: scalar.string) else {
            throw fail(
                node,
                "\(what): 'when_check_fails' is \(node.string.map { "'\($0)'" } ?? "not text") (expected one of: \(choices))"
            )
        }
        guard let validator, !Validators.recognizers.contains(validator) else {
            throw fail(
                node, "\(what): 'when_check_fails' needs a 'validator' with a check to fail (a recogniser has none)")
        }
        return value
    }

    func context(_ node: Node?, what: String) throws(PackError) -> ContextRule? {
        guard let node else { return nil }
        let map = try mapping(node, "\(what) context", allowed: ["words", "negative", "window", "required"])
        let words = try strings(map, "words", in: "\(what) context")
        let negative = try strings(map, "negative", in: "\(what) context")
        if words.isEmpty && negative.isEmpty { throw fail(node, "\(what): context needs 'words' or 'negative'") }
        var window = 48
        if let w = map["window"] {
            guard let value = w.int, value > 0, value <= 1000 else {
                throw fail(w, "\(what): context 'window' must be a number of bytes from 1 to 1000")
            }
            window = value
        }
        var required = !words.isEmpty
        if let r = map["required"] {
            guard let value = r.bool else { throw fail(r, "\(what): context 'required' must be true or false") }
            required = value
        }
        if required && words.isEmpty { throw fail(map["required"], "\(what): context 'required' needs 'words'") }
        return ContextRule(
            words: words.map { $0.lowercased() }, negative: negative.map { $0.lowercased() }, window: window,
            required: required)
    }

    func source(_ node: Node?, what: String, parent: Node) throws(PackError) -> RuleSource {
        guard let node else { throw fail(parent, "\(what) must cite its 'source' (title and url)") }
        let map = try mapping(node, "\(what) source", allowed: ["title", "url", "clause"])
        return RuleSource(
            title: try string(map, "title", in: "\(what) source", parent: node),
            url: try string(map, "url", in: "\(what) source", parent: node),
            clause: try optionalString(map, "clause", in: "\(what) source"))
    }

    func examples(_ node: Node?, what: String) throws(PackError) -> RuleExamples {
        guard let node else { return RuleExamples(match: [], noMatch: []) }
        let map = try mapping(node, "\(what) examples", allowed: ["match", "no_match"])
        return RuleExamples(
            match: try strings(map, "match", in: "\(what) examples"),
            noMatch: try strings(map, "no_match", in: "\(what) examples"))
    }
}
