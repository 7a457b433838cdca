import ParleyCore

/// Why the store refused or failed a request, with what the caller needs to explain it.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case lifecycle(LifecycleError)
    case database(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let reason): reason
        case .lifecycle(let error): error.description
        case .database(let reason): "database error: \(reason)"
        }
    }
}
