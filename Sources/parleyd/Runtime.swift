import Foundation
import Logging
import ParleyCore
import ParleyGateway
import ParleyStore
import LineConnector
import MessengerConnector
import SMSConnector
import TelegramConnector
import WeChatConnector
import WebChatConnector
import WhatsAppConnector

/// What every subcommand opens: the data directory, the migrated database and the vault.
struct Runtime {
    let settings: Settings
    let store: SQLiteStore
    let vault: CredentialVault

    init(_ settings: Settings) throws {
        self.settings = settings
        try FileManager.default.createDirectory(atPath: settings.dataDir, withIntermediateDirectories: true)
        store = try SQLiteStore(path: settings.databasePath)
        if let key = settings.masterKey {
            vault = try CredentialVault(base64Key: key)
        } else {
            vault = try CredentialVault.loadOrCreateKeyFile(at: settings.keyFilePath)
        }
    }

    var administration: ChannelAdministration {
        ChannelAdministration(channels: store, agents: store, vault: vault)
    }

    /// One builder per channel kind this build ships; kinds without a connector yet are refused
    /// by `channel add` rather than stored and left dead.
    static let connectors: [ChannelKind: ConnectorBuilder] = [
        .webchat: { channel, credentials in try WebChatConnector(channel: channel, credentials: credentials) },
        .wechat: { channel, credentials in try WeChatConnector(channel: channel, credentials: credentials) },
        .line: { channel, credentials in try LineConnector(channel: channel, credentials: credentials) },
        .telegram: { channel, credentials in try TelegramConnector(channel: channel, credentials: credentials) },
        .whatsapp: { channel, credentials in try WhatsAppConnector(channel: channel, credentials: credentials) },
        .messenger: { channel, credentials in try MessengerConnector(channel: channel, credentials: credentials) },
        .sms: { channel, credentials in
            let logger = Logger(label: "parleyd.sms")
            let channelID = channel.id
            return try SMSConnector(channel: channel, credentials: credentials, log: { line in
                logger.warning("\(line)", metadata: ["channel": "\(channelID)"])
            })
        },
    ]
}
