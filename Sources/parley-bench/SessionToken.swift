import Foundation
import NIOCore

/// Reads `{"token": "..."}` from `POST /widget/{channel}/session`. Foundation's JSON is fine here:
/// this runs once per connection during setup, never in the measured loop.
enum SessionToken {
    private struct Response: Decodable {
        let token: String
    }

    static func parse(_ body: ByteBuffer) -> String? {
        try? JSONDecoder().decode(Response.self, from: Data(body.readableBytesView)).token
    }
}
