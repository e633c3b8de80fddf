import Providers

/// A transformer that records every call a stream rewriter makes to it, in order, and passes text through — or,
/// with `holdsBack`, holds every piece until its slot finishes, to show where a rewriter puts held text.
struct RecordingTransformer: StreamTextTransformer {
    enum Call: Equatable, CustomStringConvertible {
        case piece(StreamSlot, String)
        case finish(StreamSlot)
        case whole(StreamSlot, String)
        case repeated(StreamSlot.Kind, String)

        var description: String {
            switch self {
            case .piece(let slot, let text): "piece(\(slot), \(text.debugDescription))"
            case .finish(let slot): "finish(\(slot))"
            case .whole(let slot, let text): "whole(\(slot), \(text.debugDescription))"
            case .repeated(let kind, let text): "repeated(\(kind), \(text.debugDescription))"
            }
        }
    }

    var calls: [Call] = []
    var holdsBack = false
    private var held: [StreamSlot: String] = [:]

    init(holdsBack: Bool = false) { self.holdsBack = holdsBack }

    /// The pieces handed over, per slot, in order.
    var pieces: [StreamSlot: [String]] {
        var out: [StreamSlot: [String]] = [:]
        for case .piece(let slot, let text) in calls { out[slot, default: []].append(text) }
        return out
    }

    mutating func transform(_ piece: String, in slot: StreamSlot) -> String {
        calls.append(.piece(slot, piece))
        guard holdsBack else { return piece }
        held[slot, default: ""] += piece
        return ""
    }

    mutating func finish(_ slot: StreamSlot) -> String {
        calls.append(.finish(slot))
        return held.removeValue(forKey: slot) ?? ""
    }

    mutating func transformWhole(_ text: String, in slot: StreamSlot) -> String {
        calls.append(.whole(slot, text))
        return text
    }

    mutating func transformRepeat(_ text: String, kind: StreamSlot.Kind) -> String {
        calls.append(.repeated(kind, text))
        return text
    }
}
