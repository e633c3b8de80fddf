import ArgumentParser
import AuditLog
import Foundation
import PromptGate

struct Disclose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclose",
        abstract: "Answer a records request: one person's log entries, each with a proof, in a folder to hand over.",
        discussion: """
            Selects the entries with the same filter as `promptgate log show --user ID [--since T] [--until T]` (and \
            --department), among those the newest signed checkpoint covers (DATA/checkpoint.cosigned when witnesses \
            cosigned one, else DATA/checkpoint), and writes into DIR, which must be new or empty: README.txt for the \
            requester, request.json, checkpoint, log.vkey, entries.jsonl (the entries as the log holds them) and \
            entries/<seq>.proof (C2SP tlog-proof: the entry, its inclusion proof and the checkpoint) with \
            entries/<seq>.json (the same path as {"index","size","hashes"}). Files are 0644, folders 0755.

            Anyone can check it offline: `promptgate verify --disclosure DIR --key @city-published.vkey`. The entries \
            are those of the log: prompts already hold placeholders for personal data, never the values.
            """)

    @OptionGroup var log: LogLocation
    @Option(help: "The person the request is about (the log's actor).") var user: String
    @Option(help: "Only entries at or after this time (RFC 3339 UTC text; a prefix works).") var since: String?
    @Option(help: "Only entries before this time.") var until: String?
    @Option(help: "Only entries of this department.") var department: String?
    @Option(
        help: ArgumentHelp(
            "Witness policy file (C2SP tlog-policy) whose witnesses cosigned the checkpoint; copied into the bundle.",
            valueName: "path"))
    var witnessPolicy: String?
    @Option(help: ArgumentHelp("The folder to write (new or empty).", valueName: "dir")) var out: String

    func validate() throws {
        guard !user.isEmpty else { throw ValidationError("--user must not be empty") }
    }

    func run() throws {
        try auditCommand {
            let source = try log.source()
            defer { source.close() }
            let note = try log.provingCheckpoint(source)
            let keys = try source.verifierKeys()
            let request = DisclosureRequest(user: user, since: since, until: until, department: department)
            let (bundle, unsigned) = try DisclosureBundle.make(
                reader: try source.lineReader(), checkpointNote: note, keys: keys, request: request)
            let checkpoint = try Checkpoint.open(note: note, trusted: keys)
            guard let key = keys.first(where: { note.contains("\u{2014} \($0.name) ") }) else {
                throw AuditLogError.badSignature("no key of the log (\(source.name)) signs the checkpoint")
            }
            var policyText: String?
            if let witnessPolicy {
                guard let text = try BoundedFile.text(witnessPolicy) else {
                    throw AuditLogError.io(path: witnessPolicy, reason: "cannot read the witness policy")
                }
                policyText = text
            }
            let texts = bundle.openedTexts(ring: try log.retentionRing())
            try bundle.write(
                to: out, key: key,
                readme: Self.readme(
                    bundle: bundle, checkpoint: checkpoint, key: key, witnessed: policyText != nil,
                    texts: texts != nil))
            if let texts {
                do {
                    try TilePublisher.writeFile(texts, to: out + "/" + DisclosureBundle.textsFile)
                } catch {
                    throw AuditLogError.io(path: out + "/" + DisclosureBundle.textsFile, reason: "\(error)")
                }
            }
            if let policyText {
                do {
                    try TilePublisher.writeFile(Array(policyText.utf8), to: out + "/" + Self.witnessPolicyFile)
                } catch {
                    throw AuditLogError.io(path: out + "/" + Self.witnessPolicyFile, reason: "\(error)")
                }
            }
            let count = bundle.proofs.count
            printError(
                "wrote \(out): \(count) entr\(count == 1 ? "y" : "ies") of \"\(user)\", each proven against the checkpoint of size \(checkpoint.size)"
            )
            if unsigned > 0 {
                printError(
                    "note: \(unsigned) later entr\(unsigned == 1 ? "y is" : "ies are") not yet signed by a checkpoint and not considered; run it again after the next checkpoint to include them"
                )
            }
        }
    }

    /// What the README says of `texts.jsonl` when the records' texts are sealed.
    static let textsNote = """
          texts.jsonl     the texts of the records (what was sent and answered, with placeholders), opened
                          by the city: the log keeps them sealed, with a key per month that is destroyed when
                          the retention period ends; a text already destroyed reads "erased". The seal and the
                          proofs cover the sealed form in entries.jsonl, not this file.

        """

    /// The witness policy's name inside a bundle.
    static let witnessPolicyFile = "witness-policy.txt"

    /// The README for the person who asked: what this is, what is left out and why, and how to check it.
    static func readme(
        bundle: DisclosureBundle, checkpoint: Checkpoint, key: LogVerifierKey, witnessed: Bool, texts: Bool = false
    ) -> String {
        let request = bundle.request
        var range = ""
        if let since = request.since { range += " from \(since)" }
        if let until = request.until { range += " until (not including) \(until)" }
        if range.isEmpty { range = " (the whole period the log covers)" }
        let department = request.department.map { " in the department \"\($0)\"" } ?? ""
        let example = bundle.proofs.first?.index ?? 0
        return """
            RECORDS FROM THE CITY'S AI AUDIT LOG
            =====================================

            What this is
            ------------
            When a city employee uses an AI tool (a chatbot or writing assistant) at work, the request goes through
            PromptGate, a checkpoint that removes personal data and keeps a record of each use in an audit log.
            This answers a request for the records of AI use by the city account "\(request.user)"\(department)\(range).
            This folder holds all \(bundle.proofs.count) such record(s) that the log held when it was last sealed
            (see "The seal" below).

            What is in this folder
            ----------------------
              README.txt      this letter
              entries.jsonl   the records, one per line, exactly as the log stores them (a text file)
              entries/        one proof file per record, named by its number in the log
                              (for example entries/\(example).proof); the .json files beside them hold the
                              same proof in a form other tools read
              checkpoint      the seal: the size of the whole log and a digital signature by the city
              log.vkey        the city's public key that checks that signature
              request.json    what was asked for and which record numbers are included
            \(witnessed ? "  \(witnessPolicyFile)  the independent witnesses that also signed the seal\n" : "")\
            \(texts ? Self.textsNote : "")
            How to read a record
            --------------------
            Each line of entries.jsonl is one event: "ts" is the time (UTC), "event" what happened (for example
            request.screened, when a text was checked and sent on; request.blocked, when it was stopped),
            "decision" the outcome, "findings" which guideline rules applied and how often, and "prompt" the text
            that was sent, as the log keeps it.

            What was removed, and why you see placeholders
            ----------------------------------------------
            The log never keeps personal data such as names of residents, e-mail addresses, phone numbers or ID
            numbers. Before anything is written down, each such value is replaced by a placeholder like
            [EMAIL_ADDRESS_1] or [PHONE_NUMBER_1]. That is why you see placeholders, not the values: they were
            removed when the record was made, not for this letter, and nobody can restore them from the log. Where
            the log has a "fingerprints" list, each item is a scrambled code (a keyed hash) of a removed value; it
            does not reveal the value. A text that contained a password or access key was not kept at all.

            What is not included
            --------------------
            Records of other people's use are not included, even when they were made at the same time. Records made
            after the seal was signed are not included either; ask again later to receive them.

            The seal
            --------
            The log is sealed regularly: the city signs a short note (the file "checkpoint") that fixes the size of
            the whole log (\(checkpoint.size) records here) and a single code computed from every record in it. Each
            proof file shows, with a little arithmetic, that one of the records is part of exactly that sealed log:
            if anyone changed a single character of a record, the check fails. The seal cannot be made again without
            the city's secret key.

            How to check this folder
            ------------------------
            1. Get the city's public key from a source you trust, for example the key the city publishes on its
               website. Do not rely only on the copy in this folder (log.vkey): someone who altered the folder
               could have replaced it too. Compare the fingerprint printed by the check below with the one the
               city publishes. The key in this folder is:
                 \(key.text)
               with fingerprint (SHA-256 of that line):
                 \(DisclosureBundle.fingerprint(key))

            2. With PromptGate (free software):
                 promptgate verify --disclosure THIS-FOLDER --key @city-key.vkey
               It checks the seal's signature, every proof, and that entries.jsonl holds exactly the proven records.
               It ends with "verified disclosure" when all is well, or names the first file that fails.

            3. Without PromptGate: the formats are public. Each proof file follows the C2SP tlog-proof format
               (https://c2sp.org/tlog-proof); the seal is a C2SP signed note with a tlog-checkpoint body
               (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint); the arithmetic is the Merkle tree
               inclusion proof of RFC 6962, section 2.1.1 (https://www.rfc-editor.org/rfc/rfc6962). The proof's
               record is a line of entries.jsonl without its line break. Any tool built from these documents, for
               example the auditors' tool tlogverify, can check a proof. tlogverify reads the record from a log
               file by its line number, so give it a file of N empty lines followed by the record, where N is the
               record's number:
                 { yes '' | head -n N; sed -n Kp entries.jsonl; } > record.log
                 tlogverify inclusion -log record.log -checkpoint checkpoint -key @city-key.vkey \\
                   -proof entries/N.json
               (K is the record's line in entries.jsonl; the record number N is the name of its proof file.)

            What the check shows, and what it does not
            -------------------------------------------
            A successful check shows that every record here is, character for character, in the log the city
            sealed. It cannot show that no record was left out: only the full log shows that, and the
            city's auditors check the full log.

            """
    }
}

