// The key types a caller needs for keyed pseudonyms (``PlaceholderVault/init(pseudonymKey:)``), so `import Screening`
// is enough: without these a developer must add swift-crypto to their own manifest to name a key.
@_exported import struct Crypto.SymmetricKey
@_exported import struct Crypto.SymmetricKeySize
