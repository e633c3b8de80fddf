import AuditLog
import Crypto
import Foundation
import JSONCore

/// The registry as a public transparency record in the Eurocities Algorithmic Transparency Standard v0.3.1
/// (algorithmregister.org; attribute names from its published schema `schema-v0_3_1.yaml`). Attributes PromptGate
/// does not hold (lawful basis, proportionality, objection procedure, …) are left empty for the city to complete.
/// Each record also carries the whole registry entry under `x_promptgate`, so an export reads back exactly.
public enum TransparencyRecord {
    /// The standard's attributes, in its order.
    public static let attributes = [
        "standard_version", "uuid", "lang", "publication_date", "last_change_date", "revision_date", "revision_note",
        "keywords", "name", "organization", "department", "country", "contact_email", "contact_phone", "contact_name",
        "description_short", "website", "status", "remark", "decision_making_process", "domain", "area", "goal",
        "impact", "risks", "risk_category", "proportionality", "lawful_basis", "documentation", "training_data",
        "source_data", "data_bias", "connected_data_sources", "DPIA_description", "DPIA_url", "description",
        "algorithm_type", "methods_and_models", "performance", "alternatives_considered", "product_information",
        "codebase_url", "product_page", "AIA_description", "AIA_url", "type", "monitoring", "human_intervention",
        "objection_procedure", "rollback",
    ]

    /// Who publishes the register.
    public struct Publisher: Sendable {
        public var organization: String
        public var country: String
        public var area: String
        public init(organization: String, country: String, area: String) {
            self.organization = organization
            self.country = country
            self.area = area
        }
    }

    /// The standard's attributes for one entry (empty where PromptGate holds nothing).
    public static func values(_ e: RegistryEntry, publisher: Publisher) -> [String: String] {
        let status: String
        var remark = ""
        switch e.status {
        case .planned: status = "planned"
        case .approved: status = "pilot"
        case .operational: status = "operational"
        case .retired: status = "retired"
        case .suspended:
            status = "evaluation"
            remark = "Suspended: the city's AI gateway blocks its use until further notice."
        }
        let assessment =
            e.impactAssessment.map { a in
                "\(a.framework), \(a.status)\(a.reference.map { ", reference \($0)" } ?? "")\(a.level.map { ", impact level \(Purpose.roman($0))" } ?? "")\(a.date.map { " (\($0))" } ?? "")"
            } ?? ""
        return [
            "standard_version": "0.3.1", "uuid": uuid(for: e.id), "lang": "en",
            "publication_date": e.approved ?? "", "last_change_date": e.approved ?? "",
            "revision_date": e.reviewBy ?? "",
            "keywords": (["generative AI"] + e.models).joined(separator: ", "), "name": e.name,
            "organization": publisher.organization, "department": e.ownerDepartment, "country": publisher.country,
            "contact_email": e.contact,
            "description_short": String((e.description.isEmpty ? e.purpose : e.description).prefix(150)),
            "status": status, "remark": remark, "decision_making_process": e.purpose, "domain": "generic",
            "area": publisher.area, "goal": e.purpose,
            "impact": e.residentFacing
                ? "Residents read its answers directly; they are marked as AI-generated."
                : "Used by city staff; a person reviews its output before it affects anyone.",
            "risks":
                "Screened by PromptGate: residents' personal data is redacted before prompts leave; decisions about people need a declared purpose and an assessment. Permitted uses: \(e.permittedUses.joined(separator: ", ")). Prohibited uses: \(e.prohibitedUses.joined(separator: ", ")).",
            "risk_category": [
                "minimal": "minimal risk", "limited": "limited risk", "high": "high risk",
                "unacceptable": "unacceptable",
            ][e.riskLevel.rawValue] ?? "",
            "training_data":
                "Provided by \(e.vendor); the vendor \(e.vendorTrainsOnInputs ? "may train" : "does not train") on the city's inputs.",
            "source_data":
                "Prompts from city staff. Allowed data classifications: \(e.dataClassifications.joined(separator: ", ")).",
            "description": e.description, "algorithm_type": "self-learning",
            "methods_and_models":
                "Large language model(s): \(e.models.joined(separator: ", ")) at \(e.endpoints.joined(separator: ", ")) (\(e.vendor))",
            "AIA_description": assessment,
        ]
    }

