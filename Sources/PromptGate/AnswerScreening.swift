import Providers
import Screening
import Synchronization

/// Screens the answer of one request: every text the upstream wrote is scanned with the gate's screener (as the
/// upstream sent it, placeholders and all, before they are restored), and what it finds that the prompt did not
/// contain is an *answer finding*, handled by the answer-side actions of ``GateConfiguration/answerActions``.
///
/// One per request, shared by the slots of a stream (``AnswerStreamScreen``) and the session that records the
/// answer: it keeps the findings (values in memory only, for fingerprints), the first block, and the log's
/// placeholders; each screened text comes back twice, as the client gets it and as the log keeps it (every answer
/// finding a placeholder), and the caller keeps the log's version (a stream's in ``PlaceholderStreamTransformer``).
final class AnswerScreening: Sendable {
    private let screener: Screener
    private let actions: AnswerActions
    /// The prompt's texts as the employee wrote them: values found in them are not answer findings.
    private let promptTexts: [String]
    /// The request's placeholders: a finding that overlaps one is the model repeating the prompt.
    private let vault: PlaceholderVault
    private let state: Mutex<Ledger>

    /// What was found so far, and what goes into the audit entry.
    struct Ledger {
        var findings: [Finding] = []
        /// `rule NUL value` of every recorded finding, so a text a protocol repeats whole is not counted twice.
        var seen: Set<String> = []
        /// The first finding whose action is `block`, or a scan that failed.
        var block: AnswerBlock?
        /// Placeholders for the log, numbered after the request's own.
        var logVault: PlaceholderVault
    }

    init(gate: Gate, promptTexts: [String], vault: PlaceholderVault, department: String?) {
        let configuration = gate.configuration
        let department = department ?? configuration.defaultDepartment
        self.screener = gate.screener
        // The policy file's answer actions win over the configuration's, a department's over the city's.
        let policies = configuration.policies
        self.actions = AnswerActions(
            global: configuration.answerActions.merging(policies?.answers ?? [:]) { $1 },
            department: (department.flatMap { configuration.departmentAnswerActions[$0] } ?? [:])
                .merging(policies?.rule(for: department)?.answers ?? [:]) { $1 },
            fallback: configuration.answerDefaultAction)
        self.promptTexts = promptTexts
        self.vault = vault
        self.state = Mutex(Ledger(logVault: vault))
    }

    /// The text that replaces a redacted answer value: typed, and not a placeholder the vault could restore.
    static func marker(_ finding: Finding) -> String { "[\(finding.entity) redacted by PromptGate]" }

    // MARK: Scanning

    /// The answer findings in `text`, each with its answer-side action. A scan that fails is a block (fail closed).
    func findings(in text: String) -> [Finding] {
        let found: [Finding]
        do {
            found = try screener.scan(text)
        } catch {
            blockOnce(
                AnswerBlock(
                    message:
                        "PromptGate could not screen the answer, so the rest of it was withheld. Try again; if it keeps failing, tell IT.",
                    note: "screening the answer failed: \(error)"))
            return []
        }
        guard !found.isEmpty else { return [] }
        let placeholders = Self.placeholderRanges(in: Array(text.utf8), vault: vault)
        return found.compactMap { finding in
            if placeholders.contains(where: { $0.overlaps(finding.start..<finding.end) }) { return nil }
            if promptTexts.contains(where: { $0.contains(finding.value) }) { return nil }
            var answer = finding
            answer.action = actions.action(for: finding)
            return answer
        }
    }

    /// Screens a whole text: records its findings (with `dedupe`, only values not recorded yet), and returns what
    /// the client gets (redacted values marked; a block marks its value too, and is recorded for the caller) and
    /// what the log keeps (every finding a placeholder).
    func screenWhole(_ text: String, dedupe: Bool) -> (delivered: String, logged: String) {
        let found = findings(in: text)
        guard !found.isEmpty else { return (text, text) }
        record(found, dedupe: dedupe)
        let bytes = Array(text.utf8)
        let (delivered, logged, _) = rewrite(bytes[...], found, stopAtBlock: false)
        return (String(decoding: delivered, as: UTF8.self), String(decoding: logged, as: UTF8.self))
    }

