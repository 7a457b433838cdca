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
