import ParleyCore
import Synchronization

/// A `MailSending` fake: records every mail and fails with the errors a test queues, so the
/// code that decides to send mail is tested without a server.
public final class RecordingMailer: MailSending {
    private struct State {
        var sent: [OutgoingMail] = []
        var failures: [MailError] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Mails accepted so far, in order.
    public var sent: [OutgoingMail] { state.withLock { $0.sent } }

    /// The next sends fail with these errors, one each, before sends succeed again.
    public func failNext(with errors: MailError...) {
        state.withLock { $0.failures += errors }
    }

    public func send(_ mail: OutgoingMail) async throws(MailError) {
        let failure = state.withLock { state -> MailError? in
            guard state.failures.isEmpty else { return state.failures.removeFirst() }
            state.sent.append(mail)
            return nil
        }
        if let failure { throw failure }
    }
}
