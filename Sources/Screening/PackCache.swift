import Crypto
import Foundation

/// Packs already read, kept on disk between runs (beside the compiled databases, see ``DatabaseCache``): reading the
/// default packs' YAML costs tens of milliseconds at every start, reading them from here (``PackEncoding``, mapped,
/// no parsing) well under one.
///
/// A pack is stored under the SHA-256 of its bytes, its origin and the running executable's identity (device, inode,
/// size and modification time) and the stored form's version: the reader's code is part of the executable, so a
/// rebuilt binary reads every pack afresh, and an edited pack is a new key. Only packs that read without error are stored; a file that does not
/// decode is read from YAML again.
enum PackCache {
    /// The running executable, as a key part; nil where it cannot be known (then nothing is cached).
    static let executable: String? = {
        #if os(Linux)
            var info = stat()
            guard stat("/proc/self/exe", &info) == 0 else { return nil }
            return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        #else
            return nil
        #endif
    }()

    /// The file of a pack with these bytes (their SHA-256, hex) read from `origin`, nil when nothing is cached.
    private static func path(digest: String, origin: String) -> String? {
        guard let folder = DatabaseCache.current, let executable else { return nil }
        var hasher = SHA256()
        hasher.update(data: Array("pack-2.\(PackEncoding.version)\u{0}\(executable)\u{0}\(origin)\u{0}\(digest)".utf8))
        return folder + "/" + hexString(hasher.finalize()) + ".pack"
    }

    /// The pack read before from bytes with this digest at `origin`, if one is stored and decodes.
    static func load(digest: String, origin: String) -> GuidelinePack? {
        guard let path = path(digest: digest, origin: origin), let file = MappedFile(path: path),
            let pack = PackEncoding.decode(file.bytes),
            pack.contentHash == digest, pack.origin == origin
        else { return nil }
        DatabaseCache.markUsed(file)
        return pack
    }

    /// Stores a pack read from YAML (written to a temporary file, then renamed; failures are ignored).
    static func store(_ pack: GuidelinePack, digest: String) {
        guard let folder = DatabaseCache.current, let path = path(digest: digest, origin: pack.origin) else { return }
        DatabaseCache.write(Data(PackEncoding.encode(pack)), to: path, in: folder)
    }
}
