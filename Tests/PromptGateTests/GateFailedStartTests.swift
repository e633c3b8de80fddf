import AuditLog
import Foundation
import Screening
import TestSupport
import Testing

@testable import PromptGate

@Suite("A gate that fails to start leaves nothing running")
struct GateFailedStartTests {
    /// Threads of this process named as the HTTP client's loop thread names itself.
    static func curlThreads() -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            return name?.hasPrefix("promptgate-curl") == true
        }.count
    }

    @Test("each failed start stops its HTTP client's thread (a program that retries a start does not pile them up)")
    func failedStartsStopTheirClients() async throws {
        let attempts = 24
        let packs = try GuidelineLoader.embedded()
        await withTemporaryDirectory { directory in
            let configuration = GateConfiguration(
                upstreamBaseURL: "http://127.0.0.1:9/v1", upstreamAPIKey: Secret("city-upstream-key"),
                packs: packs, dataDirectory: directory)
            let opener: AuditTrailOpener = { request in UnsignableTrail(try await AuditLogStore.open(request)) }
            let before = Self.curlThreads()
            for _ in 0..<attempts {
                await #expect(throws: AuditLogError.self) { _ = try await Gate.start(configuration, openTrail: opener) }
            }
            // Other suites start and stop gates meanwhile, so the count moves a little either way; a leak adds one
            // thread per attempt.
            let grown = Self.curlThreads() - before
            #expect(grown < attempts / 2, "\(grown) more HTTP client threads after \(attempts) failed starts")
        }
    }
}
