import Foundation
import Synchronization

/// Random bytes from the kernel's generator, drawn 256 bytes at a time (`getentropy`, the kernel's `getrandom`) and
/// handed out in small pieces: the 12-byte nonce of every sealed text and the id of every request, without a system
/// call each (two, for a nonce drawn eight bytes at a time). The bytes are the kernel's own, each handed out once and
/// then wiped from the pool; nonces and request ids are written in the log in the clear anyway.
package enum RandomPool {
    /// `getentropy` gives at most 256 bytes a call.
    static let capacity = 256
    private static let pool = Mutex<(bytes: [UInt8], next: Int)>(([UInt8](repeating: 0, count: capacity), capacity))

    /// `count` fresh random bytes (1 to 256).
    package static func bytes(_ count: Int) -> [UInt8] {
        precondition(count > 0 && count <= capacity)
        return pool.withLock { pool in
            if pool.next + count > capacity {
                refill(&pool.bytes)
                pool.next = 0
            }
            let range = pool.next..<(pool.next + count)
            let taken = Array(pool.bytes[range])
            for i in range { pool.bytes[i] = 0 }
            pool.next += count
            return taken
        }
    }

    private static func refill(_ bytes: inout [UInt8]) {
        let status = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, $0.count) }
        if status != 0 {
            // Without getrandom(2) (a kernel before 3.17): the generator Swift uses, eight bytes at a time.
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = generator.next() }
        }
    }
}
