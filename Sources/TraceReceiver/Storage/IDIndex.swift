/// The hot buffer's index from a request id or trace id to the ids of the records carrying it.
///
/// Keys are a ``StableHasher`` hash of the id text rather than the text itself: inserting and (on
/// eviction) deleting an integer key costs no string hashing, comparing or reference counting, which
/// made this index a third of the buffer's ingest time. Two ids may share a hash, so ``ids(for:)``
/// can return extra records; callers check the record's own id.
struct IDIndex {
    private var lists: [UInt64: IDList] = [:]

    /// Distinct hashes held (the ids indexed, barring collisions).
    var count: Int { lists.count }

    /// The index key of an id's text; never 0 (which the hot buffer uses for "no id").
    static func key(_ id: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(id)
        return max(1, hasher.finalize())
    }

    mutating func append(_ id: Int64, key: UInt64) {
        lists[key, default: IDList()].append(id)
    }

    /// Removes `id` from `key`'s list in place (one hash lookup), dropping the key when its list empties.
    mutating func remove(_ id: Int64, key: UInt64) {
        guard let position = lists.index(forKey: key) else { return }
        lists.values[position].remove(id)
        if lists.values[position].isEmpty { lists.remove(at: position) }
    }

    /// Oldest first; may include records of another id with the same hash.
    func ids(for key: String) -> ArraySlice<Int64> {
        lists[Self.key(key)]?.ids ?? []
    }
}
