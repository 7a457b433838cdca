/// How soon a push message matters to the user (RFC 8030 §5.3, the `Urgency` header). Push
/// services use it to spare a device's battery: `veryLow` and `low` may wait for power or Wi-Fi.
public enum PushUrgency: String, Sendable, Hashable, CaseIterable, Codable {
    case veryLow = "very-low"
    case low
    case normal
    case high
}