    /// A stable UUID (version 5 layout) derived from the system id, so re-exports keep their identifiers.
    static func uuid(for id: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("promptgate-registry:\(id)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = hexString(bytes)
        let parts = [
            digits.prefix(8), digits.dropFirst(8).prefix(4), digits.dropFirst(12).prefix(4),
            digits.dropFirst(16).prefix(4), digits.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }

    /// The whole entry as PromptGate holds it (the `x_promptgate` extension).
    static func extensionObject(_ e: RegistryEntry) -> JSONValue {
        func list(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
        func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
        let a =
            e.impactAssessment.map { a -> JSONValue in
                .object([
                    ("framework", .string(a.framework)), ("status", .string(a.status)),
                    ("reference", optional(a.reference)),
                    ("level", a.level.map { .int($0) } ?? .null), ("date", optional(a.date)),
                ])
            } ?? .null
        return .object([
            ("id", .string(e.id)), ("name", .string(e.name)), ("description", .string(e.description)),
            ("vendor", .string(e.vendor)), ("vendor_trains_on_inputs", .bool(e.vendorTrainsOnInputs)),
            ("models", list(e.models)), ("endpoints", list(e.endpoints)),
            ("owner_department", .string(e.ownerDepartment)),
            ("contact", .string(e.contact)), ("purpose", .string(e.purpose)), ("permitted_uses", list(e.permittedUses)),
            ("prohibited_uses", list(e.prohibitedUses)), ("risk_level", .string(e.riskLevel.rawValue)),
            ("impact_assessment", a),
            ("data_classifications", list(e.dataClassifications)), ("status", .string(e.status.rawValue)),
            ("approved", optional(e.approved)), ("review_by", optional(e.reviewBy)),
            ("retention", optional(e.retention)),
            ("resident_facing", .bool(e.residentFacing)), ("location", .string(e.location)),
        ])
    }

    /// The register as a JSON array of records.
    public static func json(_ registry: Registry, publisher: Publisher) -> String {
        let records: [JSONValue] = registry.entries.map { e in
            let v = values(e, publisher: publisher)
            let fields: [(key: String, value: JSONValue)] = attributes.map { ($0, JSONValue.string(v[$0] ?? "")) }
            return .object(fields + [("x_promptgate", extensionObject(e))])
        }
        return JSONValue.array(records).serialized()
    }

    /// The register as CSV in the layout of the standard's template: `;`-separated, every field quoted.
    public static func csv(_ registry: Registry, publisher: Publisher) -> String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = [(attributes + ["x_promptgate"]).map(quote).joined(separator: ";")]
        for e in registry.entries {
            let v = values(e, publisher: publisher)
            lines.append(
                (attributes.map { quote(v[$0] ?? "") } + [quote(extensionObject(e).serialized())]).joined(
                    separator: ";"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads entries back from an export (JSON or CSV), through their `x_promptgate` extension.
    public static func entries(fromExport text: String) throws -> [RegistryEntry] {
        let objects: [JSONValue]
        if text.hasPrefix("[") {
            objects = try JSONParser.parse(text).arrayValue?.compactMap { $0["x_promptgate"] } ?? []
        } else {
            let rows = parseCSV(text)
            guard let header = rows.first, let column = header.firstIndex(of: "x_promptgate") else {
                throw GateError.setup("the CSV has no x_promptgate column")
            }
            objects = try rows.dropFirst().filter { $0.count > column }.map { try JSONParser.parse($0[column]) }
        }
        return try objects.map(entry(from:))
    }

    static func entry(from o: JSONValue) throws -> RegistryEntry {
        func s(_ k: String) throws -> String {
            guard let v = o[k]?.stringValue else { throw GateError.setup("x_promptgate.\(k) is missing") }
            return v
        }
        func list(_ k: String) -> [String] { o[k]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let a = o["impact_assessment"].flatMap { a -> RegistryEntry.ImpactAssessment? in
            guard let framework = a["framework"]?.stringValue, let status = a["status"]?.stringValue else { return nil }
            return .init(
                framework: framework, status: status, reference: a["reference"]?.stringValue,
                level: a["level"]?.intValue, date: a["date"]?.stringValue)
        }
        guard let risk = RegistryEntry.RiskLevel(rawValue: try s("risk_level")),
            let status = RegistryEntry.Status(rawValue: try s("status"))
        else {
            throw GateError.setup("x_promptgate has an unknown risk level or status")
        }
        return RegistryEntry(
            id: try s("id"), name: try s("name"), description: try s("description"), vendor: try s("vendor"),
            vendorTrainsOnInputs: o["vendor_trains_on_inputs"]?.boolValue ?? true, models: list("models"),
            endpoints: list("endpoints"),
            ownerDepartment: try s("owner_department"), contact: try s("contact"), purpose: try s("purpose"),
            permittedUses: list("permitted_uses"), prohibitedUses: list("prohibited_uses"), riskLevel: risk,
            impactAssessment: a,
            dataClassifications: list("data_classifications"), status: status, approved: o["approved"]?.stringValue,
            reviewBy: o["review_by"]?.stringValue, retention: o["retention"]?.stringValue,
            residentFacing: o["resident_facing"]?.boolValue ?? false, location: try s("location"))
    }

    /// Splits `;`-separated CSV with `"` quoting (doubled quotes inside), as the standard's template uses.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == ";" {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
