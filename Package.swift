// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parleyd", targets: ["parleyd"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(name: "ParleyCore", swiftSettings: swiftSettings),
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "ParleyRouting", dependencies: ["ParleyCore"], swiftSettings: swiftSettings),
        .target(
            name: "ParleyGateway",
            dependencies: [
                "ParleyCore", "ParleyStore", "ParleyRouting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParleyHTTP",
            dependencies: [
                "ParleyGateway",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "EmailConnector", dependencies: ["ParleyCore", "CCurl"], path: "Connectors/Email", swiftSettings: swiftSettings),
        .target(
            name: "WeChatConnector",
            dependencies: [
                "ParleyCore", "CExpat",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Connectors/WeChat",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LineConnector",
            dependencies: ["ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Connectors/Line",
            swiftSettings: swiftSettings
        ),
        .target(name: "TelegramConnector", dependencies: ["ParleyCore"], path: "Connectors/Telegram", swiftSettings: swiftSettings),
        .target(
            name: "SMSConnector",
            dependencies: ["ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Connectors/SMS",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MetaSigning",
            dependencies: ["ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Connectors/Meta",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WhatsAppConnector",
            dependencies: ["ParleyCore", "MetaSigning"],
            path: "Connectors/WhatsApp",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MessengerConnector",
            dependencies: ["ParleyCore", "MetaSigning"],
            path: "Connectors/Messenger",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebChatConnector",
            dependencies: ["ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Connectors/WebChat",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebPush",
            dependencies: ["ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Connectors/WebPush",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parleyd",
            dependencies: [
                "ParleyHTTP", "WebChatConnector", "WeChatConnector", "LineConnector", "TelegramConnector", "WhatsAppConnector", "MessengerConnector", "SMSConnector", "EmailConnector", "WebPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ParleyTesting",
            dependencies: [
                "ParleyCore", "ParleyStore", "ParleyGateway", "ParleyHTTP", "WebChatConnector", "WeChatConnector", "LineConnector",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "WeChatConnector", "WebChatConnector", "ParleyGateway", "ParleyStore", "ParleyRouting",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ParleyRoutingTests", dependencies: ["ParleyRouting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: ["ParleyStore", "ParleyTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ParleyGatewayTests", dependencies: ["ParleyGateway", "ParleyTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WeChatConnectorTests",
            dependencies: ["WeChatConnector", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LineConnectorTests",
            dependencies: ["LineConnector", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelegramConnectorTests",
            dependencies: ["TelegramConnector", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WhatsAppConnectorTests",
            dependencies: [
                "WhatsAppConnector", "MetaSigning", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MessengerConnectorTests",
            dependencies: [
                "MessengerConnector", "MetaSigning", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMSConnectorTests",
            dependencies: ["SMSConnector", "ParleyTesting", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebPushTests",
            dependencies: ["WebPush", "ParleyTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EmailConnectorTests", dependencies: ["EmailConnector", "ParleyTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "WebChatConnectorTests", dependencies: ["WebChatConnector", "ParleyTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ParleyTesting", "ParleyStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ParleyHTTPTests",
            dependencies: [
                "ParleyHTTP", "ParleyTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
