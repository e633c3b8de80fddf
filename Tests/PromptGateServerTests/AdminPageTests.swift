import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import PromptGate
@testable import PromptGateServer

/// `/admin`: only a users-file admin's key opens the live page; it has every chart and no script.
@Suite("Server: the /admin page")
struct AdminPageTests {
    static let admin = UserDirectory.newKey()
    static let employee = UserDirectory.newKey()

    @Test func onlyAnAdminKeyOpensIt() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = GateConfiguration(
                upstreamBaseURL: "http://127.0.0.1:\(closedPort())/v1", packs: try GuidelineLoader.embedded(),
                dataDirectory: directory, logOrigin: "test.example/admin")
            configuration.users = UserDirectory(users: [
                (ProxyUser(id: "boss", department: "it", admin: true), UserDirectory.hash(Self.admin)),
                (ProxyUser(id: "jdoe", department: "parks"), UserDirectory.hash(Self.employee)),
            ])
            let (gate, _) = try await Gate.start(configuration)
            let server = ProxyServer(gate: gate, configuration: ServerConfiguration(port: 0))
            do {
                try await Self.check(server)
            } catch {
                try? await gate.shutdown()
                throw error
            }
            try await gate.shutdown()
        }
    }

    static func check(_ server: ProxyServer) async throws {
        try await server.makeApplication().test(.router) { client in
            #expect(try await client.execute(uri: "/admin", method: .get).status == .unauthorized)
            let stranger = try await client.execute(
                uri: "/admin", method: .get, headers: [.authorization: "Bearer pgk_nobody"])
            #expect(stranger.status == .unauthorized)
            let employee = try await client.execute(
                uri: "/admin", method: .get, headers: [.authorization: "Bearer \(Self.employee)"])
            #expect(employee.status == .forbidden)
            let page = try await client.execute(
                uri: "/admin", method: .get, headers: [.authorization: "Bearer \(Self.admin)"])
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            for id in ["prompts-by-department", "decisions-over-time", "top-rules", "systems"] {
                #expect(html.contains("<svg id=\"chart-\(id)\""), "\(id)")
            }
            #expect(html.contains(#"<meta http-equiv="refresh""#))
            #expect(!html.contains("<script"))
        }
    }
}
