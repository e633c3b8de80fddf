import Foundation
import JSONCore
import TestSupport
import Testing

@testable import Reporting

/// A small hand-made log: the lines `promptgate report` reads, with the fields the proxy writes.
enum SampleLog {
    static func line(
        _ ts: String, event: String = "request.screened", actor: String = "jdoe", dept: String? = "housing",
        decision: String? = "allowed", rules: [String] = [], system: String? = "chat-gpt4o", purpose: String? = nil,
        assessment: String? = nil, model: String = "gpt-4o", prompt: String = "[messages[0].content] hello"
    ) -> String {
        var m: [(key: String, value: JSONValue)] = [
            ("v", .int(1)), ("seq", .int(0)), ("ts", .string(ts)), ("event", .string(event)),
            ("request_id", .string("pg-1")), ("actor", .string(actor)),
        ]
        if let dept { m.append(("dept", .string(dept))) }
        if let system { m.append(("system", .string(system))) }
        if let purpose { m.append(("purpose", .string(purpose))) }
        if let assessment { m.append(("assessment", .string(assessment))) }
        m.append(("model", .string(model)))
        if let decision { m.append(("decision", .string(decision))) }
        if !rules.isEmpty {
            m.append(
                (
                    "findings",
                    .array(
                        rules.map {
                            .object([
                                ("rule", .string($0)), ("type", .string("X")), ("action", .string("redact")),
                                ("count", .int(1)),
                            ])
                        })
                ))
        }
        m.append(("prompt", .string(prompt)))
        m.append(("prev", .string(String(repeating: "0", count: 64))))
        return JSONValue.object(m).serialized()
    }

