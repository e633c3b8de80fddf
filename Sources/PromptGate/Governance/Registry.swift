import Foundation
import Screening
import Yams

/// The city's AI register: one YAML file per system (`guidelines/registry/*.yaml`).
public struct Registry: Sendable {
    public var entries: [RegistryEntry]
    /// Where it was loaded from, for the operator's messages (never in block messages to clients).
    public var origin: String

    public init(entries: [RegistryEntry], origin: String) {
        self.entries = entries
        self.origin = origin
    }

    /// Loads every `*.yaml` in `directory`. Errors name the file and line.
    public static func load(directory: String) throws(PackError) -> Registry {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw PackError(file: directory, message: "cannot read the registry folder: \(error.localizedDescription)")
        }
        var entries: [RegistryEntry] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PackError(file: path, message: "cannot read the file")
            }
            let entry = try parse(bytes: Array(data), origin: path)
            if let other = entries.first(where: { $0.id == entry.id }) {
                throw PackError(file: path, message: "system id '\(entry.id)' is also used in \(other.location)")
            }
            entries.append(entry)
        }
        guard !entries.isEmpty else {
            // A typo in the folder or an unmounted share would otherwise block every request, silently.
            throw PackError(
                file: directory,
                message: "the registry holds no systems (no *.yaml or *.yml files): with it every request would be "
                    + "blocked; check the folder or register a system")
        }
        return Registry(entries: entries, origin: directory)
    }

    static let keys: Set<String> = [
        "id", "name", "description", "vendor", "models", "endpoints", "owner", "purpose", "permitted_uses",
        "prohibited_uses", "risk_level", "impact_assessment", "data_classifications", "status", "approved",
        "review_by", "retention", "resident_facing",
    ]

    /// Parses one registry file.
    public static func parse(bytes: [UInt8], origin: String) throws(PackError) -> RegistryEntry {
        let root = try NodeReader.compose(bytes: bytes, origin: origin)
        let r = NodeReader(origin: origin)
        let map = try r.mapping(root, "the registry entry", allowed: keys)
        let id = try r.string(map, "id", in: "the registry entry", parent: root)
        let what = "system '\(id)'"
        guard let vendorNode = map["vendor"] else { throw r.fail(root, "\(what) is missing 'vendor'") }
        let vendor = try r.mapping(vendorNode, "\(what) vendor", allowed: ["name", "trains_on_inputs"])
        guard let ownerNode = map["owner"] else { throw r.fail(root, "\(what) is missing 'owner'") }
        let owner = try r.mapping(ownerNode, "\(what) owner", allowed: ["department", "contact"])
        var assessment: RegistryEntry.ImpactAssessment?
        if let node = map["impact_assessment"] {
            let a = try r.mapping(
                node, "\(what) impact_assessment", allowed: ["framework", "status", "reference", "level", "date"])
            var level: Int?
            if let text = try r.optionalString(a, "level", in: "\(what) impact_assessment") {
                guard let value = ["I": 1, "II": 2, "III": 3, "IV": 4][text] else {
                    throw r.fail(a["level"], "\(what): impact_assessment level must be I, II, III or IV")
                }
                level = value
            }
            assessment = RegistryEntry.ImpactAssessment(
                framework: try r.string(a, "framework", in: "\(what) impact_assessment", parent: node),
                status: try r.choice(
                    a, "status", in: "\(what) impact_assessment", parent: node,
                    ["not-started", "in-progress", "completed"]),
                reference: try r.optionalString(a, "reference", in: "\(what) impact_assessment"), level: level,
                date: try r.optionalString(a, "date", in: "\(what) impact_assessment"))
        }
        let models = try r.strings(map, "models", in: what)
        let endpoints = try r.strings(map, "endpoints", in: what)
        if models.isEmpty { throw r.fail(map["models"] ?? root, "\(what) needs 'models' (model ids, or '*')") }
        if endpoints.isEmpty { throw r.fail(map["endpoints"] ?? root, "\(what) needs 'endpoints' (upstream hosts)") }
        for key in ["approved", "review_by"] {
            if let date = try r.optionalString(map, key, in: what), !isISODate(date) {
                throw r.fail(map[key], "\(what): '\(key)' must be a date like 2026-11-29")
            }
        }
        return RegistryEntry(
            id: id, name: try r.string(map, "name", in: what, parent: root),
            description: try r.optionalString(map, "description", in: what) ?? "",
            vendor: try r.string(vendor, "name", in: "\(what) vendor", parent: vendorNode),
            vendorTrainsOnInputs: try r.bool(vendor, "trains_on_inputs", in: "\(what) vendor", default: true),
            models: models, endpoints: endpoints,
            ownerDepartment: try r.string(owner, "department", in: "\(what) owner", parent: ownerNode),
            contact: try r.string(owner, "contact", in: "\(what) owner", parent: ownerNode),
            purpose: try r.string(map, "purpose", in: what, parent: root),
            permittedUses: try r.strings(map, "permitted_uses", in: what),
            prohibitedUses: try r.strings(map, "prohibited_uses", in: what),
            riskLevel: try choose(r, map, "risk_level", in: what, parent: root),
            impactAssessment: assessment,
            dataClassifications: try r.strings(map, "data_classifications", in: what),
            status: try choose(r, map, "status", in: what, parent: root),
            approved: try r.optionalString(map, "approved", in: what),
            reviewBy: try r.optionalString(map, "review_by", in: what),
            retention: try r.optionalString(map, "retention", in: what),
            residentFacing: try r.bool(map, "resident_facing", in: what, default: false),
            location: "\(origin):\(root.mark?.line ?? 1)")
    }

    /// A field whose text must name a case of `T`.
    static func choose<T: RawRepresentable & CaseIterable>(
        _ r: NodeReader, _ map: [String: Node], _ key: String, in what: String, parent: Node
    ) throws(PackError) -> T where T.RawValue == String {
        let text = try r.choice(map, key, in: what, parent: parent, T.allCases.map(\.rawValue))
        guard let value = T(rawValue: text) else { throw r.fail(map[key], "\(what): '\(key)' is not understood") }
        return value
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        return text.count == 10 && parts.count == 3 && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
    }
}