/// `verify --disclosure`: a records-request bundle, offline.
extension Verify {
    func runDisclosure(_ directory: String) throws {
        let keys: [LogVerifierKey]
        let keySource: String
        do {
            if key.isEmpty {
                keys = [try LogKeyStore.verifierKey(argument: "@" + directory + "/" + DisclosureBundle.keyFile)]
                keySource = "the bundle's own \(DisclosureBundle.keyFile)"
            } else {
                keys = try key.map { argument throws(AuditLogError) in try LogKeyStore.verifierKey(argument: argument) }
                keySource = "--key"
            }
        } catch {
            print("FAIL: \(DisclosureBundle.keyFile): \(error)")
            print("verification FAILED: first failing file \(DisclosureBundle.keyFile)")
            throw ExitCode(1)
        }
        var policy = try witnessRule()
        var policySource = "--witness-policy / --witness"
        let bundledPolicy = directory + "/" + Disclose.witnessPolicyFile
        if policy == nil, FileManager.default.fileExists(atPath: bundledPolicy) {
            do {
                policy = try WitnessPolicy.load(path: bundledPolicy)
                policySource = "the bundle's \(Disclose.witnessPolicyFile)"
            } catch {
                print("FAIL: \(Disclose.witnessPolicyFile): \(error)")
                print("verification FAILED: first failing file \(Disclose.witnessPolicyFile)")
                throw ExitCode(1)
            }
        }
        let verified: DisclosureBundle.Verified
        do {
            verified = try DisclosureBundle.verify(directory: directory, keys: keys)
            if let policy {
                let vouches = policy.vouches(note: verified.checkpointNote)
                guard policy.isSatisfied(by: Set(vouches.map(\.index))) else {
                    let names = vouches.map { policy.witnesses[$0.index].name }
                    throw DisclosureFailure(
                        file: DisclosureBundle.checkpointFile,
                        reason:
                            "cosigned by \(names.isEmpty ? "no witness" : names.joined(separator: ", ")); the quorum \(policy.quorumDescription) of \(policySource) is not met"
                    )
                }
                let names = vouches.map { policy.witnesses[$0.index].name }.joined(separator: ", ")
                print("ok:   cosigned by \(names): the quorum \(policy.quorumDescription) of \(policySource) is met")
            }
        } catch let error as DisclosureFailure {
            print("FAIL: \(error)")
            print("verification FAILED: first failing file \(error.file)")
            throw ExitCode(1)
        }
        let checkpoint = verified.checkpoint
        print("key:  \(verified.key.text)")
        print("      fingerprint \(DisclosureBundle.fingerprint(verified.key)) (from \(keySource))")
        if key.isEmpty {
            print(
                "WARN: the key came from the bundle itself: this check means something only if that fingerprint is the one the city publishes (or give the published key with --key @file)"
            )
        }
        print(
            "ok:   the checkpoint is signed by that key: \(checkpoint.origin), size \(checkpoint.size), root \(Data(checkpoint.root).base64EncodedString())"
        )
        let request = verified.request
        var asked = "user \"\(request.user)\""
        if let department = request.department { asked += ", department \"\(department)\"" }
        if let since = request.since { asked += ", since \(since)" }
        if let until = request.until { asked += ", until \(until)" }
        print("ok:   \(verified.proofs.count) entr\(verified.proofs.count == 1 ? "y is" : "ies are") all of \(asked)")
        print(
            "ok:   every entries/<seq>.proof verifies against that checkpoint; entries.jsonl holds exactly those entries"
        )
        print(
            "verified disclosure: \(verified.proofs.count) entries of \"\(request.user)\" in \(checkpoint.origin), tree size \(checkpoint.size)"
        )
    }
}
