import Dispatch
import Foundation
import JSONCore
import PromptGate
import Screening

/// `check --batch`: JSON Lines in, one result line per input line out, in the input's order, the lines screened on
/// several cores at once.
///
/// Lines are found with `memchr` in the input's bytes and parsed where they lie, only their `id` and `text` built.
/// Consecutive lines are grouped into pieces of about ``pieceBytes``; a wave of pieces (a few per core) is screened at
/// once, each piece into its own buffer, and the wave's buffers are handed out in order before the next wave starts,
/// so the output keeps the input's order and memory stays bounded by a wave whatever the input's size. Each output
/// line is written straight into its piece's buffer, without a JSON value built for it.
struct BatchScreening {
    let screener: Screener
    /// How many pieces are screened at once.
    let jobs: Int
    let policy = Policy()

    /// About how many input bytes one piece holds: enough that handing a piece to a core costs nothing beside
    /// screening it, few enough that a wave's pieces share the cores evenly.
    static let pieceBytes = 64 << 10
    /// Pieces per core in one wave, so that a piece that takes long does not leave the other cores idle.
    static let piecesPerJob = 4

    /// Screens every line of `bytes` and hands each piece's output (empty when all its lines are blank), in order, to
    /// `write`.
    func run(_ bytes: UnsafeBufferPointer<UInt8>, write: ([UInt8]) -> Void) {
        let lines = Self.lines(of: bytes)
        var first = 0
        while first < lines.count {
            var pieces: [Range<Int>] = []
            while first < lines.count, pieces.count < jobs * Self.piecesPerJob {
                var last = first
                var size = 0
                while last < lines.count, size < Self.pieceBytes {
                    size += lines[last].count + 1
                    last += 1
                }
                pieces.append(first..<last)
                first = last
            }
            let outputs = WaveOutputs(count: pieces.count)
            let screen = { (index: Int) in
                var out: [UInt8] = []
                for number in pieces[index] where !Self.isBlank(bytes, lines[number]) {
                    writeResult(UnsafeBufferPointer(rebasing: bytes[lines[number]]), number: number, into: &out)
                }
                outputs.set(index, out)
            }
            if jobs == 1 || pieces.count == 1 {
                pieces.indices.forEach(screen)
            } else {
                // Safe to share: each iteration reads the input and writes only its own slot of `outputs`, and
                // concurrentPerform returns after all of them, while the input's bytes are valid.
                nonisolated(unsafe) let shared = screen
                DispatchQueue.concurrentPerform(iterations: pieces.count) { shared($0) }
            }
            for index in pieces.indices { write(outputs.take(index)) }
        }
    }

    /// The byte range of each line, as splitting at every line feed would give them: the last one is what follows
    /// the last line feed (often nothing).
    static func lines(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        while start <= bytes.count {
            var end = bytes.count
            if start < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + start, 0x0A, bytes.count - start)
            {
                end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            lines.append(start..<end)
            start = end + 1
        }
        return lines
    }

    /// A line of spaces, tabs and carriage returns only (or empty) gets no result line.
    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        bytes[line].allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }
    }

    /// Appends the result line of one input line: `{"id","decision","findings"}`, or `{"id","error"}` (the id null
    /// when the line is no JSON), members and numbers written as the JSON value of them would be.
    private func writeResult(_ line: UnsafeBufferPointer<UInt8>, number: Int, into out: inout [UInt8]) {
        var id: JSONValue?
        do {
            // Only the two members are built: a labelled corpus line also holds its labels.
            let members = try JSONParser.members(["id", "text"], of: line)
            id = members[0] ?? .null
            guard let text = members[1]?.stringValue else {
                throw CLIError("expected an object with a \"text\" string")
            }
            let findings = try screener.scan(text)
            out.append(contentsOf: #"{"id":"#.utf8)
            (id ?? .null).write(into: &out)
            out.append(contentsOf: #","decision":"#.utf8)
            JSONValue.writeString(policy.decide(findings).rawValue, into: &out)
            out.append(contentsOf: #","findings":["#.utf8)
            for (index, f) in findings.enumerated() {
                out.append(contentsOf: (index == 0 ? #"{"type":"# : #",{"type":"#).utf8)
                JSONValue.writeString(f.entity, into: &out)
                out.append(contentsOf: #","rule":"#.utf8)
                JSONValue.writeString(f.ruleID, into: &out)
                out.append(contentsOf: #","start":"#.utf8)
                out.append(contentsOf: String(f.start).utf8)
                out.append(contentsOf: #","end":"#.utf8)
                out.append(contentsOf: String(f.end).utf8)
                out.append(contentsOf: #","action":"#.utf8)
                JSONValue.writeString(f.action.rawValue, into: &out)
                out.append(contentsOf: #","confidence":"#.utf8)
                out.append(contentsOf: String(f.confidence).utf8)
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: "]}\n".utf8)
        } catch {
            out.append(contentsOf: #"{"id":"#.utf8)
            (id ?? .null).write(into: &out)
            out.append(contentsOf: #","error":"#.utf8)
            JSONValue.writeString("line \(number + 1): \(error)", into: &out)
            out.append(contentsOf: "}\n".utf8)
        }
    }
}

/// One wave's output buffers, each slot written by the one piece it belongs to before `concurrentPerform` returns.
///
/// The slots are raw memory, not an array property: concurrent writes to different elements of one array would be
/// simultaneous accesses to the property.
private final class WaveOutputs: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<[UInt8]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ out: [UInt8]) { slots[index] = out }

    func take(_ index: Int) -> [UInt8] {
        defer { slots[index] = [] }
        return slots[index]
    }
}
