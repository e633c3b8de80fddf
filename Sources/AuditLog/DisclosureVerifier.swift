import Foundation
import JSONCore

/// Why a disclosure bundle does not verify, and the first file that shows it.
public struct DisclosureFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failing file, relative to the bundle's folder (e.g. `entries/12.proof`).
    public var file: String
    /// What is wrong with it.
    public var reason: String

    /// A failure of `file`.
    /// - Parameters:
    ///   - file: The failing file, relative to the bundle's folder.
    ///   - reason: What is wrong with it.
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

extension DisclosureBundle {
    /// What a verified bundle shows.
    public struct Verified: Sendable, Equatable {
        /// The checkpoint every entry is proven against.
        public var checkpoint: Checkpoint
        /// The checkpoint note, verbatim (to check witness cosignatures on).
        public var checkpointNote: String
        /// What was asked for, as the bundle says.
        public var request: DisclosureRequest
        /// The verified proofs, in log order.
        public var proofs: [EntryProofFile]
        /// The key that signed the checkpoint.
        public var key: LogVerifierKey
    }

    /// Reads and checks a bundle offline: the checkpoint is signed by one of `keys`; every `entries/<seq>.proof`
    /// is against that same checkpoint, its inclusion proof verifies, its entry is one the request asked for (that
    /// user, department and time range) and sits at that seq; `request.json` lists exactly those seqs;
    /// `entries/<seq>.json` holds the same path; `entries.jsonl` holds exactly the proven entries, in order, each
    /// once. Stops at the first failure and names its file.
    /// - Parameters:
    ///   - directory: The bundle's folder.
    ///   - keys: The log's trusted verifier keys (the bundle's own `log.vkey` only if nothing better is at hand).
    public static func verify(directory: String, keys: [LogVerifierKey]) throws(DisclosureFailure) -> Verified {
        func read(_ name: String, limit: Int = 1 << 20) throws(DisclosureFailure) -> String {
            let text = try attempt(name) { () throws(AuditLogError) in
                try BoundedFile.text(directory + "/" + name, limit: limit)
            }
            guard let text else { throw DisclosureFailure(file: name, reason: "missing or unreadable") }
            return text
        }
        let requestText = try read(requestFile)
        let request = try attempt(requestFile) { () throws(AuditLogError) in try DisclosureRequest(json: requestText) }
        let note = try read(checkpointFile)
        let checkpoint = try attempt(checkpointFile) { () throws(AuditLogError) in
            try Checkpoint.open(note: note, trusted: keys)
        }
        guard let key = keys.first(where: { key in note.contains("\u{2014} \(key.name) ") }) else {
            throw DisclosureFailure(file: checkpointFile, reason: "no signature by the given key")
        }
        if let size = request.checkpointSize, size != checkpoint.size {
            throw DisclosureFailure(
                file: requestFile,
                reason:
                    "says the entries are proven in a tree of size \(size), but the checkpoint's has \(checkpoint.size)"
            )
        }

        // The proofs folder: <seq>.proof and <seq>.json, nothing else.
        let folder = directory + "/" + proofsFolder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw DisclosureFailure(file: proofsFolder, reason: "missing or unreadable")
        }
        var proofSeqs: [Int] = []
        var jsonSeqs: Set<Int> = []
        for name in names.sorted() {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let seq = Self.seq(parts[0]), parts[1] == "proof" || parts[1] == "json" else {
                throw DisclosureFailure(
                    file: "\(proofsFolder)/\(name)", reason: "not part of a bundle (only <seq>.proof and <seq>.json)")
            }
            if parts[1] == "proof" { proofSeqs.append(seq) } else { jsonSeqs.insert(seq) }
        }
        proofSeqs.sort()
        let listed = Set(request.entries)
        guard listed.count == request.entries.count else {
            throw DisclosureFailure(file: requestFile, reason: "lists an entry twice")
        }
        if let missing = request.entries.first(where: { !proofSeqs.contains($0) }) {
            throw DisclosureFailure(
                file: "\(proofsFolder)/\(missing).proof",
                reason: "missing: \(requestFile) lists entry \(missing) but its proof is not in the bundle")
        }
        if let extra = proofSeqs.first(where: { !listed.contains($0) }) {
            throw DisclosureFailure(
                file: "\(proofsFolder)/\(extra).proof",
                reason: "added: \(requestFile) does not list entry \(extra); it is not part of this answer")
        }
        if let orphan = jsonSeqs.sorted().first(where: { !listed.contains($0) }) {
            throw DisclosureFailure(file: "\(proofsFolder)/\(orphan).json", reason: "has no .proof beside it")
        }

