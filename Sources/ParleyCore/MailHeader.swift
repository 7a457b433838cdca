/// One extra header of an `OutgoingMail`, such as `In-Reply-To` or `Auto-Submitted`. The MIME
/// composer checks both parts before writing them: a name of printable ASCII without a colon,
/// a value without CR or LF.
public struct MailHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
