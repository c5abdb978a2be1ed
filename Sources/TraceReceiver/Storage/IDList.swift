/// The ids of the records sharing one request id or trace id, oldest first. Eviction removes from the
/// front, so that is O(1) (a moving head, compacted when half the storage is dead); a single busy
/// trace id can hold hundreds of thousands of ids, where `Array.removeFirst` would make eviction
/// quadratic. Most request ids name only a record or two, so a lone id is kept inline, without an
/// array allocation.
struct IDList {
    /// The only id, while ``storage`` is empty.
    private var single: Int64?
    private var storage: [Int64] = []
    private var head = 0

    var isEmpty: Bool { storage.isEmpty ? single == nil : head == storage.count }

    /// Oldest first.
    var ids: ArraySlice<Int64> {
        guard storage.isEmpty else { return storage[head...] }
        return single.map { [$0][...] } ?? []
    }

    mutating func append(_ id: Int64) {
        if storage.isEmpty {
            guard let first = single else {
                single = id
                return
            }
            single = nil
            storage = [first, id]
            head = 0
        } else {
            storage.append(id)
        }
    }

    /// Removes `id`: in O(1) when it is the oldest (the eviction case), by search otherwise.
    mutating func remove(_ id: Int64) {
        if storage.isEmpty {
            if single == id { single = nil }
        } else if head < storage.count, storage[head] == id {
            head += 1
            if head >= 64, head * 2 >= storage.count {
                storage.removeFirst(head)
                head = 0
            }
        } else if let index = storage[head...].firstIndex(of: id) {
            storage.remove(at: index)
        }
    }
}
