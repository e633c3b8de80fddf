// Only PromptGate and Testing: a program that embeds the gate must be able to set the transport (a corporate proxy,
// a CA bundle, timeouts) without importing Transport itself. If the re-export goes, this file stops compiling.
import PromptGate
import Testing

@Suite("Transport settings through import PromptGate alone")
struct TransportReexportTests {
    @Test("a TransportConfiguration is built, changed and given to a GateConfiguration")
    func corporateProxy() {
        var transport = TransportConfiguration(
            connectTimeout: .seconds(3), caBundlePath: "/etc/ssl/certs/city-root.pem",
            proxy: "http://proxy.city.example:3128")
        transport.noProxy = "localhost,.city.example"
        transport.idleTimeout = TransportConfiguration.defaultIdleTimeout
        var configuration = GateConfiguration(
            upstreamBaseURL: GateConfiguration.defaultUpstreamBaseURL, packs: [], dataDirectory: "/tmp/unused")
        configuration.transport = transport
        #expect(configuration.transport.proxy == "http://proxy.city.example:3128")
        #expect(configuration.transport.caBundlePath == "/etc/ssl/certs/city-root.pem")
        #expect(configuration.transport.connectTimeout == .seconds(3))
        #expect(configuration.transport.noProxy == "localhost,.city.example")
    }
}
