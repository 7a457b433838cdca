/// A sorted array with O(log n) search and rank, O(1) removal of the first element and O(n) memmove
/// insertion elsewhere — measured fast enough for ten thousand entries per team (see `parley-bench
/// routing`), and far simpler than a balanced tree.
///
/// Elements live in `storage[start...]`: popping the head only advances `start`, and an insertion at
/// the head reuses the slot before it, so the common queue traffic (arrivals at the back, assignments
/// from the front) never shifts the whole array. The dead prefix is compacted once it is as large as
/// the live part.
struct SortedArray<Element: Comparable & Sendable>: Sendable {
    private var storage: [Element] = []
    private var start = 0

    init() {}

    init(_ elements: some Sequence<Element>) {
        storage = elements.sorted()
    }

    var count: Int { storage.count - start }
    var isEmpty: Bool { storage.count == start }
    var first: Element? { isEmpty ? nil : storage[start] }

    /// The element at 0-based `offset` from the first.
    subscript(offset: Int) -> Element { storage[start + offset] }

    var elements: ArraySlice<Element> { storage[start...] }

    /// 0-based offset of the first element not less than `element` (where it would be inserted).
    func lowerBound(_ element: Element) -> Int {
        var low = start
        var high = storage.count
        while low < high {
            let middle = low + (high - low) / 2
            if storage[middle] < element { low = middle + 1 } else { high = middle }
        }
        return low - start
    }

    /// 0-based offset of the first element greater than `element`.
    func upperBound(_ element: Element) -> Int {
        var low = start
        var high = storage.count
        while low < high {
            let middle = low + (high - low) / 2
            if element < storage[middle] { high = middle } else { low = middle + 1 }
        }
        return low - start
    }

    /// 0-based offset of `element`, nil if absent.
    func offset(of element: Element) -> Int? {
        let offset = lowerBound(element)
        return offset < count && storage[start + offset] == element ? offset : nil
    }

    /// Inserts and returns the 0-based offset it landed at.
    @discardableResult
    mutating func insert(_ element: Element) -> Int {
        let offset = lowerBound(element)
        if offset == 0, start > 0 {
            start -= 1
            storage[start] = element
        } else {
            storage.insert(element, at: start + offset)
        }
        return offset
    }

    /// Removes `element` and returns the 0-based offset it had, nil if it was absent.
    @discardableResult
    mutating func remove(_ element: Element) -> Int? {
        guard let offset = offset(of: element) else { return nil }
        if offset == 0 {
            start += 1
            compactIfMostlyDead()
        } else {
            storage.remove(at: start + offset)
        }
        return offset
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        start = 0
    }

    private mutating func compactIfMostlyDead() {
        if start == storage.count {
            removeAll()
        } else if start >= 64, start * 2 >= storage.count {
            storage.removeFirst(start)
            start = 0
        }
    }
}
