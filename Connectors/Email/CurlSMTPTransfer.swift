import CCurl
import ParleyCore

/// One blocking libcurl SMTP transfer: connect, (STARTTLS,) (AUTH,) MAIL FROM, RCPT TO for each
/// recipient, DATA with the message, QUIT. Everything libcurl touches — the easy handle, the
/// recipient list, the error buffer, the callbacks' state — is created and freed on the calling
/// thread, inside this one function.
enum CurlSMTPTransfer {
    struct Envelope: Sendable {
        var sender: String
        var recipients: [String]
    }

    /// Both callbacks receive the `CurlUpload` as their user data.
    private static let readMessage: parley_curl_io_callback = { buffer, size, count, userData in
        guard let buffer, let userData else { return Int(CURL_READFUNC_ABORT) }
        return Unmanaged<CurlUpload>.fromOpaque(userData).takeUnretainedValue().read(into: buffer, capacity: size * count)
    }

    private static let recordReply: parley_curl_io_callback = { buffer, size, count, userData in
        guard let buffer, let userData else { return 0 }
        Unmanaged<CurlUpload>.fromOpaque(userData).takeUnretainedValue()
            .recordReply(UnsafeRawBufferPointer(start: buffer, count: size * count))
        return size * count
    }

    static func perform(_ configuration: SMTPConfiguration, _ envelope: Envelope, _ message: [UInt8]) -> Result<Void, MailError> {
        guard CurlGlobal.initCode == CURLE_OK.rawValue else {
            return .failure(CurlFailure.setupError("libcurl could not initialise (curl_global_init returned \(CurlGlobal.initCode))"))
        }
        let upload = CurlUpload(message: message)
        // The callbacks reach `upload` through an unretained pointer: it must outlive the handle.
        return withExtendedLifetime(upload) { () -> Result<Void, MailError> in
            var recipients: UnsafeMutablePointer<curl_slist>?
            defer { curl_slist_free_all(recipients) }
            let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
            errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
            defer { errorBuffer.deallocate() }
            guard let handle = curl_easy_init() else { return .failure(CurlFailure.setupError("libcurl could not create a handle")) }
            // Declared last, so it runs first: the handle goes while the list and buffer still exist.
            defer { curl_easy_cleanup(handle) }

            for recipient in envelope.recipients {
                guard let list = curl_slist_append(recipients, "<\(recipient)>") else {
                    return .failure(CurlFailure.setupError("out of memory building the recipient list"))
                }
                recipients = list
            }
            var failedOption: String?
            func set(_ name: String, _ code: CURLcode) {
                if code != CURLE_OK, failedOption == nil { failedOption = "\(name) (\(String(cString: curl_easy_strerror(code))))" }
            }
            let userData = Unmanaged.passUnretained(upload).toOpaque()
            set("URL", parley_curl_setopt_string(handle, CURLOPT_URL, configuration.curlURL))
            // No SIGALRM for DNS timeouts: signals and threads do not mix.
            set("NOSIGNAL", parley_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set("CONNECTTIMEOUT_MS", parley_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout)))
            set("TIMEOUT_MS", parley_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(configuration.timeout)))
            // Bounds each wait for a reply, QUIT's included, which TIMEOUT_MS does not cover.
            set("SERVER_RESPONSE_TIMEOUT", parley_curl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, milliseconds(configuration.timeout) / 1000)))
            // One connection per mail: QUIT is sent during the transfer, not at some later cleanup.
            set("FORBID_REUSE", parley_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1))
            set("USE_SSL", parley_curl_setopt_long(handle, CURLOPT_USE_SSL, useSSL(configuration.security)))
            if let caFile = configuration.caFile { set("CAINFO", parley_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let username = configuration.username, let password = configuration.password {
                set("USERNAME", parley_curl_setopt_string(handle, CURLOPT_USERNAME, username))
                set("PASSWORD", parley_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
            }
            set("MAIL_FROM", parley_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.sender)>"))
            set("MAIL_RCPT", parley_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
            set("UPLOAD", parley_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set("READFUNCTION", parley_curl_setopt_callback(handle, CURLOPT_READFUNCTION, readMessage))
            set("READDATA", parley_curl_setopt_pointer(handle, CURLOPT_READDATA, userData))
            set("HEADERFUNCTION", parley_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, recordReply))
            set("HEADERDATA", parley_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, userData))
            set("ERRORBUFFER", parley_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
            if let failedOption {
                return .failure(CurlFailure.setupError("libcurl refused the option \(failedOption)"))
            }

            let code = curl_easy_perform(handle)
            guard code != CURLE_OK else { return .success(()) }
            var responseCode = 0
            _ = parley_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
            let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            return .failure(CurlFailure(
                code: code, replyCode: responseCode, detail: detail,
                serverReply: responseCode > 0 ? upload.lastReply(code: responseCode) : nil,
                replyLines: upload.replyLines, recipients: envelope.recipients, configuration: configuration
            ).mailError)
        }
    }

    static func useSSL(_ security: SMTPConfiguration.Security) -> Int {
        switch security {
        // For smtps:// TLS is implied by the scheme; ALL also refuses a plain fallback should it ever arise.
        case .implicitTLS, .startTLSRequired: Int(CURLUSESSL_ALL.rawValue)
        case .startTLSIfOffered: Int(CURLUSESSL_TRY.rawValue)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
