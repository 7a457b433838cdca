import Foundation

/// The words with which an SMS customer opts out of messages, or back in.
///
/// Opting out: the keywords Twilio handles by default for long codes (CHANNELS.md §6.4: STOP,
/// STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT). Opting back in: START, YES and
/// UNSTOP, the words Twilio's own opt-out reply offers (UNVERIFIED, §6.4). A keyword counts only
/// as the whole message, case-insensitive and trimmed ("stop " opts out, "stop it" does not),
/// which is how carriers and Twilio match them.
///
/// When Twilio's Advanced Opt-Out also sends `OptOutType` (`STOP` / `START`, UNVERIFIED), that
/// wins, so keywords customised on a Messaging Service are honoured too.
enum SMSKeywords {
    static let optOut: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
    static let optIn: Set<String> = ["START", "YES", "UNSTOP"]

    /// `true` to opt out, `false` to opt back in, `nil` for an ordinary message.
    static func optOutChange(body: String, optOutType: String?) -> Bool? {
        switch optOutType?.trimmingCharacters(in: .whitespaces).uppercased() {
        case "STOP": return true
        case "START": return false
        default: break
        }
        let word = body.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if optOut.contains(word) { return true }
        if optIn.contains(word) { return false }
        return nil
    }
}
