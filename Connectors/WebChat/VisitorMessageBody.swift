/// What the widget posts for a visitor's message: `{"clientId": string, "text": string,
/// "name": string | null}`. Other members are allowed and ignored, as a newer widget may send
/// more; when a member repeats, the last one counts.
struct VisitorMessageBody: Equatable {
    var clientId: String
    var text: String
    var name: String?

    /// Why a body was refused, naming the member at fault.
    typealias Failure = JSONMemberReader.Failure

    init(json bytes: [UInt8]) throws(Failure) {
        var clientId: String?, text: String?, name: String?
        for (member, value) in try JSONMemberReader.members(of: bytes) {
            switch (member, value) {
            case ("clientId", .string(let string)): clientId = string
            case ("text", .string(let string)): text = string
            case ("name", .string(let string)): name = string
            case ("name", .null): name = nil
            case ("clientId", _), ("text", _), ("name", _): throw .notAString(member: member)
            default: continue
            }
        }
        guard let clientId else { throw .malformed("clientId is missing") }
        guard let text else { throw .malformed("text is missing") }
        self.clientId = clientId
        self.text = text
        self.name = name
    }
}
