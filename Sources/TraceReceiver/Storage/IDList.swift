/// The ids of the records sharing one request id or trace id within one ``IDIndex`` segment, oldest
/// first. Most request ids name only a record or two, so a lone id is kept inline, without an array
/// allocation. Lists only grow: records leave the index a whole segment at a time.
struct IDList {
    /// The only id, while ``storage`` is empty; 0 when there is none (record ids start at 1).
    private var single: Int64 = 0
    private var storage: [Int64] = []

    /// Oldest first.
    var ids: ArraySlice<Int64> {
        guard storage.isEmpty else { return storage[...] }
        return single == 0 ? [] : [single][...]
    }

    /// Appends `id`, which must be positive and greater than every id already held.
    mutating func append(_ id: Int64) {
        if storage.isEmpty {
            if single == 0 {
                single = id
                return
            }
            storage = [single, id]
            single = 0
        } else {
            storage.append(id)
        }
    }
}
