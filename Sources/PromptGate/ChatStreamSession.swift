import AuditLog
import JSONCore
import Providers
import Screening
import Transport

/// One streamed chat answer (any ``ChatWire``): reads the upstream event stream as the client pulls, screens the
/// answer and restores placeholders slot by slot, and records the answer when it ends — or that it broke off or was
/// blocked, and why.
actor ChatStreamSession: StreamSession {
    private let gate: Gate
    private var upstream: ResponseBody.AsyncIterator?
    private var framer: StreamFramer
    /// Its transformer screens the answer, restores placeholders and keeps the answer's text for the log.
    private var rewriter: any ChatStreamRewriting<PlaceholderStreamTransformer> & Sendable
    private let wire: ChatWire
    private let context: RequestContext
    private let request: ExtractedRequest
    private let verdict: RegistryVerdict
    private let started: ContinuousClock.Instant
    /// The answer's screening: findings and a block.
    private let answers: AnswerScreening
    private var responseBytes = 0
    private var finished = false
    /// A disclosure notice still to be sent, before the protocol's end event.
    private var notice: String?

    init(
        gate: Gate, wire: ChatWire, upstream: ResponseBody, vault: PlaceholderVault, answers: AnswerScreening,
        context: RequestContext, request: ExtractedRequest, verdict: RegistryVerdict, started: ContinuousClock.Instant,
        notice: String? = nil
    ) {
        self.verdict = verdict
        self.wire = wire
        self.answers = answers
        var rewriter = wire.answerStreamRewriter(
            vault: vault, answers: answers, holdBack: gate.configuration.answerHoldBackBytes,
            loggedTextLimit: gate.configuration.maxLoggedTextBytes)
        let notice = notice.map { wire.noticePrefix + $0 }
        // Protocols that repeat the text place the notice themselves; the others get it before their end event.
        self.notice = notice.flatMap { rewriter.carryNotice($0) ? nil : $0 }
        self.rewriter = rewriter
        self.gate = gate
        self.upstream = upstream.makeAsyncIterator()
        self.framer = wire.framer()
        self.context = context
        self.request = request
        self.started = started
    }

    deinit {
        // The client went away before the end: the upstream transfer is cancelled with the body; say so in the log.
        guard !finished else { return }
        let gate = self.gate
        var entry = gate.responseEntry(
            .responseFailed, context: context, request: request, verdict: verdict, started: started, status: 499)
        entry.note = "the client disconnected mid-stream; the upstream transfer was cancelled"
        let logged = rewriter.transformer.logged
        entry.responseRedacted = gate.clip(logged.text, alsoNotKept: logged.dropped)
        entry.responseBytes = responseBytes
        gate.addAnswerFindings(answers, to: &entry)
        gate.recordAfterForwarding(entry)
    }

    func next() async -> [UInt8]? {
        guard !finished, var iterator = upstream else { return nil }
        do {
            while true {
                let chunk = try await iterator.next()
                upstream = iterator
                guard let chunk else { return end() }
                responseBytes += chunk.count
                var out: [ServerSentEvent] = []
                for event in try framer.feed(chunk) {
                    out += rewriter.rewrite(event)
                    if let block = answers.block { return blocked(out, block) }
                }
                out = withNotice(out)
                if !out.isEmpty { return encode(out) }
            }
        } catch {
            return fail(error)
        }
    }

    /// Puts the disclosure notice (once) right before the protocol's end event.
    private func withNotice(_ events: [ServerSentEvent]) -> [ServerSentEvent] {
        guard let text = notice, let end = events.firstIndex(where: { rewriter.isEnd($0) }) else { return events }
        notice = nil
        var out = events
        out.insert(contentsOf: rewriter.noticeEvents(text), at: end)
        return out
    }

    private func encode(_ events: [ServerSentEvent]) -> [UInt8] { framer.encode(events) }

    private func end() -> [UInt8]? {
        finished = true
        var tail: [ServerSentEvent] = []
        if let last = framer.finish() { tail += rewriter.rewrite(last) }
        tail += rewriter.finish()
        if let block = answers.block {
            finished = false
            return blocked(tail, block)
        }
        var entry = gate.responseEntry(
            .responseCompleted, context: context, request: request, verdict: verdict, started: started, status: 200)
        let logged = rewriter.transformer.logged
        entry.responseRedacted = gate.clip(logged.text, alsoNotKept: logged.dropped)
        entry.responseBytes = responseBytes
        (entry.promptTokens, entry.completionTokens) = rewriter.usage
        if !rewriter.sawEnd { entry.note = "the upstream stream ended without its end event" }
        gate.addAnswerFindings(answers, to: &entry)
        gate.recordAfterForwarding(entry)
        return tail.isEmpty ? nil : encode(tail)
    }

    private func fail(_ error: any Error) -> [UInt8]? {
        finished = true
        let failure = Gate.upstreamFailure(error)
        var entry = gate.responseEntry(
            .responseFailed, context: context, request: request, verdict: verdict, started: started,
            status: failure.status)
        entry.note = "the upstream stream broke off: \(error)"
        // Text held back goes out first (screened: a block among it ends the stream here), then an in-band error
        // the protocol's SDK raises.
        let held = rewriter.finish()
        let logged = rewriter.transformer.logged
        entry.responseRedacted = gate.clip(logged.text, alsoNotKept: logged.dropped)
        entry.responseBytes = responseBytes
        gate.addAnswerFindings(answers, to: &entry)
        if let block = answers.block { entry.note = (entry.note ?? "") + "; " + block.note }
        gate.recordAfterForwarding(entry)
        let frame = rewriter.errorEvent(
            status: failure.status, message: failure.message, type: failure.type, code: failure.code)
        upstream = nil
        return encode(held + [frame])
    }

    /// Ends the stream because the answer's screening blocked it: what was settled before the blocked value goes
    /// out, then the protocol's in-band error; the entry records the block. The upstream transfer is cancelled.
    private func blocked(_ before: [ServerSentEvent], _ block: AnswerBlock) -> [UInt8]? {
        finished = true
        let held = rewriter.finish()  // only text before the block: the screening sends nothing after it
        let failure = GateFailure.blocked(block.message)
        var entry = gate.responseEntry(
            .responseFailed, context: context, request: request, verdict: verdict, started: started,
            status: failure.status)
        entry.note = block.note + "; the stream was ended with an in-band error"
        let logged = rewriter.transformer.logged
        entry.responseRedacted = gate.clip(logged.text, alsoNotKept: logged.dropped)
        entry.responseBytes = responseBytes
        gate.addAnswerFindings(answers, to: &entry)
        gate.recordAfterForwarding(entry)
        let frame = rewriter.errorEvent(
            status: failure.status, message: failure.message, type: failure.type, code: failure.code)
        upstream = nil
        return encode(before + held + [frame])
    }
}
