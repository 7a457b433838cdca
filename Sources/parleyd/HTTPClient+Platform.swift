import AsyncHTTPClient

extension HTTPClient {
    /// The client connectors call platforms through. It follows no redirect: a trusted media host
    /// redirecting to a private address would otherwise slip past `MediaURLPolicy`; connectors
    /// whose platforms redirect on purpose (Twilio media to its CDN) check and follow each hop.
    static func platformClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
