import Foundation

/// The "reply while you were away" email: sent when a web visitor left before an agent's
/// answer arrived and no faster route reached them (DESIGN.md, offline push-back). The reply
/// comes first, then the recent conversation for context, then the link that reopens the chat.
/// Pure: it builds an `OutgoingMail`; sending is someone else's job.
public struct OfflineReplyMail: Sendable, Equatable {
    /// One earlier message shown under the reply.
    public struct ContextLine: Sendable, Equatable {
        /// Who wrote it as the customer should read it: "You", "Alice".
        public var who: String
        public var text: String
        public var time: Date

        public init(who: String, text: String, time: Date) {
            self.who = who
            self.text = text
            self.time = time
        }
    }

    public var businessName: String
    public var agentName: String
    public var replyText: String
    /// Oldest first; shown as given (the caller picks how many).
    public var recentContext: [ContextLine]
    /// Where the visitor continues the conversation.
    public var reopenURL: String
    /// The zone the context times are written in (the business's, usually).
    public var timeZone: TimeZone

    public init(
        businessName: String, agentName: String, replyText: String, recentContext: [ContextLine],
        reopenURL: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) {
        self.businessName = businessName
        self.agentName = agentName
        self.replyText = replyText
        self.recentContext = recentContext
        self.reopenURL = reopenURL
        self.timeZone = timeZone
    }

    public var subject: String { "New reply from \(Self.singleLine(businessName))" }

    public var text: String {
        var lines = ["\(Self.singleLine(agentName)) from \(Self.singleLine(businessName)) replied:", ""]
        lines.append(contentsOf: Self.lines(of: replyText))
        if !recentContext.isEmpty {
            lines += ["", "Recent conversation (times in \(zoneLabel)):"]
            for entry in recentContext {
                let prefix = "\(timestamp(entry.time))  \(Self.singleLine(entry.who)): "
                let textLines = Self.lines(of: entry.text)
                lines.append(prefix + (textLines.first ?? ""))
                // Continuation lines line up under the first so each message reads as one block.
                let indent = String(repeating: " ", count: prefix.count)
                lines.append(contentsOf: textLines.dropFirst().map { $0.isEmpty ? "" : indent + $0 })
            }
        }
        lines += ["", "Continue the conversation: \(Self.singleLine(reopenURL))", ""]
        return lines.joined(separator: "\n")
    }

    /// The mail to `to`, from `from` (shown with the business name when `from` has no name of its
    /// own), marked `Auto-Submitted: auto-generated` (RFC 3834) so auto-responders stay quiet.
    public func mail(from: MailAddress, to: MailAddress, replyTo: MailAddress? = nil) -> OutgoingMail {
        let sender = from.name == nil ? MailAddress(from.address, name: Self.singleLine(businessName)) ?? from : from
        return OutgoingMail(
            from: sender, to: [to], subject: subject, text: text, replyTo: replyTo,
            extraHeaders: [MailHeader("Auto-Submitted", "auto-generated")]
        )
    }

    /// Names and links come from configuration and people: a line break in one must not break
    /// the subject or the layout, so it becomes a space.
    static func singleLine(_ text: String) -> String {
        text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func lines(of text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    private func timestamp(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }

    /// "UTC", or "UTC+08:00" for the offset in force at the newest context line.
    private var zoneLabel: String {
        let seconds = timeZone.secondsFromGMT(for: recentContext.last?.time ?? Date())
        guard seconds != 0 else { return "UTC" }
        let minutes = abs(seconds) / 60
        let hh = minutes / 60, mm = minutes % 60
        return "UTC\(seconds < 0 ? "-" : "+")\(hh < 10 ? "0" : "")\(hh):\(mm < 10 ? "0" : "")\(mm)"
    }
}
