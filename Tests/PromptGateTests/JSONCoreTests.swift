import Testing

@testable import JSONCore

@Suite("JSONCore: order- and number-preserving JSON")
struct JSONCoreTests {
    @Test("a round trip keeps member order, number text and unknown fields")
    func roundTrip() throws {
        let text = #"{"z":1,"model":"m","temperature":0.70,"big":12345678901234567890,"nested":{"b":[true,false,null],"a":"é\n\"q\""},"e":1E+3}"#
        let value = try JSONParser.parse(text)
        #expect(value.serialized() == #"{"z":1,"model":"m","temperature":0.70,"big":12345678901234567890,"nested":{"b":[true,false,null],"a":"é\n\"q\""},"e":1E+3}"#)
    }

    @Test("escapes decode, including surrogate pairs")
    func escapes() throws {
        let value = try JSONParser.parse(#"["\u00e9\ud83d\ude00\/\t"]"#)
        #expect(value == .array([.string("é😀/\t")]))
    }

    @Test(
        "bad input is an error with a byte offset, never a crash",
        arguments: [
            (#"{"a":1,"a":2}"#, "duplicate member"),
            (#"{"a":1} x"#, "unexpected data"),
            (#"{"a":"\ud800"}"#, "surrogate"),
            (#"{"a":01}"#, "expected"),
            (#"{"a":"x"#, "unterminated"),
            ("{\"a\":\"\u{01}\"}", "control character"),
            ("", "unexpected end"),
        ])
    func errors(input: String, fragment: String) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test("nesting deeper than the limit is refused")
    func depth() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test("paths read and replace nested values")
    func paths() throws {
        var value = try JSONParser.parse(#"{"messages":[{"content":"a"},{"content":[{"text":"b"}]}]}"#)
        let path: [JSONPathComponent] = [.key("messages"), .index(1), .key("content"), .index(0), .key("text")]
        #expect(value[path: path] == .string("b"))
        value.set(.string("B"), at: path[...])
        #expect(value.serialized() == #"{"messages":[{"content":"a"},{"content":[{"text":"B"}]}]}"#)
        #expect(describe(path) == "messages[1].content[0].text")
    }

    @Test("serialized strings never contain a raw line break")
    func oneLine() {
        let value = JSONValue.object([("t", .string("a\nb\r\u{2028}c\u{0}"))])
        #expect(!value.serialized().contains("\n"))
        #expect(!value.serialized().contains("\r"))
    }
}
