import Foundation

/// The signed checkpoints a log must still match when a writer opens it: the latest (`checkpoint`) and every one in
/// the history (`checkpoints/<size>`). A log shorter than one of them, or whose first entries differ from those one
/// of them signed, was cut, rewritten or replaced; PromptGate then refuses to write on it and sign over the gap.
///
/// What this cannot see: an insider who deletes the history along with the log, or rewrites both and re-signs with
/// the key. Only copies held elsewhere (witnesses, auditors' saved checkpoints) catch that.
struct LogAnchors {
    /// A checkpoint and the file it was read from.
    struct Anchor {
        var path: String
        var checkpoint: Checkpoint
    }

    /// Every checkpoint found, opened with a trusted key, smallest first.
    let anchors: [Anchor]

    /// The sizes whose roots the scan must note.
    var sizes: Set<Int> { Set(anchors.map(\.checkpoint.size)) }

    /// The largest signed size, nil when nothing was ever signed here.
    var newest: Anchor? { anchors.last }

    /// Reads and opens every checkpoint in the log's folder. A checkpoint that is malformed or not signed by
    /// `trusted` is itself a sign of tampering: refused, naming the file.
    init(configuration: AuditLogConfiguration, trusted: [LogVerifierKey]) throws(AuditLogError) {
        var paths = [configuration.checkpointPath]
        let history = configuration.checkpointHistoryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: history)) ?? []
        paths += names.filter { Int($0) != nil }.map { history + "/" + $0 }
        var anchors: [Anchor] = []
        for path in paths {
            let note: String
            do {
                guard let text = try BoundedFile.text(path) else { continue }
                note = text
            } catch {
                throw AuditLogError.rolledBack("\(path) is not a checkpoint (\(error)): it was replaced")
            }
            do {
                let checkpoint = try Checkpoint.open(note: note, trusted: trusted)
                guard checkpoint.origin == configuration.origin else {
                    throw AuditLogError.badCheckpoint(
                        "signed for \(checkpoint.origin.debugDescription), not this log's origin "
                            + configuration.origin.debugDescription)
                }
                anchors.append(Anchor(path: path, checkpoint: checkpoint))
            } catch {
                throw AuditLogError.rolledBack("\(path) does not verify (\(error)): it was altered or replaced")
            }
        }
        self.anchors = anchors.sorted { $0.checkpoint.size < $1.checkpoint.size }
    }

    /// Checks a log of `size` entries whose roots at the anchors' sizes are `roots`.
    func check(size: Int, roots: [Int: TreeHash]) throws(AuditLogError) {
        if let newest, size < newest.checkpoint.size {
            throw AuditLogError.rolledBack(
                "the log holds \(size) entries, but \(newest.path) signed \(newest.checkpoint.size): "
                    + "\(newest.checkpoint.size - size) signed entries are gone (the log was cut, deleted or replaced)")
        }
        for anchor in anchors {
            let size = anchor.checkpoint.size
            let root = size == 0 ? MerkleTree.emptyRoot : roots[size]
            guard root == anchor.checkpoint.root else {
                throw AuditLogError.rolledBack(
                    "the log's first \(size) entries are not those \(anchor.path) signed (the root differs): "
                        + "entries were changed, reordered or replaced")
            }
        }
    }

    /// Moves the checkpoints aside into `superseded-<time>/` (kept for auditors), for an operator who declared a
    /// new log. Returns the folder's name.
    func supersede(configuration: AuditLogConfiguration) throws(AuditLogError) -> String {
        let name = "superseded-\(Int(Date().timeIntervalSince1970))"
        let folder = configuration.directory + "/" + name
        try makePrivateDirectory(folder)
        for (from, to) in [
            (configuration.checkpointPath, folder + "/checkpoint"),
            (configuration.checkpointHistoryDirectory, folder + "/checkpoints"),
        ] where FileManager.default.fileExists(atPath: from) {
            guard rename(from, to) == 0 else {
                throw AuditLogError.io(path: from, reason: "cannot move it aside: \(errnoText())")
            }
        }
        fsyncDirectory(of: folder)
        return name
    }
}
