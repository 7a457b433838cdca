import Foundation
import ParleyRouting

/// Reading a knowledge-base file is I/O, so it lives here; `ParleyRouting` only checks documents.
extension KnowledgeBase {
    /// Reads the file at `url`; a refusal carries its path.
    public init(contentsOf url: URL) throws(FAQConfigurationError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FAQConfigurationError(field: "", "cannot be read (\(error.localizedDescription))").inFile(url.path)
        }
        do {
            try self.init(json: data)
        } catch {
            throw error.inFile(url.path)
        }
    }
}
