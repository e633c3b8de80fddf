import Foundation
import TestSupport
import Testing

@testable import Screening

/// Presidio's own recognizer test cases (microsoft/presidio, MIT; `Tests/fixtures/presidio/`, written by
/// `scripts/import-presidio-cases.py`), run through the default packs for every entity type both engines have.
@Suite("Screening: Presidio's recognizer test cases")
struct PresidioCaseTests {
    struct Case {
        var entity: String
        var text: String
        var expectedCount: Int
        /// Character (Unicode scalar) offsets, or nil where Presidio's test checks the count only.
        var expected: [Range<Int>]?
        var exception: String?
        /// For a case that needs a word naming its type: the words that make it one.
        var withContext: String?
        var origin: String
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: repositoryRoot).appendingPathComponent(
            "Tests/fixtures/presidio/recognizer-cases.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let rows = object["cases"] as? [[String: Any]]
        else { fatalError("cannot read \(url.path)") }
        return rows.compactMap { row in
            guard let entity = row["entity"] as? String, let text = row["text"] as? String,
                let count = row["expected_count"] as? Int
            else { return nil }
            let spans = (row["expected"] as? [[Int]])?.map { $0[0]..<$0[1] }
            return Case(
                entity: entity, text: text, expectedCount: count, expected: spans,
                exception: row["exception"] as? String, withContext: row["with_context"] as? String,
                origin: "\(row["file"] as? String ?? "?"):\(row["line"] as? Int ?? 0)")
        }
    }()

    /// The entity types of the default packs.
    static let sharedEntities = Set(ScreeningTests.allRules.map(\.entity))

    /// Types Presidio recognises that the default packs must keep covering: losing one fails the test, rather
    /// than quietly shrinking the set of shared cases.
    static let required: Set<String> = [
        "CREDIT_CARD", "EMAIL_ADDRESS", "IBAN_CODE", "IP_ADDRESS", "US_SSN", "US_ITIN", "UK_NHS", "ES_NIF", "ES_NIE",
        "DE_TAX_ID", "CA_SIN", "UK_NINO", "IT_FISCAL_CODE", "PL_PESEL", "US_BANK_NUMBER", "MEDICAL_LICENSE",
        "AU_ABN", "AU_ACN", "AU_TFN", "AU_MEDICARE", "IN_PAN", "IN_AADHAAR", "SG_NRIC_FIN", "FI_PERSONAL_IDENTITY_CODE",
        "KR_RRN", "TH_TNIN", "SE_PERSONNUMMER",
    ]

    /// Whether the screener's findings of the case's type are the ones Presidio expects: every expected span
    /// overlapped by a finding of that type and no finding of that type outside them (or, where Presidio checks
    /// the count only, as many findings).
    static func passes(_ item: Case, _ screener: Screener) throws -> (Bool, [Range<Int>]) {
        let findings = try screener.scan(item.text).filter { $0.entity == item.entity }
        // Byte offsets to Unicode scalar offsets, as Presidio (Python str) counts.
        var scalarAt: [Int] = []
        var index = 0
        for scalar in item.text.unicodeScalars {
            for _ in 0..<String(scalar).utf8.count { scalarAt.append(index) }
            index += 1
        }
        scalarAt.append(index)
        let found = findings.map { scalarAt[$0.start]..<scalarAt[$0.end] }
        guard let expected = item.expected else { return (found.count == item.expectedCount, found) }
        let covered = expected.allSatisfy { span in found.contains { $0.overlaps(span) } }
        let extra = found.contains { span in !expected.contains { $0.overlaps(span) } }
        return (covered && !extra, found)
    }

    @Test("at least 98 % of Presidio's cases for the types both have pass through the default packs")
    func passRate() throws {
        #expect(
            Self.required.isSubset(of: Self.sharedEntities),
            "missing: \(Self.required.subtracting(Self.sharedEntities))")
        let shared = Self.cases.filter { Self.sharedEntities.contains($0.entity) && $0.exception == nil }
        var failures: [String: [String]] = [:]
        for item in shared {
            let (ok, found) = try Self.passes(item, ScreeningTests.screener)
            if !ok {
                failures[item.entity, default: []].append(
                    "\(item.text.debugDescription) expected \(item.expected.map { "\($0)" } ?? "\(item.expectedCount)") "
                        + "found \(found) (\(item.origin))")
            }
        }
        let failed = failures.values.map(\.count).reduce(0, +)
        let rate = Double(shared.count - failed) / Double(max(1, shared.count))
        let report = failures.keys.sorted().map { "\($0): " + failures[$0, default: []].joined(separator: "; ") }
        print(
            "Presidio cases: \(shared.count - failed) of \(shared.count) pass (\(String(format: "%.1f", rate * 100)) %)"
        )
        #expect(shared.count > 500)
        #expect(rate >= 0.98, "\(failed) of \(shared.count) fail:\n\(report.joined(separator: "\n"))")
    }

    @Test("each exception has a reason, still differs from Presidio, and passes once a word names its type")
    func exceptions() throws {
        let exceptions = Self.cases.filter { $0.exception != nil }
        let shared = Self.cases.filter { Self.sharedEntities.contains($0.entity) }
        #expect(!exceptions.isEmpty && exceptions.count * 8 <= shared.count, "\(exceptions.count) exceptions")
        for item in exceptions where Self.sharedEntities.contains(item.entity) {
            #expect(!(item.exception ?? "").isEmpty)
            // An exception PromptGate now agrees with is no exception: remove it from the script.
            #expect(try !Self.passes(item, ScreeningTests.screener).0, "\(item.origin) now passes")
            guard let prefix = item.withContext else { continue }
            var named = item
            named.text = prefix + item.text
            let shift = prefix.unicodeScalars.count
            named.expected = item.expected?.map { ($0.lowerBound + shift)..<($0.upperBound + shift) }
            #expect(
                try Self.passes(named, ScreeningTests.screener).0, "\(named.text.debugDescription) (\(item.origin))")
        }
    }
}
