import Foundation
import Screening
import Yams

/// Whether blocks are enforced, or only recorded (for roll-outs).
public enum PolicyMode: String, Sendable, CaseIterable {
    /// Blocks stop the request.
    case enforce
    /// Nothing is blocked; what would have been blocked is recorded in the audit log.
    case monitor
}

/// How one department's requests are screened.
public struct DepartmentRule: Sendable, Equatable {
    public var id: String
    /// The packs that run for this department (nil: all loaded packs).
    public var packs: [String]?
    public var mode: PolicyMode?
    /// Whether parts that cannot be screened as text (images, audio, PDF) may leave for this department (nil: the
    /// proxy's setting).
    public var unscreenedParts: UnscreenedPartsPolicy? = nil
    /// What happens to findings in this department's answers, by rule id or category (wins over the policy's).
    public var answers: [String: RuleAction] = [:]
    /// Per-rule actions that replace the rule's own.
    public var overrides: [String: RuleAction]
}

/// The city's policy file: a default mode, and per-department packs, overrides and modes.
///
/// ```yaml
/// policy: city-default
/// version: "2026.11.1"
/// mode: enforce
/// departments:
///   - id: social-services
///     packs: [personal-data, prohibited-uses]
///     mode: monitor
///     overrides: {phone-nanp: block}
/// ```
public struct DepartmentPolicies: Sendable, Equatable {
    public var id: String
    public var version: String
    public var mode: PolicyMode
    public var departments: [DepartmentRule]
    /// What happens to findings in answers, by rule id or category (`answers:` in the file; wins over the proxy's
    /// defaults).
    public var answers: [String: RuleAction] = [:]

    public init(id: String, version: String, mode: PolicyMode, departments: [DepartmentRule]) {
        self.id = id
        self.version = version
        self.mode = mode
        self.departments = departments
    }

    /// The rule for `department`, if it has one.
    public func rule(for department: String?) -> DepartmentRule? {
        department.flatMap { d in departments.first { $0.id == d } }
    }

    /// Whether unscreenable parts may leave for `department`, if its rule says.
    public func unscreenedParts(for department: String?) -> UnscreenedPartsPolicy? {
        rule(for: department)?.unscreenedParts
    }

    /// The mode in force for `department`.
    public func mode(for department: String?) -> PolicyMode { rule(for: department)?.mode ?? mode }

    /// `city-default@2026.11.1`, plus the department and mode, for audit entries.
    public func label(for department: String?) -> String {
        var text = "\(id)@\(version)"
        if let rule = rule(for: department) { text += " dept \(rule.id)" }
        return text + " (\(mode(for: department).rawValue))"
    }

    /// Loads and checks a policy file against the packs in force: unknown packs or rules are errors at their line.
    public static func load(path: String, packs: [GuidelinePack]) throws(PackError) -> DepartmentPolicies {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PackError(file: path, message: "cannot read the file")
        }
        let root = try NodeReader.compose(bytes: Array(data), origin: path)
        let r = NodeReader(origin: path)
        let map = try r.mapping(root, "the policy", allowed: ["policy", "version", "mode", "departments", "answers"])
        let packIDs = Set(packs.map(\.id))
        let ruleIDs = Set(packs.flatMap(\.rules).map(\.id))
        var departments: [DepartmentRule] = []
        if let node = map["departments"] {
            guard case .sequence(let items) = node else { throw r.fail(node, "'departments' must be a list") }
            for item in items {
                let d = try r.mapping(
                    item, "a department", allowed: ["id", "packs", "mode", "overrides", "unscreened_parts", "answers"])
                let id = try r.string(d, "id", in: "a department", parent: item)
                var packsList: [String]?
                if d["packs"] != nil {
                    let list = try r.strings(d, "packs", in: "department '\(id)'")
                    for pack in list where !packIDs.contains(pack) {
                        throw r.fail(
                            d["packs"],
                            "department '\(id)': unknown pack '\(pack)' (loaded: \(packIDs.sorted().joined(separator: ", ")))"
                        )
                    }
                    packsList = list
                }
                var overrides: [String: RuleAction] = [:]
                if let o = d["overrides"] {
                    guard case .mapping(let pairs) = o else {
                        throw r.fail(o, "department '\(id)': 'overrides' maps rule ids to actions")
                    }
                    for (key, value) in pairs {
                        guard let rule = key.string, ruleIDs.contains(rule) else {
                            throw r.fail(key, "department '\(id)': unknown rule '\(key.string ?? "?")' in overrides")
                        }
                        guard let action = value.string.flatMap(RuleAction.init(rawValue:)) else {
                            throw r.fail(
                                value, "department '\(id)': the action for '\(rule)' must be block, redact, warn or log"
                            )
                        }
                        overrides[rule] = action
                    }
                }
                let mode: PolicyMode? =
                    d["mode"] == nil ? nil : try Registry.choose(r, d, "mode", in: "department '\(id)'", parent: item)
                var department = DepartmentRule(id: id, packs: packsList, mode: mode, overrides: overrides)
                if d["unscreened_parts"] != nil {
                    department.unscreenedParts = try Registry.choose(
                        r, d, "unscreened_parts", in: "department '\(id)'", parent: item)
                }
                if let node = d["answers"] {
                    department.answers = try answerActions(node, r, ruleIDs: ruleIDs, in: "department '\(id)'")
                }
                departments.append(department)
            }
        }
        var policies = DepartmentPolicies(
            id: try r.string(map, "policy", in: "the policy", parent: root),
            version: try r.string(map, "version", in: "the policy", parent: root),
            mode: map["mode"] == nil ? .enforce : try Registry.choose(r, map, "mode", in: "the policy", parent: root),
            departments: departments)
        if let node = map["answers"] {
            policies.answers = try answerActions(node, r, ruleIDs: ruleIDs, in: "the policy")
        }
        return policies
    }

    /// An `answers:` map: rule ids or categories to actions, each checked at its line.
    private static func answerActions(
        _ node: Node, _ r: NodeReader, ruleIDs: Set<String>, in what: String
    ) throws(PackError) -> [String: RuleAction] {
        guard case .mapping(let pairs) = node else {
            throw r.fail(node, "\(what): 'answers' maps rule ids or categories to actions")
        }
        var actions: [String: RuleAction] = [:]
        for (key, value) in pairs {
            guard let name = key.string, ruleIDs.contains(name) || RuleCategory(rawValue: name) != nil else {
                throw r.fail(key, "\(what): '\(key.string ?? "?")' in answers is neither a rule id nor a category")
            }
            guard let action = value.string.flatMap(RuleAction.init(rawValue:)) else {
                throw r.fail(value, "\(what): the answer action for '\(name)' must be block, redact, warn or log")
            }
            actions[name] = action
        }
        return actions
    }
}