        let filter = request.filter
        var proofs: [EntryProofFile] = []
        var seen: [[UInt8]: Int] = [:]
        for seq in proofSeqs {
            let name = "\(proofsFolder)/\(seq).proof"
            let text = try read(name, limit: 8 << 20)
            let proof = try attempt(name) { () throws(AuditLogError) -> EntryProofFile in
                let proof = try EntryProofFile(text: text)
                guard proof.index == seq else {
                    throw AuditLogError.badProof("it proves entry \(proof.index), not entry \(seq) as its name says")
                }
                guard proof.checkpointNote == note else {
                    throw AuditLogError.badProof(
                        "it is against another checkpoint than the bundle's \(checkpointFile): all entries must be proven against the same one"
                    )
                }
                _ = try proof.verify(keys: keys)
                return proof
            }
            guard let entry = try? JSONParser.parse(proof.entry) else {
                throw DisclosureFailure(file: name, reason: "the entry is not JSON")
            }
            guard entry["seq"]?.intValue == seq else {
                throw DisclosureFailure(file: name, reason: "the entry's seq is not \(seq)")
            }
            guard filter.matches(entry) else {
                let actor = entry["actor"]?.stringValue.map { "\"\($0)\"" } ?? "none"
                throw DisclosureFailure(
                    file: name,
                    reason:
                        "the entry is not one the request asked for (user \"\(request.user)\"\(request.department.map { ", department \"\($0)\"" } ?? "")\(request.since.map { ", since \($0)" } ?? "")\(request.until.map { ", until \($0)" } ?? "")): its actor is \(actor), dept \(entry["dept"]?.stringValue ?? "none"), time \(entry["ts"]?.stringValue ?? "none")"
                )
            }
            if let earlier = seen[proof.entry] {
                throw DisclosureFailure(file: name, reason: "the same entry as \(proofsFolder)/\(earlier).proof")
            }
            seen[proof.entry] = seq
            if jsonSeqs.contains(seq) {
                let jsonName = "\(proofsFolder)/\(seq).json"
                let jsonText = try read(jsonName)
                let json = try attempt(jsonName) { () throws(AuditLogError) in try InclusionProof(json: jsonText) }
                guard json == InclusionProof(index: seq, size: checkpoint.size, hashes: proof.hashes) else {
                    throw DisclosureFailure(
                        file: jsonName, reason: "differs from \(name) (index, size or hashes)")
                }
            }
            proofs.append(proof)
        }

        // entries.jsonl: the proven entries, in order, each once, nothing else.
        var lines = try read(entriesFile, limit: 256 << 20).utf8.split(
            separator: 0x0A, omittingEmptySubsequences: false
        ).map(Array.init)
        guard lines.last == [] else {
            throw DisclosureFailure(file: entriesFile, reason: "does not end with a newline")
        }
        lines.removeLast()
        for (number, line) in lines.enumerated() {
            if let first = lines[..<number].firstIndex(of: line) {
                throw DisclosureFailure(file: entriesFile, reason: "line \(number + 1) repeats line \(first + 1)")
            }
            guard number < proofs.count else {
                throw DisclosureFailure(
                    file: entriesFile, reason: "line \(number + 1) has no proof: there are \(proofs.count) proofs")
            }
            guard line == proofs[number].entry else {
                throw DisclosureFailure(
                    file: entriesFile,
                    reason:
                        "line \(number + 1) is not the entry proven in \(proofsFolder)/\(proofs[number].index).proof")
            }
        }
        guard lines.count == proofs.count else {
            throw DisclosureFailure(
                file: entriesFile,
                reason:
                    "has \(lines.count) lines for \(proofs.count) proven entries; entry \(proofs[lines.count].index) is missing"
            )
        }
        return Verified(checkpoint: checkpoint, checkpointNote: note, request: request, proofs: proofs, key: key)
    }

    /// Runs `body`, naming `file` in any error it throws.
    private static func attempt<T>(_ file: String, _ body: () throws(AuditLogError) -> T) throws(DisclosureFailure)
        -> T
    {
        do {
            return try body()
        } catch {
            throw DisclosureFailure(file: file, reason: "\(error)")
        }
    }

    /// A seq from a file name: decimal, no sign, no leading zero.
    private static func seq(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            !(text.count > 1 && text.first == "0")
        else { return nil }
        return Int(text)
    }
}
