import Foundation

extension TextSlot {
    /// The text of every long base64 run in this slot's text that decodes to readable UTF-8 (a record or a key
    /// pasted encoded), each as a slot of its own: screened, never written back, so a finding in one blocks.
    public func decodedRuns(minimumLength: Int = 24) -> [TextSlot] {
        var slots: [TextSlot] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            guard Self.isBase64(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count && Self.isBase64(bytes[end]) { end += 1 }
            if end - start >= minimumLength, let decoded = Self.decode(bytes[start..<end]) {
                slots.append(TextSlot(path: path, text: decoded, handling: .fixed, encoding: .decoded, walked: true))
            }
            start = end
        }
        return slots
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2B || byte == 0x2F || byte == 0x3D || byte == 0x2D || byte == 0x5F
    }

    /// The run decoded (standard or URL-safe alphabet, padding optional), if it is mostly printable text.
    private static func decode(_ run: ArraySlice<UInt8>) -> String? {
        var text = String(decoding: run, as: UTF8.self).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while text.hasSuffix("=") { text.removeLast() }
        // A run of letters only is a word, not an encoding.
        guard text.contains(where: { $0.isNumber || $0 == "+" || $0 == "/" }) || text.count >= 40 else { return nil }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), let decoded = String(data: data, encoding: .utf8) else {
            return nil
        }
        let printable = decoded.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard !decoded.isEmpty, printable.count * 10 >= decoded.unicodeScalars.count * 9 else { return nil }
        return decoded
    }
}
