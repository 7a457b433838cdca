import Foundation

/// Lets a sleeping loop be woken early: the dispatcher sleeps until its next due row, and a new
/// outbox row wakes it at once. No polling loop that wakes every few milliseconds.
actor WakeSignal {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Sleeps until `next` is due (a loop's earliest row; `nil` when nothing waits), never longer
    /// than `longest` (a safety net, not a poll), or until signalled.
    func wait(until next: Date?, now: Date, longest: Duration) async {
        guard let next else { return await wait(timeout: longest) }
        let seconds = next.timeIntervalSince(now)
        await wait(timeout: seconds <= 0 ? .milliseconds(1) : min(longest, .milliseconds(Int64(seconds * 1_000) + 1)))
    }

    /// Returns when signalled, when `timeout` has passed, or when the task is cancelled.
    func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let mine = generation
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = continuation
                Task {
                    try? await Task.sleep(for: timeout)
                    self.expire(mine)
                }
            }
        } onCancel: {
            Task { await self.signal() }
        }
    }

    private func expire(_ expected: Int) {
        guard expected == generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
