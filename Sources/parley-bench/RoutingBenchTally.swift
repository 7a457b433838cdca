import ParleyRouting

/// What the routing replay counts: every decision's duration (kept whole, so percentiles are exact),
/// per event kind too, and what the actions did.
struct RoutingBenchTally {
    var nanos: [UInt64] = []
    var nanosByKind: [RoutingEventSource.Kind: [UInt64]] = [:]
    var assignments = 0
    var overflows = 0
    var refusals = 0
    var queueMoved = 0
    var outsideHours = 0
    var noAgentOnline = 0
    var queueLow = Int.max
    var queueHigh = 0

    mutating func record(_ kind: RoutingEventSource.Kind, nanos: UInt64, actions: [RoutingAction], queued: Int) {
        self.nanos.append(nanos)
        nanosByKind[kind, default: []].append(nanos)
        for action in actions {
            switch action {
            case .assign: assignments += 1
            case .overflowed: overflows += 1
            case .refused: refusals += 1
            case .queueMoved: queueMoved += 1
            case .outsideHours: outsideHours += 1
            case .noAgentOnline: noAgentOnline += 1
            }
        }
        queueLow = min(queueLow, queued)
        queueHigh = max(queueHigh, queued)
    }
}
