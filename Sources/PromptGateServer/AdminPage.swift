import AuditLog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PromptGate
import Reporting

/// The proxy's `/admin` page: the report's charts for the last 24 hours, read from the tail of the log, reloaded by
/// the browser every ``refreshSeconds`` and rendered at most once per ``cacheSeconds``. Only users marked `admin`
/// in the users file may open it, with their proxy key (`Authorization: Bearer …` or `x-api-key`).
actor AdminPage {
    let gate: Gate
    let refreshSeconds = 30
    let cacheSeconds = 5.0
    private var cached: (at: Date, html: String)?

    init(gate: Gate) { self.gate = gate }

    /// 401 without a known key, 403 for a user who is not an admin, else the page.
    func response(headers: HTTPFields) async -> Response {
        let identity = gate.identify(
            authorization: headers[.authorization], apiKey: headers[HTTPField.Name("x-api-key")!])
        switch identity {
        case .anonymous:
            return Self.text(
                .forbidden, "/admin needs a users file with an admin user (promptgate users add --admin)\n")
        case .rejected:
            var response = Self.text(.unauthorized, "an admin's proxy key is required\n")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        case .user(let user) where !user.admin:
            return Self.text(.forbidden, "this key's user is not an admin\n")
        case .user:
            break
        }
        let html: String
        if let cached, Date().timeIntervalSince(cached.at) < cacheSeconds {
            html = cached.html
        } else {
            html = render(now: Date())
            cached = (Date(), html)
        }
        var fields: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    private func render(now: Date) -> String {
        let configuration = gate.configuration
        let since = AuditEntry.rfc3339(now.addingTimeInterval(-86_400))
        let sources = ReportContext.ruleSources(configuration.packs)
        let context = ReportContext(
            page: .live(refreshSeconds: refreshSeconds), title: "PromptGate: the last 24 hours",
            generatedAt: AuditEntry.rfc3339(now), today: String(AuditEntry.rfc3339(now).prefix(10)),
            registry: configuration.registry, ruleSources: sources)
        do {
            let paths = LogTail.segments(directory: configuration.dataDirectory, since: since)
            let statistics = try ReportStatistics.read(paths: paths, since: since, granularity: .hour)
            return ReportPage.render(statistics, context: context)
        } catch {
            return ReportPage.render(ReportStatistics(since: since, granularity: .hour), context: context)
        }
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The segments of a log that can hold entries at or after a time: the newest ones, back to the first whose
/// first entry is older.
enum LogTail {
    static func segments(directory: String, since: String) -> [String] {
        guard let all = try? LogSegments.list(directory: directory) else { return [] }
        var kept: [String] = []
        for path in all.reversed() {
            kept.insert(path, at: 0)
            if let first = firstTime(path), first < since { break }
        }
        return kept
    }

    /// The `ts` of a segment's first line (entries start with `v`, `seq`, `ts`).
    static func firstTime(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 512) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let key = text.range(of: #""ts":""#) else { return nil }
        let rest = text[key.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
