import Foundation
import TestSupport
import Testing

@testable import Reporting

@Suite struct ReportPageTests {
    func statistics(_ lines: [String] = SampleLog.lines) throws -> ReportStatistics {
        try withTemporaryDirectorySync { folder in
            try ReportStatistics.read(paths: [SampleLog.write(lines, to: folder)])
        }
    }

    func context(_ page: ReportContext.Page) -> ReportContext {
        ReportContext(
            page: page, title: "Report", generatedAt: "2026-12-03T00:00:00Z", today: "2026-12-03",
            verification: VerificationSummary(
                ok: true, lines: 18, checkpointSize: 18, root: "cm9vdA==", unsignedTrailing: 0,
                witnesses: ["witness.example (checked)"], problems: [], warnings: []),
            ruleSources: ["email-address": "City guidelines, §2 (https://example.org)"])
    }

    @Test func theReportHasEveryChartAndItsNumbers() throws {
        let html = ReportPage.render(try statistics(), context: context(.full))
        for id in [
            "prompts-by-department", "decisions-over-time", "top-rules", "systems", "unregistered", "high-impact",
        ] {
            #expect(html.contains("<svg id=\"chart-\(id)\""), "chart \(id)")
            #expect(html.contains("data-chart=\"\(id)\""), "numbers of \(id)")
        }
        #expect(html.contains(#"data-key="2026-12-02|finance" data-count="3""#))
        #expect(html.contains(#"data-key="2026-12-02|blocked" data-count="2""#))
        #expect(html.contains(#"data-key="email-address" data-count="5""#))
        #expect(
            html.contains("promptgate log show --since 2026-12-02 --until 2026-12-03 --prompts --department finance"))
        #expect(
            html.contains(
                "promptgate log show --prompts --event request.blocked --system &#39;&#39; --model shadow-llm"))
        #expect(html.contains("City guidelines, §2 (https://example.org)"))
        #expect(html.contains("witness.example (checked)"))
        #expect(html.contains("cm9vdA=="))
        #expect(!html.contains("<script"))
    }

    @Test func thePublicPageSuppressesSmallCellsAndHoldsNoUsersOrText() throws {
        let html = ReportPage.render(try statistics(), context: context(.publicSummary(threshold: 10)))
        // finance has 3 prompts: shown as "< 10"; housing (13) is then the only other cell, so it is hidden too.
        #expect(html.contains(#"<tr data-key="finance" data-count=""><td>finance</td><td class="n">&lt; 10</td>"#))
        #expect(html.contains(#"<tr data-key="housing" data-count=""><td>housing</td><td class="n">suppressed</td>"#))
        #expect(html.contains(#"data-key="prompts" data-count="16""#))
        for secret in ["alice", "bob", "carol", "dave", "jdoe", "secret-carol-text", "hello", "shadow-llm"] {
            #expect(!html.contains(secret), "\(secret) is on the public page")
        }
        #expect(!html.contains("chart-prompts-by-department"))
        #expect(html.contains("<svg id=\"chart-departments\""))
        let lower = ReportPage.render(try statistics(), context: context(.publicSummary(threshold: 3)))
        #expect(lower.contains(#"<tr data-key="finance" data-count="3">"#))
    }

    @Test func valuesFromTheLogAreEscaped() throws {
        let hostile = "<script>alert(1)</script>"
        let lines = [
            SampleLog.line("2026-12-01T00:00:00.000Z", dept: hostile, rules: ["\"><img src=x onerror=alert(1)>"]),
            SampleLog.line("2026-12-01T00:00:01.000Z", system: "x' onmouseover='alert(1)"),
        ]
        for page in [ReportContext.Page.full, .publicSummary(threshold: 1), .live(refreshSeconds: 30)] {
            let html = ReportPage.render(try statistics(lines), context: context(page))
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
            #expect(!html.contains("x' onmouseover"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test func theLivePageRefreshes() throws {
        let html = ReportPage.render(try statistics(), context: context(.live(refreshSeconds: 30)))
        #expect(html.contains(#"<meta http-equiv="refresh" content="30">"#))
        #expect(html.contains("<svg id=\"chart-prompts-by-department\""))
    }
}
