import Testing

@testable import JSONCore

@Suite("JSONCore: order- and number-preserving JSON")
struct JSONCoreTests {
    @Test("a round trip keeps member order, number text and unknown fields")
    func roundTrip() throws {
        let text =
            #"{"z":1,"model":"m","temperature":0.70,"big":12345678901234567890,"nested":{"b":[true,false,null],"a":"é\n\"q\""},"e":1E+3}"#
        let value = try JSONParser.parse(text)
        #expect(
            value.serialized()
                == #"{"z":1,"model":"m","temperature":0.70,"big":12345678901234567890,"nested":{"b":[true,false,null],"a":"é\n\"q\""},"e":1E+3}"#
        )
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

    @Test("invalid UTF-8 inside a string is refused, with or without escapes, at the run that holds it")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 6)) { try JSONParser.parse(bytes) }
        let escaped: [UInt8] = Array(#"{"a":"x\n"#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 9)) {
            try JSONParser.parse(escaped)
        }
        // A lead byte cut short by an escape whose scalar starts with a lead byte of its own; a bad run before a
        // bad escape: the run's error, at the run.
        let cut: [UInt8] = Array(#"{"a":"x\n"#.utf8) + [0xC3] + Array(#"\u00e9"}"#.utf8)
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 9)) { try JSONParser.parse(cut) }
        let both: [UInt8] = Array(#"{"a":"x\n"#.utf8) + [0xFF] + Array(#"\q"}"#.utf8)
        #expect(throws: JSONParseError(message: "invalid UTF-8 in a string", offset: 9)) { try JSONParser.parse(both) }
        #expect(try JSONParser.parse(Array(#"{"a":"\u00e9\n\ud83d\ude00 é"}"#.utf8))["a"] == .string("é\n😀 é"))
    }

    @Test("duplicate members are found in small and in large objects, wherever they are")
    func duplicates() throws {
        for count in [2, 15, 16, 17, 40] {
            let keys = (0..<count).map { "k\($0)" }
            let unique = "{" + keys.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
            guard case .object(let members) = try JSONParser.parse(unique) else {
                Issue.record("not an object: \(unique)")
                continue
            }
            #expect(members.map(\.key) == keys)
            for repeated in [0, count / 2, count - 1] {
                let text = String(unique.dropLast()) + ",\"\(keys[repeated])\":2}"
                #expect(throws: JSONParseError.self, "\(count) members, k\(repeated) twice") {
                    try JSONParser.parse(text)
                }
            }
        }
    }

    @Test("members reads the named members and refuses exactly what parse refuses, with the same error")
    func members() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let seeds = [
            #"{"id":"a-1","locale":"en","text":"Call 617-555-0134\n","entities":[{"type":"PHONE","start":5,"end":17}]}"#,
            #"{"entities":[{"a":{"b":[1,2.5e3,-0,true,false,null]}}],"text":"x\u00e9\ud83d\ude00","id":7}"#,
            #"  {"id":null,"text":"","k0":1,"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,"k11":1,"k12":1,"k13":1,"k14":1,"k15":{"x":1,"x":2}}  "#,
            #"["not","an","object",{"id":1}]"#, #""text""#, "12", "{}", "[]",
            #"{"id":1,"x":"# + deep + "}", #"{"id":1,"x":{"y":"# + deep + "}}",
        ]
        let mutations: [UInt8] = Array(#"",}]:\[{1 e"#.utf8) + [0xC3, 0xFF, 0x01, 0x0A]
        var texts: [[UInt8]] = []
        for seed in seeds.map({ Array($0.utf8) }) {
            texts.append(seed)
            for cut in stride(from: 0, to: seed.count, by: max(1, seed.count / 40)) {
                texts.append(Array(seed[..<cut]))
                for byte in mutations {
                    var mutated = seed
                    mutated[cut] = byte
                    texts.append(mutated)
                }
            }
        }
        for text in texts {
            let expected: Result<[JSONValue?], JSONParseError> = Result {
                () throws(JSONParseError) in
                let value = try JSONParser.parse(text)
                guard case .object = value else { return [nil, nil] }
                return [value["id"], value["text"]]
            }
            let got = Result { () throws(JSONParseError) in
                try text.withUnsafeBufferPointer { bytes throws(JSONParseError) in
                    try JSONParser.members(["id", "text"], of: bytes)
                }
            }
            #expect(got == expected, "\(String(decoding: text, as: UTF8.self).debugDescription)")
        }
        #expect(texts.count > 1000)
    }

    @Test("strings with and without escapes round-trip through the writer and the parser")
    func stringPaths() throws {
        let samples = ["", "plain", "é and 😀", "tab\there", "quote \" inside", "back\\slash", "line\nbreak", "mixé\n😀"]
        for sample in samples {
            let text = JSONValue.array([.string(sample)]).serialized()
            #expect(try JSONParser.parse(text) == .array([.string(sample)]), "\(text)")
        }
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