    /// 3 prompts from finance, 12 from housing over two days, a blocked attempt at an unregistered model, a
    /// high-impact purpose, and entries that are not prompts.
    static let lines: [String] = {
        var lines = [#"{"v":1,"seq":0,"ts":"2026-12-01T00:00:00.000Z","event":"policy.loaded","prev":"x"}"#]
        for i in 0..<8 {
            lines.append(
                line(
                    "2026-12-01T0\(i):00:00.000Z", actor: "alice", decision: i < 2 ? "redacted" : "allowed",
                    rules: i < 2 ? ["email-address", "email-address"] : []))
        }
        for i in 0..<4 {
            lines.append(
                line(
                    "2026-12-02T1\(i):00:00.000Z", event: i == 0 ? "request.blocked" : "request.screened",
                    actor: "bob", decision: i == 0 ? "blocked" : "warned", rules: i == 0 ? ["us-ssn"] : [],
                    purpose: i == 1 ? "benefits-eligibility" : nil, assessment: i == 1 ? "AIA-2026-07" : nil))
        }
        for i in 0..<3 {
            lines.append(
                line(
                    "2026-12-02T2\(i):00:00.000Z", actor: "carol", dept: "finance", rules: ["email-address"],
                    prompt: "secret-carol-text \"}], {"))
        }
        lines.append(
            line(
                "2026-12-02T23:00:00.000Z", event: "request.blocked", actor: "dave", decision: "blocked", system: nil,
                model: "shadow-llm"))
        lines.append(
            #"{"v":1,"seq":9,"ts":"2026-12-02T23:00:01.000Z","event":"response.completed","actor":"dave","status":200,"prev":"y"}"#
        )
        return lines
    }()

    static func write(_ lines: [String], to folder: String) -> String {
        let path = folder + "/audit.log"
        _ = FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return path
    }
}

@Suite struct ReportStatisticsTests {
    @Test func scansOnlyTheFieldsItNeeds() throws {
        let text = SampleLog.line(
            "2026-12-01T00:00:00.000Z", dept: "a\"b\\c\u{1}", rules: ["r1", "r2"], purpose: "housing",
            prompt: #"x "}, {"ts":"fake"} \" ["#)
        let fields = try #require(text.utf8CString.withUnsafeBytes { EntryFields.scan(.init(rebasing: $0.dropLast())) })
        #expect(fields.ts == "2026-12-01T00:00:00.000Z")
        #expect(fields.department == "a\"b\\c\u{1}")
        #expect(fields.rules == ["r1", "r2"])
        #expect(fields.purpose == "housing")
        #expect(fields.actor == "jdoe")
        #expect(fields.isPrompt)
        #expect("not json".utf8CString.withUnsafeBytes { EntryFields.scan(.init(rebasing: $0.dropLast())) } == nil)
    }

    @Test func countsPerDayDepartmentDecisionAndRule() throws {
        try withTemporaryDirectorySync { folder in
            let path = SampleLog.write(SampleLog.lines, to: folder)
            let s = try ReportStatistics.read(paths: [path])
            #expect(s.linesRead == SampleLog.lines.count)
            #expect(s.unreadable == 0)
            #expect(s.prompts == 16)
            #expect(s.departments == ["housing": 13, "finance": 3])
            #expect(s.promptsByBucket["2026-12-01"] == ["housing": 8])
            #expect(s.promptsByBucket["2026-12-02"] == ["housing": 5, "finance": 3])
            #expect(s.decisions == ["allowed": 9, "redacted": 2, "warned": 3, "blocked": 2])
            #expect(s.decisionsByBucket["2026-12-02"]?["blocked"] == 2)
            // A rule counts prompts, not findings: two findings in one prompt count once.
            #expect(s.rules == ["email-address": 5, "us-ssn": 1])
            #expect(s.systems == ["chat-gpt4o": 15])
            #expect(s.unregistered == ["shadow-llm": 1])
            #expect(s.purposes["benefits-eligibility"]?.prompts == 1)
            #expect(s.purposes["benefits-eligibility"]?.assessments == ["AIA-2026-07": 1])
            #expect(s.buckets == ["2026-12-01", "2026-12-02"])
        }
    }

    @Test func aPeriodCountsOnlyItsEntries() throws {
        try withTemporaryDirectorySync { folder in
            let path = SampleLog.write(SampleLog.lines, to: folder)
            let s = try ReportStatistics.read(paths: [path], since: "2026-12-02", until: "2026-12-02T20")
            #expect(s.prompts == 4)
            #expect(s.departments == ["housing": 4])
            let hours = try ReportStatistics.read(paths: [path], since: "2026-12-02", granularity: .hour)
            #expect(hours.promptsByBucket["2026-12-02T21"] == ["finance": 1])
        }
    }

    @Test func bucketsAndFilters() {
        #expect(TimeBucket.next("2026-12-31") == "2027-01-01")
        #expect(TimeBucket.next("2026-02-28T23") == "2026-03-01T00")
        #expect(LogFilter.quoted("dept-1") == "dept-1")
        #expect(LogFilter.quoted("a b'c") == #"'a b'\''c'"#)
        #expect(LogFilter.quoted("") == "''")
        let filter = ReportPage.bucketFilter(LogFilter(since: "2026-12-01T12"), "2026-12-01") {
            $0.decision = "blocked"
        }
        #expect(
            filter.command
                == "promptgate log show --since 2026-12-01T12 --until 2026-12-02 --prompts --decision blocked")
    }
}

@Suite struct ScannerAgreesWithTheParserTests {
    /// The scanner reads the same fields as the full JSON parser, on every sample line.
    @Test func sameFieldsAsJSONParser() throws {
        for text in SampleLog.lines {
            let parsed = try JSONParser.parse(text)
            let fields = try #require(
                text.utf8CString.withUnsafeBytes { EntryFields.scan(.init(rebasing: $0.dropLast())) })
            #expect(fields.ts == parsed["ts"]?.stringValue)
            #expect(fields.event == parsed["event"]?.stringValue)
            #expect(fields.department == parsed["dept"]?.stringValue)
            #expect(fields.decision == parsed["decision"]?.stringValue)
            #expect(fields.system == parsed["system"]?.stringValue)
            #expect(fields.rules == (parsed["findings"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue })
        }
    }
}
