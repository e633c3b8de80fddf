import AuditLog
import Foundation
import Screening
import TestSupport
import Testing
import Transport

@testable import PromptGate

@Suite("GateConfiguration from the proxy's file, environment and options")
struct GateConfigurationLoadTests {
    /// Writes `text` as a configuration file in `directory`.
    private func file(_ text: String, in directory: String, named name: String = "promptgate.yaml") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("the file, then the environment, then the overrides: each layer wins over the one below")
    func precedence() throws {
        try withTemporaryDirectorySync { directory in
            let path = try file(
                "upstream:\n  url: https://file.example/v1\naudit:\n  checkpoint_every: 10\ntimeouts:\n  idle: 11\n",
                in: directory)
            let environment = ["PROMPTGATE_CHECKPOINT_EVERY": "20", "PROMPTGATE_IDLE_TIMEOUT": "21", "HOME": directory]
            let fileOnly = try GateConfiguration.load(file: path, environment: ["HOME": directory])
            #expect(fileOnly.upstreamBaseURL == "https://file.example/v1")
            #expect(fileOnly.checkpointEvery == 10)
            #expect(fileOnly.transport.idleTimeout == .seconds(11))

            let withEnvironment = try GateConfiguration.load(file: path, environment: environment)
            #expect(withEnvironment.upstreamBaseURL == "https://file.example/v1")
            #expect(withEnvironment.checkpointEvery == 20)
            #expect(withEnvironment.transport.idleTimeout == .seconds(21))

            let withOverrides = try GateConfiguration.load(
                file: path, environment: environment, overrides: ["checkpoint_every": "30"])
            #expect(withOverrides.checkpointEvery == 30)
            #expect(withOverrides.transport.idleTimeout == .seconds(21))

            // $PROMPTGATE_CONFIG names the file when none is given; an explicit file wins over it.
            let other = try file("audit:\n  checkpoint_every: 40\n", in: directory, named: "other.yaml")
            let named = try GateConfiguration.load(environment: ["PROMPTGATE_CONFIG": other, "HOME": directory])
            #expect(named.checkpointEvery == 40)
            let explicit = try GateConfiguration.load(
                file: path, environment: ["PROMPTGATE_CONFIG": other, "HOME": directory])
            #expect(explicit.checkpointEvery == 10)
        }
    }

    @Test("what no layer sets takes the owning struct's default, the same one its initializer uses")
    func defaults() throws {
        let read = try GateConfiguration.load(environment: ["HOME": "/home/someone"])
        let built = GateConfiguration(
            upstreamBaseURL: GateConfiguration.defaultUpstreamBaseURL, packs: [], dataDirectory: "")
        #expect(read.upstreamBaseURL == GateConfiguration.defaultUpstreamBaseURL)
        #expect(read.dataDirectory == "/home/someone/.local/share/promptgate")
        #expect(read.dataDirectory == GateConfiguration.defaultDataDirectory(home: "/home/someone"))
        #expect(read.logOrigin == GateConfiguration.defaultOrigin())
        for configuration in [read, built] {
            #expect(configuration.checkpointEvery == AuditLogConfiguration.defaultCheckpointEvery)
            #expect(configuration.checkpointInterval == AuditLogConfiguration.defaultCheckpointInterval)
            #expect(configuration.maxSegmentBytes == AuditLogConfiguration.defaultMaxSegmentBytes)
            #expect(configuration.maxRequestBytes == GateConfiguration.defaultMaxRequestBytes)
            #expect(configuration.maxResponseBytes == GateConfiguration.defaultMaxResponseBytes)
            #expect(configuration.maxLoggedTextBytes == GateConfiguration.defaultMaxLoggedTextBytes)
            #expect(configuration.unscreenedParts == GateConfiguration.defaultUnscreenedParts)
            #expect(configuration.reviewOverdue == GateConfiguration.defaultReviewOverdue)
            #expect(configuration.transport.connectTimeout == TransportConfiguration.defaultConnectTimeout)
            #expect(configuration.transport.firstByteTimeout == TransportConfiguration.defaultFirstByteTimeout)
            #expect(configuration.transport.idleTimeout == TransportConfiguration.defaultIdleTimeout)
            #expect(configuration.transport.http2 == TransportConfiguration.defaultHTTP2)
            #expect(configuration.transport.caBundlePath == nil && configuration.transport.proxy == nil)
        }
        // Nothing configured: no key, no users, no registry, the packs built into the binary.
        #expect(read.upstreamAPIKey == nil && read.users == nil && read.registry == nil && read.policies == nil)
        #expect(try read.packs.map(\.id) == GuidelineLoader.embedded().map(\.id))
        // The values the proxy has always used, so that moving them changed none.
        #expect(AuditLogConfiguration.defaultCheckpointEvery == 1000)
        #expect(AuditLogConfiguration.defaultCheckpointInterval == .seconds(5))
        #expect(AuditLogConfiguration.defaultMaxSegmentBytes == 256 << 20)
        #expect(GateConfiguration.defaultMaxRequestBytes == 8 << 20)
        #expect(TransportConfiguration.defaultConnectTimeout == .seconds(10))
        #expect(TransportConfiguration.defaultFirstByteTimeout == .seconds(120))
        #expect(TransportConfiguration.defaultIdleTimeout == .seconds(120))
    }

