import JSONCore

/// Validates one log line as a JSON object (RFC 8259, UTF-8) and finds its top-level `"prev"` string, without
/// allocating: the verifier's hot path. It agrees with what the independent verifier accepts (Go's `utf8.Valid`
/// and `json.Valid`, an exact top-level key match, a duplicate `prev` refused).
enum LineCheck {
    enum Outcome: Equatable {
        /// The byte range of the `prev` value's characters (between the quotes); `escaped` if it holds a backslash.
        case prev(Range<Int>, escaped: Bool)
        case failure(String)
    }

    static let maxDepth = 10_000

    static func check(_ line: UnsafeRawBufferPointer) -> Outcome {
        // UTF-8 is validated inside strings as they are scanned (outside them any non-ASCII byte is invalid JSON);
        // on failure the whole line is checked so the message matches the independent verifier's.
        var scanner = Scanner(line: line)
        let outcome = scanner.run()
        if case .failure = outcome, !validUTF8(line) { return .failure("the line is not valid UTF-8") }
        return outcome
    }

    static func validUTF8(_ line: UnsafeRawBufferPointer) -> Bool {
        var k = 0
        let n = line.count
        while k < n {
            if line[k] < 0x80 {
                k += 1
                continue
            }
            guard let width = utf8Width(line, k, n) else { return false }
            k += width
        }
        return true
    }

    /// The scanning state; a struct with mutating methods so exclusivity is checked at compile time, not per byte.
    struct Scanner {
        let line: UnsafeRawBufferPointer
        let n: Int
        var i = 0

        init(line: UnsafeRawBufferPointer) {
            self.line = line
            self.n = line.count
        }

        @inline(__always) mutating func skipSpace() {
            while i < n {
                let b = line[i]
                if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 } else { return }
            }
        }

        /// Scans a string starting at the opening quote; returns the index after the closing quote, or nil.
        mutating func scanString() -> (end: Int, escaped: Bool)? {
            i += 1
            var escaped = false
            while i < n {
                let b = line[i]
                if b == 0x22 {
                    i += 1
                    return (i, escaped)
                }
                if b == 0x5C {
                    escaped = true
                    guard i + 1 < n else { return nil }
                    switch line[i + 1] {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 2
                    case 0x75:
                        guard i + 5 < n else { return nil }
                        for j in (i + 2)...(i + 5) where !isHex(line[j]) { return nil }
                        i += 6
                    default: return nil
                    }
                } else if b < 0x20 {
                    return nil
                } else if b < 0x80 {
                    i += 1
                } else {
                    guard let width = utf8Width(line, i, n) else { return nil }
                    i += width
                }
            }
            return nil
        }

        mutating func scanNumber() -> Bool {
            if line[i] == 0x2D { i += 1 }
            guard i < n, isDigit(line[i]) else { return false }
            if line[i] == 0x30 { i += 1 } else { while i < n, isDigit(line[i]) { i += 1 } }
            if i < n, line[i] == 0x2E {
                i += 1
                guard i < n, isDigit(line[i]) else { return false }
                while i < n, isDigit(line[i]) { i += 1 }
            }
            if i < n, line[i] == 0x65 || line[i] == 0x45 {
                i += 1
                if i < n, line[i] == 0x2B || line[i] == 0x2D { i += 1 }
                guard i < n, isDigit(line[i]) else { return false }
                while i < n, isDigit(line[i]) { i += 1 }
            }
            return true
        }

        mutating func scanLiteral(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= n else { return false }
            for k in 0..<count where line[i + k] != word.utf8Start[k] { return false }
            i += count
            return true
        }

