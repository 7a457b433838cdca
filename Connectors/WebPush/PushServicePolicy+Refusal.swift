extension PushServicePolicy {
    /// Why an endpoint is not reached. Each reason names the host, so the log line and the
    /// message's failure say which subscription pointed where.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case unparsable(endpoint: String)
        case credentialsInURL(host: String)
        case insecureScheme(host: String, scheme: String)
        /// An address of the gateway's own machine or network (loopback, private, link-local…).
        case localAddress(host: String, kind: String)
        case port(host: String, port: Int)
        /// A host that is not one of the known push services nor in `pushServiceHosts`.
        case unknownPushService(host: String)

        public var description: String {
            switch self {
            case .unparsable(let endpoint):
                "the push endpoint '\(endpoint)' is not a URL the gateway will send to"
            case .credentialsInURL(let host):
                "the push endpoint for \(host) carries credentials in the URL"
            case .insecureScheme(let host, let scheme):
                "the push endpoint for \(host) uses \(scheme); push services are reached over https only"
            case .localAddress(let host, let kind):
                "the push endpoint's host \(host) is \(kind); the gateway does not send pushes into its own network"
            case .port(let host, let port):
                "the push endpoint for \(host) names port \(port); push services listen on 443"
            case .unknownPushService(let host):
                "the push endpoint's host \(host) is not a known push service (add it to pushServiceHosts to allow it)"
            }
        }
    }
}
