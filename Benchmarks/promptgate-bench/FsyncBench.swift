import Foundation

/// `promptgate-bench fsync [--dir D] [--count N] [--pauses 0,1500,5000]`: what one durable append costs this disk —
/// an 800-byte `pwrite` at the end of a file and an `fsync`, `count` times per pause, with `pause` µs of idleness
/// before each (0: back to back, as under load; milliseconds: one request at a time, as an employee sends them).
/// The audit contract makes this fsync wait before every prompt leaves, so it is a floor under the proxy's added
/// latency that no proxy design can go below on the same disk.
func benchFsync() throws {
    let dir = option("dir", NSTemporaryDirectory())
    let count = Int(option("count", "1000")) ?? 1000
    let pauses = option("pauses", "0,1500,5000").split(separator: ",").compactMap { Int($0) }
    let path = dir + "/promptgate-bench-fsync-\(getpid()).log"
    defer { unlink(path) }
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    let line = [UInt8](repeating: UInt8(ascii: "x"), count: 799) + [0x0A]
    var offset = 0
    print("pwrite (800 bytes) + fsync on \(dir), \(count) per pause")
    print("pause µs | p50 ms | p90 ms | p99 ms")
    for pause in pauses {
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            if pause > 0 { usleep(useconds_t(pause)) }
            let start = ContinuousClock.now
            let written = line.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard written == line.count, fsync(fd) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            samples.append(milliseconds(.now - start))
            offset += line.count
        }
        samples.sort()
        print(
            String(
                format: "%8d | %6.3f | %6.3f | %6.3f", pause, percentile(samples, 0.5), percentile(samples, 0.9),
                percentile(samples, 0.99)))
    }
}