        mutating func run() -> Outcome {
            skipSpace()
            guard i < n, line[i] == 0x7B else {
                return .failure(validJSON(line) ? "the line is not a JSON object" : "the line is not valid JSON")
            }
            // Open containers: 0x7B object, 0x5B array.
            var stack: [UInt8] = [0x7B]
            stack.reserveCapacity(16)
            i += 1
            var prev: Range<Int>?
            var prevEscaped = false
            var prevCount = 0
            let invalid = Outcome.failure("the line is not valid JSON")
            skipSpace()
            if i < n, line[i] == 0x7D {
                i += 1
                stack.removeLast()
            }
            var expectKey = true
            while !stack.isEmpty {
                skipSpace()
                guard i < n else { return invalid }
                var isPrevKey = false
                if expectKey {
                    guard line[i] == 0x22 else { return invalid }
                    let start = i
                    guard let (end, escaped) = scanString() else { return invalid }
                    if stack.count == 1 {
                        if escaped {
                            let key = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: line[start..<end]))
                            isPrevKey = key?.stringValue == "prev"
                        } else {
                            isPrevKey =
                                end - start == 6 && line[start + 1] == 0x70 && line[start + 2] == 0x72
                                && line[start + 3] == 0x65 && line[start + 4] == 0x76
                        }
                    }
                    skipSpace()
                    guard i < n, line[i] == 0x3A else { return invalid }
                    i += 1
                    skipSpace()
                    guard i < n else { return invalid }
                }
                let valueStart = i
                if isPrevKey {
                    prevCount += 1
                    prev = nil
                }
                switch line[i] {
                case 0x7B, 0x5B:
                    guard stack.count < maxDepth else { return invalid }
                    let opener = line[i]
                    stack.append(opener)
                    i += 1
                    skipSpace()
                    let closer: UInt8 = opener == 0x7B ? 0x7D : 0x5D
                    if i < n, line[i] == closer {
                        i += 1
                        stack.removeLast()
                    } else {
                        expectKey = opener == 0x7B
                        continue
                    }
                case 0x22:
                    guard let (end, escaped) = scanString() else { return invalid }
                    if isPrevKey {
                        prev = (valueStart + 1)..<(end - 1)
                        prevEscaped = escaped
                    }
                case 0x74: guard scanLiteral("true") else { return invalid }
                case 0x66: guard scanLiteral("false") else { return invalid }
                case 0x6E: guard scanLiteral("null") else { return invalid }
                default: guard scanNumber() else { return invalid }
                }
                // After a value: ',' or the closer, possibly closing several containers.
                while true {
                    skipSpace()
                    guard i < n, let top = stack.last else { return invalid }
                    let closer: UInt8 = top == 0x7B ? 0x7D : 0x5D
                    if line[i] == 0x2C {
                        i += 1
                        expectKey = top == 0x7B
                        break
                    } else if line[i] == closer {
                        i += 1
                        stack.removeLast()
                        if stack.isEmpty { break }
                    } else {
                        return invalid
                    }
                }
            }
            skipSpace()
            guard i == n else { return invalid }
            if prevCount > 1 { return .failure("duplicate top-level \"prev\" member") }
            if prevCount == 0 { return .failure("missing top-level \"prev\" member") }
            guard let prev else { return .failure("\"prev\" is not a JSON string") }
            return .prev(prev, escaped: prevEscaped)
        }
    }

    fileprivate static func validJSON(_ line: UnsafeRawBufferPointer) -> Bool { (try? JSONParser.parse(line)) != nil }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// The length of the valid UTF-8 sequence at `i` (lead byte ≥ 0x80), or nil.
    @inline(__always) static func utf8Width(_ s: UnsafeRawBufferPointer, _ i: Int, _ n: Int) -> Int? {
        let b0 = s[i]
        @inline(__always) func cont(_ j: Int) -> Bool { j < n && s[j] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : nil
        case 0xE0: return i + 1 < n && (0xA0...0xBF).contains(s[i + 1]) && cont(i + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return cont(i + 1) && cont(i + 2) ? 3 : nil
        case 0xED: return i + 1 < n && (0x80...0x9F).contains(s[i + 1]) && cont(i + 2) ? 3 : nil
        case 0xF0: return i + 1 < n && (0x90...0xBF).contains(s[i + 1]) && cont(i + 2) && cont(i + 3) ? 4 : nil
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : nil
        case 0xF4: return i + 1 < n && (0x80...0x8F).contains(s[i + 1]) && cont(i + 2) && cont(i + 3) ? 4 : nil
        default: return nil
        }
    }
}
