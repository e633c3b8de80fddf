import AuditLog
import Foundation

/// Which witnesses must cosign a checkpoint before it counts, in the C2SP tlog-policy format
/// (c2sp.org/tlog-policy):
///
/// ```
/// log city.example/promptgate+a45f2696+ATOi…
/// witness auditor auditor.city.example/witness+1c2d3e4f+BO…  http://auditor.city.example:8788
/// witness clerk   clerk.city.example/witness+5a6b7c8d+BP…    http://clerk.city.example:8788
/// group both 2 auditor clerk
/// quorum both
/// ```
///
/// `log <vkey> [url]`, `witness <name> <vkey> [url]`, `group <name> all|any|<k> <member>…` and exactly one
/// `quorum <name>|none`; `#` starts a comment. A group or the quorum names only witnesses and groups defined above
/// it; each name is a member at most once per group. The proxy submits to the witnesses that have a URL.
public struct WitnessPolicy: Sendable {
    /// A witness the policy names.
    public struct Witness: Sendable, Equatable {
        /// Its name in the policy (the witness's key carries its own name too).
        public var name: String
        /// Its cosigning verifier key (type 0x04).
        public var key: CosignerVerifierKey
        /// Its submission prefix (`POST <url>/add-checkpoint`), if the policy gives one.
        public var url: String?

        /// A witness called `name` in the policy, with its key and submission prefix.
        public init(name: String, key: CosignerVerifierKey, url: String? = nil) {
            self.name = name
            self.key = key
            self.url = url
        }
    }

    /// A rule: a witness, or at least `threshold` of `members` (each a rule).
    public indirect enum Rule: Sendable, Equatable {
        /// No cosignature needed (`quorum none`).
        case none
        /// This witness (by its index in ``WitnessPolicy/witnesses``) must have cosigned.
        case witness(Int)
        /// At least `threshold` of the members must hold.
        case group(name: String, threshold: Int, members: [Rule])
    }

    /// The logs the policy accepts (their verifier keys), with their URLs.
    public var logs: [(key: LogVerifierKey, url: String?)]
    /// The witnesses, in the order they are defined.
    public var witnesses: [Witness]
    /// The quorum rule.
    public var quorum: Rule

