import AuditLogPostgres
import Testing

@Suite("PostgreSQL log URLs: read strictly, never shown with their password")
struct PostgresLogURLTests {
    @Test("the parts of a URL, with defaults, encodings and an IPv6 host")
    func parts() throws {
        let url = try PostgresLogURL(
            "postgres://audit%40city:p%2Fw%3Ad@db.city.example:6432/prompt%20log?sslmode=verify-full")
        #expect(url.user == "audit@city")
        #expect(url.password?.value == "p/w:d")
        #expect(url.host == "db.city.example")
        #expect(url.port == 6432)
        #expect(url.database == "prompt log")
        #expect(url.sslMode == .verifyFull)
        let plain = try PostgresLogURL("postgresql://u@127.0.0.1/db")
        #expect(plain.port == 5432 && plain.sslMode == .prefer && plain.password == nil)
        let six = try PostgresLogURL("postgres://u@[::1]:5433/db?sslmode=disable")
        #expect(six.host == "::1" && six.port == 5433 && six.sslMode == .disable)
        #expect(six.description == "postgres://u@[::1]:5433/db?sslmode=disable")
    }

    @Test(
        "the password never shows: not in the description, dump, interpolation or any error",
        arguments: [
            "postgres://u:hunter2-SECRET@h:5432/db",
            "postgres://u:hunter2-SECRET@h:5432/db?sslmode=bogus",
            "postgres://u:hunter2-SECRET@h:99999/db",
            "postgres://u:hunter2-SECRET@h:5432/",
            "postgres://u:hunter2-SECRET@h:5432/db?sslmode=disable&password=x",
            "postgres://u:hunter2/SECRET@h/db",
            "postgres://u:hunter2?SECRET@h/db",
            "postgres://u:hunter2@SECRET@h/db?sslmode=nope",
            "postgres://u:hunter2%zzSECRET@h/db",
            "postgres://u:hunter2 SECRET@h/db",
            "postgres://u:hunter2-SECRET@/db",
            "postgres://u:hunter2-SECRET@h/db#frag",
            "postgres://:hunter2-SECRET@h/db",
            "postgres://u:hunter2-SECRET",
        ])
    func passwordHidden(text: String) {
        do {
            let url = try PostgresLogURL(text)
            var dumped = ""
            dump(url, to: &dumped)
            for shown in [url.description, "\(url)", String(reflecting: url), dumped] {
                #expect(!shown.contains("hunter2"), "\(shown)")
                #expect(!shown.contains("SECRET"), "\(shown)")
            }
        } catch {
            #expect(!error.description.contains("hunter2"), "\(error)")
            #expect(!error.description.contains("SECRET"), "\(error)")
        }
    }

    @Test(
        "hostile and mistaken URLs are refused",
        arguments: [
            "mysql://u@h/db", "postgres://h/db", "postgres://u@h:0/db", "postgres://u@h:5432", "postgres://u@h/a/b",
            "postgres://u@h/db?sslmode=disable&sslmode=require", "postgres://u@h/db?sslmode=DISABLE",
            "postgres://u@h/db?host=evil", "postgres://u@h\u{0}x/db", "postgres://u@h/d%00b", "postgres://u@h/db%ff",
            "postgres://u@hö.example/db", "postgres://u@[::1/db", "postgres://u@h:12345678/db",
        ])
    func refused(text: String) {
        #expect(throws: PostgresLogURL.ParseError.self) { try PostgresLogURL(text) }
    }
}
