import Foundation
import TestSupport
import Testing

@testable import PromptGate
@testable import Screening

@Suite("Configuration file and environment overrides")
struct ProxySettingsTests {
    @Test("the commented example loads, and every setting in it is known")
    func example() throws {
        let settings = try ProxySettings.load(path: repositoryRoot + "/docs/promptgate.example.yaml")
        #expect(settings.string("listen") == "127.0.0.1:8787")
        #expect(settings.string("upstream") == "https://api.openai.com/v1")
        #expect(try settings.int("checkpoint_every") == 1000)
        #expect(try settings.int("idle_timeout") == 120)
        #expect(try settings.bool("http2") == true)
        #expect(
            settings.values["checkpoint_every"]?.origin.hasSuffix("promptgate.example.yaml:51:21") == true,
            "\(settings.values["checkpoint_every"]?.origin ?? "")")
        // Every setting has a line in the example (commented out or not), named by its environment variable.
        let text = try String(contentsOfFile: repositoryRoot + "/docs/promptgate.example.yaml", encoding: .utf8)
        for setting in ProxySettings.known where setting.name != "client_key" {
            #expect(text.contains(setting.environment), "\(setting.environment) is not in the example")
        }
    }

    @Test("environment variables override the file; bad values name where they were set")
    func environment() throws {
        try withTemporaryDirectorySync { directory in try environment(in: directory) }
    }

    func environment(in directory: String) throws {
        let path = directory + "/c.yaml"
        try "listen: 127.0.0.1:9000\ntimeouts:\n  idle: soon\n".write(toFile: path, atomically: true, encoding: .utf8)
        var settings = try ProxySettings.load(path: path)
        do {
            _ = try settings.int("idle_timeout")
            Issue.record("accepted 'soon' as a number")
        } catch {
            #expect(error.description.hasPrefix(path + ":3:9"), "\(error)")
        }
        settings.apply(environment: ["PROMPTGATE_LISTEN": "127.0.0.1:9100", "PROMPTGATE_IDLE_TIMEOUT": "30"])
        #expect(settings.string("listen") == "127.0.0.1:9100")
        #expect(try settings.int("idle_timeout") == 30)
        settings.apply(environment: ["PROMPTGATE_HTTP2": "maybe"])
        #expect(throws: ConfigurationError.self) { try settings.bool("http2") }
    }

    @Test("unknown keys and lists are refused with file, line and the keys that exist")
    func refused() throws {
        try withTemporaryDirectorySync { directory in try refused(in: directory) }
    }

    func refused(in directory: String) throws {
        let path = directory + "/c.yaml"
        try "upstream:\n  uri: https://x\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try ProxySettings.load(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(path + ":2") && text.contains("unknown key 'uri'") && text.contains("key_file, url")
        }
        try "listen: [a, b]\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try ProxySettings.load(path: path) }
    }
}
