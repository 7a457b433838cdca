import NIOCore

/// One connection to `FakeSMTPServer`: reads CRLF-terminated lines, answers commands in order,
/// collects DATA until the lone dot. Lives on its channel's event loop only.
final class FakeSMTPSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: FakeSMTPServer.Script
    private let recorder: FakeSMTPServer.Recorder
    private var pending: [UInt8] = []
    private var mailFrom: String?
    private var recipients: [String] = []
    private var data: [UInt8]?

    init(script: FakeSMTPServer.Script, recorder: FakeSMTPServer.Recorder) {
        self.script = script
        self.recorder = recorder
    }

    func channelActive(context: ChannelHandlerContext) {
        if let greeting = script.greeting { reply(greeting, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while let end = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<end])
            pending.removeSubrange(...end)
            if line.last == 0x0D { line.removeLast() }
            handle(line, context: context)
        }
    }

    private func handle(_ line: [UInt8], context: ChannelHandlerContext) {
        if var message = data {
            guard line != [UInt8(ascii: ".")] else { return finishMessage(message, context: context) }
            // RFC 5321 §4.5.2: the receiver drops the first of a line's leading dots.
            message += (line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line) + [0x0D, 0x0A]
            data = message
            return
        }
        let command = String(decoding: line, as: UTF8.self)
        recorder.note(command: command)
        let verb = command.prefix(while: { $0 != " " && $0 != ":" }).uppercased()
        switch verb {
        case "EHLO": reply("250-fake.smtp.test greets you\r\n250 HELP", context: context)
        case "HELO", "NOOP": reply("250 OK", context: context)
        case "MAIL":
            reply(script.mailReply, context: context)
            if script.mailReply.hasPrefix("2") { mailFrom = Self.path(of: command) }
        case "RCPT":
            let recipient = Self.path(of: command)
            let answer = script.recipientReplies[recipient] ?? "250 2.1.5 Recipient OK"
            reply(answer, context: context)
            if answer.hasPrefix("2") { recipients.append(recipient) }
        case "DATA":
            guard mailFrom != nil, !recipients.isEmpty else { return reply("503 5.5.1 No valid recipients", context: context) }
            data = []
            reply("354 End data with <CR><LF>.<CR><LF>", context: context)
        case "RSET":
            mailFrom = nil
            recipients = []
            reply("250 OK", context: context)
        case "QUIT":
            reply("221 Bye", context: context)
            context.close(promise: nil)
        default: reply("502 5.5.2 Command not recognized", context: context)
        }
    }

    private func finishMessage(_ message: [UInt8], context: ChannelHandlerContext) {
        data = nil
        if script.messageReply.hasPrefix("2"), let mailFrom {
            recorder.note(delivery: .init(mailFrom: mailFrom, recipients: recipients, data: message))
        }
        mailFrom = nil
        recipients = []
        reply(script.messageReply, context: context)
    }

    /// The address between < and > in "MAIL FROM:<a@b> SIZE=1".
    private static func path(of command: String) -> String {
        guard let open = command.firstIndex(of: "<"), let close = command[open...].firstIndex(of: ">") else { return "" }
        return String(command[command.index(after: open)..<close])
    }

    private func reply(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
