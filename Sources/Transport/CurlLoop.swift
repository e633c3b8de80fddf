import CCurl
import Foundation
import Synchronization

/// One thread that owns a curl multi handle and drives every transfer on it. Other threads talk to it only through
/// a command queue and `curl_multi_wakeup`, so libcurl is never entered from two threads at once.
final class CurlLoop: @unchecked Sendable {
    private enum Command {
        case add(Transfer)
        case unpause(Transfer)
        case cancel(Transfer)
    }

    private let multi: UnsafeMutableRawPointer
    private let commands = Mutex<(queue: [Command], stopping: Bool)>(([], false))
    private let stopped = DispatchSemaphore(value: 0)
    // Loop-thread confined.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Transfers whose first body bytes arrived in this round: their head's readers are woken once the round is over.
    private var headsArrived: [Transfer] = []

    init(configuration: TransportConfiguration) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        _ = pg_multi_setopt_long(multi, CURLMOPT_PIPELINING, PG_CURLPIPE_MULTIPLEX)
        _ = pg_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        Thread { [self] in run() }.start()
    }

    func submit(_ transfer: Transfer) throws {
        try enqueue(.add(transfer))
    }

    func unpause(_ transfer: Transfer) { try? enqueue(.unpause(transfer)) }

    func cancel(_ transfer: Transfer) { try? enqueue(.cancel(transfer)) }

    private func enqueue(_ command: Command) throws {
        let accepted = commands.withLock { c -> Bool in
            guard !c.stopping else { return false }
            c.queue.append(command)
            return true
        }
        guard accepted else { throw TransportError.shutDown }
        curl_multi_wakeup(multi)
    }

    /// Fails every transfer still in flight, stops the thread and waits for it.
    func shutdown() {
        let first = commands.withLock { c -> Bool in
            defer { c.stopping = true }
            return !c.stopping
        }
        guard first else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
    }

    private func run() {
        // Foundation's `Thread.name` does not reach the kernel on Linux; `top -H`, `gdb` and tests read this one.
        _ = pg_name_this_thread("promptgate-curl")
        var running: Int32 = 0
        while true {
            let (batch, stopping) = commands.withLock { c in
                defer { c.queue.removeAll(keepingCapacity: true) }
                return (c.queue, c.stopping)
            }
            for command in batch { apply(command) }
            if stopping { break }
            curl_multi_perform(multi, &running)
            collectFinished()
            wakeHeadWaiters()
            enforceFirstByteDeadlines()
            curl_multi_poll(multi, nil, 0, pollTimeoutMilliseconds(), nil)
        }
        for transfer in Array(active.values) { remove(transfer, error: TransportError.shutDown) }
        curl_multi_cleanup(multi)
        stopped.signal()
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
                active[transfer.easy] = transfer
            } else {
                transfer.finish(TransportError.invalidRequest("curl_multi_add_handle failed"))
                transfer.release()
            }
        // A command may arrive after its transfer ended and libcurl reused the handle's address for a new one:
        // act only if the handle still belongs to this very transfer.
        case .unpause(let transfer):
            if active[transfer.easy] === transfer { curl_easy_pause(transfer.easy, Int32(PG_CURLPAUSE_CONT)) }
        case .cancel(let transfer):
            if active[transfer.easy] === transfer { remove(transfer, error: TransportError.cancelled) }
        }
    }

    /// Called by a transfer, on the loop thread, when the first bytes of its body have arrived.
    func wakeAfterRound(_ transfer: Transfer) { headsArrived.append(transfer) }

    /// Wakes the readers of the heads whose first body bytes arrived in this round. Each reader is woken once, after
    /// the round has queued what else came in: a short answer is then read whole without waiting for the loop again.
    private func wakeHeadWaiters() {
        for transfer in headsArrived { transfer.wakeHeadWaiter() }
        headsArrived.removeAll(keepingCapacity: true)
    }

    private func collectFinished() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = active[easy]
            else { continue }
            let code = pg_msg_result(message)
            remove(transfer, error: code == CURLE_OK ? nil : error(for: code, transfer: transfer))
        }
    }

    private func remove(_ transfer: Transfer, error: (any Error)?) {
        curl_multi_remove_handle(multi, transfer.easy)
        active[transfer.easy] = nil
        transfer.finish(error)
        transfer.release()
    }

    private func enforceFirstByteDeadlines() {
        let now = ContinuousClock.now
        for transfer in Array(active.values) where !transfer.headDelivered && now >= transfer.firstByteDeadline {
            remove(transfer, error: TransportError.firstByteTimeout)
        }
    }

    private func pollTimeoutMilliseconds() -> Int32 {
        var curlTimeout = -1
        curl_multi_timeout(multi, &curlTimeout)
        var timeout = curlTimeout < 0 ? 1000 : min(curlTimeout, 1000)
        if active.values.contains(where: { !$0.headDelivered }) { timeout = min(timeout, 50) }
        return Int32(timeout)
    }

    private func error(for code: CURLcode, transfer: Transfer) -> TransportError {
        let message = transfer.curlErrorMessage
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            if transfer.headDelivered { return .idleTimeout }
            var connectTime: curl_off_t = 0
            _ = pg_easy_getinfo_off(transfer.easy, CURLINFO_CONNECT_TIME_T, &connectTime)
            return connectTime == 0 ? .connectTimeout : .firstByteTimeout
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidRequest(message)
        default:
            return transfer.headDelivered ? .receiveFailed(message) : .connectFailed(message)
        }
    }
}

/// `curl_global_init` must run once, before any other libcurl call and while only one thread uses libcurl.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func ensureInitialized() { _ = initialized }

    /// The libcurl version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.15 … nghttp2/1.52.0`.
    static var version: String {
        ensureInitialized()
        return String(cString: curl_version())
    }
}