    /// Rewrites `bytes` (findings' offsets relative to its start): the client's text and the log's. With
    /// `stopAtBlock`, the client's text ends where a `block` finding starts, and the block is returned.
    func rewrite(_ bytes: ArraySlice<UInt8>, _ found: [Finding], stopAtBlock: Bool)
        -> (delivered: [UInt8], logged: [UInt8], block: Finding?)
    {
        var delivered: [UInt8] = []
        var logged: [UInt8] = []
        delivered.reserveCapacity(bytes.count)
        logged.reserveCapacity(bytes.count)
        let base = bytes.startIndex
        var cursor = 0
        for finding in found.sorted(by: { $0.start < $1.start })
        where finding.start >= cursor && finding.end <= bytes.count {
            let before = bytes[(base + cursor)..<(base + finding.start)]
            delivered += before
            logged += before
            if finding.action == .block {
                blockOnce(AnswerBlock(finding: finding))
                if stopAtBlock {
                    logged += Array(logPlaceholder(finding).utf8)
                    return (delivered, logged, finding)
                }
            }
            switch finding.action {
            case .block, .redact: delivered += Array(Self.marker(finding).utf8)
            case .warn, .log: delivered += bytes[(base + finding.start)..<(base + finding.end)]
            }
            logged += Array(logPlaceholder(finding).utf8)
            cursor = finding.end
        }
        let rest = bytes[(base + min(cursor, bytes.count))...]
        delivered += rest
        logged += rest
        return (delivered, logged, nil)
    }

    // MARK: The ledger

    func record(_ found: [Finding], dedupe: Bool = false) {
        state.withLock { ledger in
            for finding in found {
                let inserted = ledger.seen.insert(finding.ruleID + "\u{0}" + finding.value).inserted
                if inserted || !dedupe { ledger.findings.append(finding) }
            }
        }
    }

    func blockOnce(_ block: AnswerBlock) {
        state.withLock { ledger in if ledger.block == nil { ledger.block = block } }
    }

    /// The first block, if the answer must not go on.
    var block: AnswerBlock? { state.withLock { $0.block } }

    var recorded: [Finding] { state.withLock { $0.findings } }

    /// The placeholder the log shows for an answer finding (numbered after the request's placeholders).
    func logPlaceholder(_ finding: Finding) -> String {
        state.withLock { $0.logVault.placeholder(for: finding.value, entity: finding.entity) }
    }

    /// The byte ranges of `[PLACEHOLDER]` tokens the request's vault issued.
    static func placeholderRanges(in bytes: [UInt8], vault: PlaceholderVault) -> [Range<Int>] {
        guard !vault.isEmpty else { return [] }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "[") else {
                i += 1
                continue
            }
            var j = i + 1
            while j < bytes.count, j - i <= vault.longestPlaceholder, Self.isPlaceholderByte(bytes[j]) { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "]"),
                vault.value(for: String(decoding: bytes[i...j], as: UTF8.self)) != nil
            {
                ranges.append(i..<(j + 1))
                i = j + 1
            } else {
                i += 1
            }
        }
        return ranges
    }

    private static func isPlaceholderByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }
}

/// Why an answer was withheld: a finding whose answer-side action is `block`, or an engine failure.
struct AnswerBlock: Sendable {
    /// What the employee reads.
    var message: String
    /// What the audit entry says.
    var note: String

    init(message: String, note: String) {
        self.message = message
        self.note = note
    }

    init(finding: Finding) {
        message =
            "PromptGate withheld the rest of this answer: it contained \(finding.entity) that was not in your "
            + "prompt [rule \(finding.ruleID); \(finding.source.citation)]."
        note =
            "the answer was blocked: it contained \(finding.entity) (rule \(finding.ruleID)) that was not in the prompt"
    }
}

/// The answer-side action of a finding: the department's map, then the city's, each by rule id then category, then
/// the default; a credential never below `redact`.
struct AnswerActions: Sendable {
    var global: [String: RuleAction]
    var department: [String: RuleAction]
    var fallback: RuleAction

    func action(for finding: Finding) -> RuleAction {
        let category = finding.category.rawValue
        let action =
            department[finding.ruleID] ?? department[category] ?? global[finding.ruleID] ?? global[category]
            ?? fallback
        return finding.category == .credentials ? max(action, .redact) : action
    }
}