    /// A policy from its parts (a flat `threshold`-of-`witnesses` quorum from the command line, for instance).
    ///
    /// - Parameters:
    ///   - logs: The accepted logs' verifier keys and URLs.
    ///   - witnesses: The witnesses.
    ///   - quorum: The quorum rule over `witnesses`.
    public init(logs: [(key: LogVerifierKey, url: String?)] = [], witnesses: [Witness], quorum: Rule) {
        self.logs = logs
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// Whether the witnesses whose indices are in `cosigned` satisfy the quorum.
    public func isSatisfied(by cosigned: Set<Int>) -> Bool { Self.holds(quorum, cosigned) }

    private static func holds(_ rule: Rule, _ cosigned: Set<Int>) -> Bool {
        switch rule {
        case .none: return true
        case .witness(let index): return cosigned.contains(index)
        case .group(_, let threshold, let members):
            return members.filter { holds($0, cosigned) }.count >= threshold
        }
    }

    /// The quorum in words, e.g. `2 of (auditor, clerk)`.
    public var quorumDescription: String { describe(quorum) }

    private func describe(_ rule: Rule) -> String {
        switch rule {
        case .none: return "none"
        case .witness(let index): return witnesses[index].name
        case .group(_, let threshold, let members):
            return "\(threshold) of (\(members.map(describe).joined(separator: ", ")))"
        }
    }

    /// Reads a policy file.
    public static func load(path: String) throws(ConfigurationError) -> WitnessPolicy {
        let text: String?
        do {
            text = try BoundedFile.text(path, limit: 1 << 20)
        } catch {
            throw ConfigurationError(file: path, message: "\(error)")
        }
        guard let text else { throw ConfigurationError(file: path, message: "cannot read the witness policy file") }
        return try parse(text, file: path)
    }

    /// Parses the text of a policy file; errors name `file` and the line.
    public static func parse(_ text: String, file: String? = nil) throws(ConfigurationError) -> WitnessPolicy {
        var logs: [(key: LogVerifierKey, url: String?)] = []
        var witnesses: [Witness] = []
        var rules: [String: Rule] = ["none": .none]
        var quorum: Rule?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            func fail(_ message: String) -> ConfigurationError {
                ConfigurationError(file: file, line: index + 1, message: message)
            }
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = fields.first, !keyword.hasPrefix("#") else { continue }
            switch keyword {
            case "log":
                guard fields.count == 2 || fields.count == 3 else { throw fail("expected: log <vkey> [<url>]") }
                let key: LogVerifierKey
                do { key = try LogVerifierKey(text: fields[1]) } catch { throw fail("\(error)") }
                guard !logs.contains(where: { $0.key.publicKey == key.publicKey }) else {
                    throw fail("this log's key is listed twice")
                }
                logs.append((key, fields.count == 3 ? fields[2] : nil))
            case "witness":
                guard fields.count == 3 || fields.count == 4 else {
                    throw fail("expected: witness <name> <vkey> [<url>]")
                }
                guard rules[fields[1]] == nil else { throw fail("the name \(fields[1]) is defined twice") }
                let key: CosignerVerifierKey
                do { key = try CosignerVerifierKey(text: fields[2]) } catch { throw fail("\(error)") }
                guard !witnesses.contains(where: { $0.key.publicKey == key.publicKey }) else {
                    throw fail("this witness's key is listed twice")
                }
                rules[fields[1]] = .witness(witnesses.count)
                witnesses.append(Witness(name: fields[1], key: key, url: fields.count == 4 ? fields[3] : nil))
            case "group":
                guard fields.count >= 4 else { throw fail("expected: group <name> all|any|<k> <member>…") }
                guard rules[fields[1]] == nil else { throw fail("the name \(fields[1]) is defined twice") }
                let names = Array(fields[3...])
                guard Set(names).count == names.count else { throw fail("a member is listed twice") }
                var members: [Rule] = []
                for name in names {
                    guard name != "none", let rule = rules[name] else {
                        throw fail("\(name) is not a witness or group defined above")
                    }
                    members.append(rule)
                }
                let threshold: Int
                switch fields[2] {
                case "all": threshold = members.count
                case "any": threshold = 1
                default:
                    guard let k = Int(fields[2]), fields[2].allSatisfy(\.isNumber), k >= 1, k <= members.count else {
                        throw fail("the threshold must be all, any or a number from 1 to \(members.count)")
                    }
                    threshold = k
                }
                rules[fields[1]] = .group(name: fields[1], threshold: threshold, members: members)
            case "quorum":
                guard fields.count == 2 else { throw fail("expected: quorum <name>") }
                guard quorum == nil else { throw fail("a policy has exactly one quorum line") }
                guard let rule = rules[fields[1]] else {
                    throw fail("\(fields[1]) is not a witness or group defined above")
                }
                quorum = rule
            default:
                throw fail("unknown line \(keyword.debugDescription) (expected log, witness, group or quorum)")
            }
        }
        guard let quorum else {
            throw ConfigurationError(
                file: file, message: "the witness policy has no quorum line (quorum none: no witness needed)")
        }
        return WitnessPolicy(logs: logs, witnesses: witnesses, quorum: quorum)
    }

    /// The witnesses that vouched for a signed checkpoint `note`: those of the policy whose cosignature verifies.
    public func vouches(note: String) -> [(index: Int, vouch: Cosignature.Vouch)] {
        let found = Cosignature.vouches(note: note, witnesses: witnesses.map(\.key))
        return found.compactMap { vouch in
            witnesses.firstIndex(where: { $0.key == vouch.key }).map { ($0, vouch) }
        }
    }
}
