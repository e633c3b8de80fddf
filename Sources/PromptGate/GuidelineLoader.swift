import Foundation
import Screening

/// Where the guideline packs in force come from.
public enum GuidelineLoader {
    /// The packs under `folder/packs` (or directly in `folder`), or the embedded defaults when `folder` is `nil`.
    public static func load(folder: String?) throws(PackError) -> [GuidelinePack] {
        guard let folder else { return try embedded() }
        var isDirectory: ObjCBool = false
        let packs = folder + "/packs"
        if FileManager.default.fileExists(atPath: packs, isDirectory: &isDirectory), isDirectory.boolValue {
            return try PackLoader.loadDirectory(packs)
        }
        return try PackLoader.loadDirectory(folder)
    }

    /// The packs built into the binary (`guidelines/packs` at build time).
    public static func embedded() throws(PackError) -> [GuidelinePack] {
        var packs: [GuidelinePack] = []
        for (name, yaml) in EmbeddedGuidelines.packs {
            packs.append(try PackLoader.load(bytes: Array(yaml.utf8), origin: "embedded:\(name)"))
        }
        return packs
    }
}
