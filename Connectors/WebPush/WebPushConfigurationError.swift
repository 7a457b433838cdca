/// A Web Push setting the admin gave that cannot work: a VAPID key that does not parse, a
/// subject that is neither `mailto:` nor `https:`, a `pushServiceHosts` entry that is not a host.
/// The reason names the setting and what is wrong, never the secret itself.
public struct WebPushConfigurationError: Error, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