    @Test("a bad value is a ConfigurationError at its file, line and column, under its key")
    func badValue() throws {
        try withTemporaryDirectorySync { directory in
            let path = try file("audit:\n  checkpoint_every: lots\n", in: directory)
            #expect {
                _ = try GateConfiguration.load(file: path, environment: [:])
            } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return error.file == path && error.line == 2 && error.column == 21 && error.key == "checkpoint_every"
                    && error.description == "\(path):2:21: checkpoint_every: expected a whole number, not 'lots'"
            }
            let choice = try file("review_overdue: later\n", in: directory)
            #expect {
                _ = try GateConfiguration.load(file: choice, environment: [:])
            } throws: { error in
                "\(error)" == "\(choice):1:17: review_overdue: expected warn or block, not 'later'"
            }
        }
        // From the environment or an override, the variable or the option is the place.
        #expect {
            _ = try GateConfiguration.load(environment: ["PROMPTGATE_HTTP2": "maybe"])
        } throws: { error in
            "\(error)" == "$PROMPTGATE_HTTP2: http2: expected true or false, not 'maybe'"
        }
        #expect {
            _ = try GateConfiguration.load(environment: [:], overrides: ["idle_timeout": "-1"])
        } throws: { error in
            "\(error)" == "--idle-timeout: idle_timeout: expected a whole number, not '-1'"
        }
    }

    @Test("unknown keys in the file and unknown override names are refused")
    func unknownKeys() throws {
        try withTemporaryDirectorySync { directory in
            let path = try file("listen: 127.0.0.1:0\ntimeouts:\n  idel: 5\n", in: directory)
            #expect {
                _ = try GateConfiguration.load(file: path, environment: [:])
            } throws: { error in
                let error = error as? ConfigurationError
                return error?.file == path && error?.line == 3
                    && error?.description.hasSuffix(
                        "'timeouts': unknown key 'idel' (expected one of: client, connect, first_byte, idle)") == true
            }
        }
        #expect {
            _ = try GateConfiguration.load(environment: [:], overrides: ["checkpoints_every": "5"])
        } throws: { error in
            (error as? ConfigurationError)?.key == "checkpoints_every" && "\(error)".contains("unknown setting")
        }
    }

    @Test("the upstream key comes from its file, else from the environment; an unreadable file is refused")
    func keys() throws {
        try withTemporaryDirectorySync { directory in
            let keyFile = try file("  sk-from-file\n", in: directory, named: "upstream.key")
            let fromFile = try GateConfiguration.load(
                environment: ["PROMPTGATE_UPSTREAM_KEY_FILE": keyFile, "PROMPTGATE_UPSTREAM_KEY": "sk-from-env"])
            #expect(fromFile.upstreamAPIKey?.value == "sk-from-file")
            let fromEnvironment = try GateConfiguration.load(
                environment: ["PROMPTGATE_UPSTREAM_KEY": "sk-from-env", "PROMPTGATE_ANTHROPIC_KEY": "sk-ant"])
            #expect(fromEnvironment.upstreamAPIKey?.value == "sk-from-env")
            #expect(fromEnvironment.anthropicAPIKey?.value == "sk-ant")
            // A key never prints, not even inside the settings that carry it.
            let settings = try ProxySettings.load(environment: ["PROMPTGATE_UPSTREAM_KEY": "sk-from-env"])
            #expect(!"\(settings)".contains("sk-from-env"))
            #expect {
                _ = try GateConfiguration.load(environment: [:], overrides: ["upstream_key_file": directory + "/none"])
            } throws: { error in
                let error = error as? ConfigurationError
                return error?.key == "upstream_key_file" && error?.source == "--upstream-key-file"
            }
        }
    }

    @Test("an error in a file a setting names is reported at that file's line, under the setting")
    func namedFiles() throws {
        try withTemporaryDirectorySync { directory in
            let users = try file("users:\n  - id: jdoe\n    key_sha256: nothex\n", in: directory, named: "users.yaml")
            #expect {
                _ = try GateConfiguration.load(environment: ["PROMPTGATE_USERS": users])
            } throws: { error in
                let error = error as? ConfigurationError
                return error?.file == users && error?.line == 3 && error?.key == "users"
            }
        }
    }

    @Test("docs/promptgate.example.yaml loads into the configuration it describes")
    func example() throws {
        try withTemporaryDirectorySync { directory in
            // The example names files under /etc; the environment points those at ones that exist here.
            let key = try file("sk-city\n", in: directory, named: "upstream.key")
            let users = try file(
                "users:\n  - id: jdoe\n    department: parks\n    key_sha256: \(String(repeating: "a", count: 64))\n",
                in: directory, named: "users.yaml")
            let environment = [
                "PROMPTGATE_UPSTREAM_KEY_FILE": key, "PROMPTGATE_USERS": users, "PROMPTGATE_DATA": directory,
                "PROMPTGATE_REGISTRY": repositoryRoot + "/guidelines/registry",
            ]
            let configuration = try GateConfiguration.load(
                file: repositoryRoot + "/docs/promptgate.example.yaml", environment: environment)
            #expect(configuration.upstreamBaseURL == "https://api.openai.com/v1")
            #expect(configuration.upstreamAPIKey?.value == "sk-city")
            #expect(configuration.dataDirectory == directory)
            #expect(configuration.logOrigin == "city.example/promptgate")
            #expect(configuration.checkpointEvery == 1000)
            #expect(configuration.checkpointInterval == .seconds(5))
            #expect(configuration.maxSegmentBytes == 268_435_456)
            #expect(configuration.maxRequestBytes == 8_388_608)
            #expect(configuration.transport.connectTimeout == .seconds(10))
            #expect(configuration.transport.http2)
            #expect(configuration.users?.users.map(\.id) == ["jdoe"])
            #expect(configuration.registry?.entries.isEmpty == false)
            #expect(configuration.reviewOverdue == .warn)
            #expect(configuration.unscreenedParts == .block)
            #expect(configuration.anthropicBaseURL == nil && configuration.policies == nil)
        }
    }
}
