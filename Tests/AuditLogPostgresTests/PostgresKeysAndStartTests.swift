import AuditLog
import AuditLogPostgres
import Foundation
import PromptGate
import TestSupport
import Testing

@Suite("AuditLogPostgres: key rotation, a failed start, entries found unsigned at start", .serialized)
struct PostgresKeysAndStartTests {
    @Test("a rotation is recorded in audit_meta: the new key verifies, and a proxy with only the new key opens the log")
    func rotation() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let old = try LogSigningKey(generatingFor: PostgresTestLog.origin)
            let new = try LogSigningKey(generatingFor: PostgresTestLog.origin)
            let first = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: [old]), proxy: "a")
            _ = try await first.append(PostgresTestLog.entry(0, proxy: "a"))
            try await first.close()

            let rotating = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: [old]), proxy: "cli")
            try await rotating.replaceSigningKeys([new, old])
            _ = try await rotating.append(AuditEntry(event: .keyRotated))
            try await rotating.close()
            let source = try PostgresLogSource(url: try PostgresLogURL(url))
            #expect(try source.verifierKeys() == [new.verifierKey, old.verifierKey])
            source.close()

            // After `keys retire` a proxy signs with the new key alone: the log is still its log.
            let retired = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: [new]), proxy: "b")
            _ = try await retired.append(PostgresTestLog.entry(1, proxy: "b"))
            let signed = try await retired.writeCheckpoint()
            #expect(signed.contains(new.verifierKey.name) && !signed.contains(old.verifierKey.text))
            try await retired.close()
            let reader = try PostgresLogSource(url: try PostgresLogURL(url))
            defer { reader.close() }
            let report = try LogVerifier.verify(
                lines: reader.lineReader(), checkpoints: reader.checkpointHistory(), keys: reader.verifierKeys())
            #expect(report.ok, "\(report.problems)")
            #expect(report.verified.count >= 2)
            // Only the new key verifies the newest checkpoint; the old one, the earlier ones.
            let newest = try #require(try reader.latestCheckpoint())
            #expect(throws: AuditLogError.self) { try Checkpoint.open(note: newest.note, trusted: [old.verifierKey]) }
            _ = try Checkpoint.open(note: newest.note, trusted: [new.verifierKey])
        }
    }

    @Test("a Gate that fails to start lets the signer lease go: another proxy takes it")
    func failedStartReleasesLease() async throws {
        try await PostgresServer.withFreshDatabase { url in
            try await withTemporaryDirectory { directory in
                let configuration = GateConfiguration(
                    upstreamBaseURL: "http://127.0.0.1:9/v1", upstreamAPIKey: Secret("city-upstream-key"),
                    packs: try GuidelineLoader.embedded(), dataDirectory: directory,
                    logOrigin: PostgresTestLog.origin)
                let opener: AuditTrailOpener = { request in
                    UnsignableTrail(try await PostgresTestLog.open(url, request, proxy: "failing"))
                }
                await #expect(throws: AuditLogError.self) { _ = try await Gate.start(configuration, openTrail: opener) }
                let keys = try #require(try LogKeyStore.load(directory: directory))
                let other = try await PostgresTestLog.open(
                    url, try PostgresTestLog.request(keys: keys), proxy: "other", leasePoll: .milliseconds(100))
                let took = await PostgresTestLog.eventually(within: .seconds(10)) {
                    await other.health().holdsSignerLease
                }
                #expect(took, "the failed gate's log still holds the signer lease")
                try await other.close()
            }
        }
    }

    @Test("close signs what is left even when it lands inside a signer round (rounds back to back)")
    func closeDuringSignerRound() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            for round in 0..<30 {
                // No pause between the signer's rounds: close() almost always finds one running.
                let signer = try await PostgresTestLog.open(
                    url, try PostgresTestLog.request(keys: keys), proxy: "a", signerPoll: .zero)
                #expect(await signer.health().holdsSignerLease)
                for n in 0..<2 { _ = try await signer.append(PostgresTestLog.entry(2 * round + n, proxy: "a")) }
                try await signer.close()
                let next = try await PostgresTestLog.open(
                    url, try PostgresTestLog.request(keys: keys), proxy: "c", leasePoll: .seconds(600))
                #expect(next.startup.unsignedAtStart == 0, "round \(round): close left entries unsigned")
                try await next.close()
            }
        }
    }

    @Test("entries no signer signed are counted at start, as on the file log; none while another proxy signs")
    func unsignedAtStart() async throws {
        try await PostgresServer.withFreshDatabase { url in
            let keys = [try LogSigningKey(generatingFor: PostgresTestLog.origin)]
            let signer = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "a")
            #expect(await signer.health().holdsSignerLease)
            for n in 0..<2 { _ = try await signer.append(PostgresTestLog.entry(n, proxy: "a")) }
            // Two entries not signed yet, but a signer runs and will sign them: nothing to report.
            let writer = try await PostgresTestLog.open(
                url, try PostgresTestLog.request(keys: keys), proxy: "b", leasePoll: .seconds(600))
            #expect(writer.startup.unsignedAtStart == 0)
            try await signer.close()  // signs the two, lets the lease go
            for n in 2..<5 { _ = try await writer.append(PostgresTestLog.entry(n, proxy: "b")) }
            // Nobody signs now: the three entries after the newest checkpoint are what a crashed signer leaves.
            let next = try await PostgresTestLog.open(url, try PostgresTestLog.request(keys: keys), proxy: "c")
            #expect(next.startup.unsignedAtStart == 3)
            try await next.close()
            try await writer.close()
        }
    }
}
