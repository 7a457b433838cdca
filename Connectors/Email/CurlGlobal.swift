import CCurl

/// libcurl's process-wide set-up, run once before the first easy handle. curl_global_init must
/// not run twice at the same time (before libcurl 7.84 it was not thread-safe at all); a static
/// `let` gives exactly that: Swift runs its initializer once, under swift_once, however many
/// threads reach it first. It is never undone (curl_global_cleanup), as the process may send
/// mail until it exits.
enum CurlGlobal {
    /// CURLE_OK (0) once libcurl is ready.
    static let initCode: UInt32 = parley_curl_global_init().rawValue
}
