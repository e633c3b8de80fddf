import Crypto
import Foundation
import JSONCore

/// A records request's answer: one person's log entries, each with an inclusion proof against the same signed
/// checkpoint, in a folder that can be handed over and checked offline without the log.
///
/// The folder:
///
/// ```
/// README.txt          plain-language explanation for the person who asked
/// request.json        what was asked for (user, department, time range) and the entries' seq numbers
/// checkpoint          the signed checkpoint every proof is against (with any witness cosignatures)
/// log.vkey            the log's verifier key (to be compared with the city's published key)
/// entries.jsonl       the entries as the log holds them, one per line, for reading
/// entries/<seq>.proof one C2SP tlog-proof file per entry (``EntryProofFile``): entry, index, path, checkpoint
/// entries/<seq>.json  the same inclusion path as {"index":i,"size":n,"hashes":[…]}, for other tools
/// ```
///
/// `seq` is the entry's 0-based position in the log (its RFC 6962 leaf index).
public struct DisclosureBundle: Sendable, Equatable {
    /// The README's file name.
    public static let readmeFile = "README.txt"
    /// The request's file name.
    public static let requestFile = "request.json"
    /// The checkpoint's file name.
    public static let checkpointFile = "checkpoint"
    /// The log verifier key's file name.
    public static let keyFile = "log.vkey"
    /// The readable copy of the entries.
    public static let entriesFile = "entries.jsonl"
    /// The folder of proofs.
    public static let proofsFolder = "entries"

    /// What was asked for.
    public var request: DisclosureRequest
    /// The signed checkpoint, verbatim.
    public var checkpointNote: String
    /// One proof per selected entry, in log order.
    public var proofs: [EntryProofFile]

    /// A bundle from its parts.
    /// - Parameters:
    ///   - request: What was asked for.
    ///   - checkpointNote: The signed checkpoint every proof is against.
    ///   - proofs: One proof per entry, in log order.
    public init(request: DisclosureRequest, checkpointNote: String, proofs: [EntryProofFile]) {
        self.request = request
        self.checkpointNote = checkpointNote
        self.proofs = proofs
    }

    /// Selects the entries `request` asks for among the first `size` lines of a log (the checkpoint's tree) and
    /// proves each against `checkpointNote`. Every proof is checked before it is returned: a log that no longer
    /// matches its checkpoint gives no bundle.
    /// - Parameters:
    ///   - paths: The log's segments, in order.
    ///   - checkpointNote: The signed checkpoint to prove against (the newest, cosigned if it was).
    ///   - keys: The log's verifier keys.
    ///   - request: What was asked for.
    /// - Returns: The bundle, and how many lines after the checkpoint were not considered (not yet signed).
    public static func make(
        paths: [String], checkpointNote: String, keys: [LogVerifierKey], request: DisclosureRequest
    ) throws(AuditLogError) -> (bundle: DisclosureBundle, unsigned: Int) {
        try make(reader: LineReader(paths: paths), checkpointNote: checkpointNote, keys: keys, request: request)
    }

    /// Selects and proves as ``make(paths:checkpointNote:keys:request:)`` does, over the lines `reader` yields
    /// (a ``LogSource``'s: segment files or a database).
    public static func make(
        reader: any LogLineSource, checkpointNote: String, keys: [LogVerifierKey], request: DisclosureRequest
    ) throws(AuditLogError) -> (bundle: DisclosureBundle, unsigned: Int) {
        let checkpoint = try Checkpoint.open(note: checkpointNote, trusted: keys)
        let filter = request.filter
        var leaves: [TreeHash] = []
        var selected: [(index: Int, entry: [UInt8])] = []
        var unsigned = 0
        try LogLines.forEach(reader: reader) { line, number in
            let index = number - 1
            guard index < checkpoint.size else {
                unsigned += 1
                return
            }
            leaves.append(LogVerifier.leafHash(line))
            if let entry = try? JSONParser.parse(line), filter.matches(entry) { selected.append((index, Array(line))) }
        }
        guard leaves.count == checkpoint.size else {
            throw AuditLogError.badProof(
                "the log has \(leaves.count) lines but the checkpoint signs \(checkpoint.size): it was cut")
        }
        let builder = ProofBuilder(leaves: leaves)
        var proofs: [EntryProofFile] = []
        for (index, entry) in selected {
            let path = try builder.inclusion(index: index, size: checkpoint.size)
            let proof = EntryProofFile(entry: entry, index: index, hashes: path.hashes, checkpointNote: checkpointNote)
            _ = try proof.verify(keys: keys)
            proofs.append(proof)
        }
        var request = request
        request.entries = proofs.map(\.index)
        request.checkpointSize = checkpoint.size
        return (DisclosureBundle(request: request, checkpointNote: checkpointNote, proofs: proofs), unsigned)
    }

