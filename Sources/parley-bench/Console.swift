import Foundation

/// Progress goes to stderr so stdout carries only the report table and the `RESULT` line.
enum Console {
    static func progress(_ message: String) {
        FileHandle.standardError.write(Data("parley-bench: \(message)\n".utf8))
    }
}
