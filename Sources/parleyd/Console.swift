import Foundation

/// Start-up lines written straight to standard output, unbuffered, so a supervisor or a test
/// reading a pipe or log file sees them at once rather than when a buffer fills.
enum Console {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