    /// The files of the bundle, by path relative to its folder (without the README).
    /// - Parameter key: The log's verifier key, written as `log.vkey`.
    public func files(key: LogVerifierKey) -> [(path: String, bytes: [UInt8])] {
        var files: [(path: String, bytes: [UInt8])] = [
            (Self.requestFile, Array((request.json + "\n").utf8)),
            (Self.checkpointFile, Array(checkpointNote.utf8)),
            (Self.keyFile, Array((key.text + "\n").utf8)),
            (Self.entriesFile, proofs.flatMap { $0.entry + [0x0A] }),
        ]
        for proof in proofs {
            let size = request.checkpointSize ?? 0
            files.append(("\(Self.proofsFolder)/\(proof.index).proof", Array(proof.text.utf8)))
            let json = InclusionProof(index: proof.index, size: size, hashes: proof.hashes).json + "\n"
            files.append(("\(Self.proofsFolder)/\(proof.index).json", Array(json.utf8)))
        }
        return files
    }

    /// Writes the bundle into `directory`, which must not exist or be empty (a bundle is never merged into another
    /// folder's files). Folders are made 0755 and files 0644: the bundle is meant to be handed over.
    /// - Parameters:
    ///   - directory: The folder to write.
    ///   - key: The log's verifier key, written as `log.vkey`.
    ///   - readme: The text of `README.txt`.
    public func write(to directory: String, key: LogVerifierKey, readme: String) throws(AuditLogError) {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: directory) {
            guard existing.isEmpty else {
                throw AuditLogError.io(path: directory, reason: "is not empty; a bundle is written into a new folder")
            }
        } else if manager.fileExists(atPath: directory) {
            throw AuditLogError.io(path: directory, reason: "exists and is not a folder")
        }
        for folder in [directory, directory + "/" + Self.proofsFolder] {
            do {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            } catch {
                throw AuditLogError.io(path: folder, reason: "cannot create: \(error.localizedDescription)")
            }
        }
        for (path, bytes) in files(key: key) + [(Self.readmeFile, Array(readme.utf8))] {
            do {
                try TilePublisher.writeFile(bytes, to: directory + "/" + path)
            } catch {
                throw AuditLogError.io(path: directory + "/" + path, reason: "\(error)")
            }
        }
    }

    /// The fingerprint people compare to know they hold the city's key: the lowercase hex SHA-256 of the key's
    /// text (`name+id+base64`, without a newline), in groups of four.
    /// - Parameter key: The log's verifier key.
    public static func fingerprint(_ key: LogVerifierKey) -> String {
        let hex = hexString(SHA256.hash(data: Array(key.text.utf8)))
        var groups: [String] = []
        var rest = Substring(hex)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }
}

/// What a records request asked for, kept in the bundle as `request.json` so that the check can tell an entry that
/// does not belong (another person's, or outside the time range) from one that does.
public struct DisclosureRequest: Sendable, Equatable {
    /// The person (the log's `actor`).
    public var user: String
    /// Only entries at or after this time.
    public var since: String?
    /// Only entries before this time.
    public var until: String?
    /// Only this department.
    public var department: String?
    /// The seq numbers of the entries disclosed, in log order (set by ``DisclosureBundle/make(paths:checkpointNote:keys:request:)``).
    public var entries: [Int] = []
    /// The size of the checkpoint the entries are proven against.
    public var checkpointSize: Int?

    /// A request for one person's entries.
    /// - Parameters:
    ///   - user: The person (the log's `actor`).
    ///   - since: Only entries at or after this time (RFC 3339 text; a prefix works).
    ///   - until: Only entries before this time.
    ///   - department: Only this department.
    public init(user: String, since: String? = nil, until: String? = nil, department: String? = nil) {
        self.user = user
        self.since = since
        self.until = until
        self.department = department
    }

    /// The log filter this request is: the same as `promptgate log show` with these options.
    public var filter: EntryFilter { EntryFilter(since: since, until: until, user: user, department: department) }

    /// The JSON text of `request.json`.
    public var json: String {
        var members: [(key: String, value: JSONValue)] = [("user", .string(user))]
        if let since { members.append(("since", .string(since))) }
        if let until { members.append(("until", .string(until))) }
        if let department { members.append(("department", .string(department))) }
        if let checkpointSize { members.append(("checkpoint_size", .int(checkpointSize))) }
        members.append(("entries", .array(entries.map { .int($0) })))
        return JSONValue.object(members).serialized()
    }

    /// Parses `request.json`.
    /// - Parameter json: Its text.
    public init(json: String) throws(AuditLogError) {
        guard let value = try? JSONParser.parse(json), let user = value["user"]?.stringValue, !user.isEmpty,
            let entries = value["entries"]?.arrayValue
        else { throw AuditLogError.badProof("not a records request: it needs \"user\" and \"entries\"") }
        let seqs = entries.compactMap(\.intValue)
        guard seqs.count == entries.count else { throw AuditLogError.badProof("\"entries\" must be seq numbers") }
        for key in ["since", "until", "department"] where value[key] != nil && value[key]?.stringValue == nil {
            throw AuditLogError.badProof("\"\(key)\" must be text")
        }
        self.init(
            user: user, since: value["since"]?.stringValue, until: value["until"]?.stringValue,
            department: value["department"]?.stringValue)
        self.entries = seqs
        self.checkpointSize = value["checkpoint_size"]?.intValue
    }
}
