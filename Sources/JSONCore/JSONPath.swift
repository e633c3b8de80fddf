/// One step into a JSON value: an object member or an array element.
public enum JSONPathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let k): return "." + k
        case .index(let i): return "[\(i)]"
        }
    }
}

extension JSONValue {
    /// The value at `path`, or `nil`.
    public subscript(path path: [JSONPathComponent]) -> JSONValue? {
        var current = self
        for component in path {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard case .array(let elements) = current, elements.indices.contains(index) else { return nil }
                current = elements[index]
            }
        }
        return current
    }

    /// Replaces the value at `path` (which must exist).
    public mutating func set(_ newValue: JSONValue, at path: ArraySlice<JSONPathComponent>) {
        guard let first = path.first else {
            self = newValue
            return
        }
        switch (first, self) {
        case (.key(let key), .object(var members)):
            guard let i = members.firstIndex(where: { $0.key == key }) else { return }
            members[i].value.set(newValue, at: path.dropFirst())
            self = .object(members)
        case (.index(let index), .array(var elements)) where elements.indices.contains(index):
            elements[index].set(newValue, at: path.dropFirst())
            self = .array(elements)
        default:
            return
        }
    }
}

/// Renders a path as `messages[0].content`.
public func describe(_ path: [JSONPathComponent]) -> String {
    var text = path.map(\.description).joined()
    if text.hasPrefix(".") { text.removeFirst() }
    return text
}
