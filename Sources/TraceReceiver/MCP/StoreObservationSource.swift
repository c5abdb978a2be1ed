/// Reads straight from a ``LogStore``: used by the receiver's own `POST /mcp` endpoint.
struct StoreObservationSource: ObservationSource {
    let store: any LogStore
    let assembler: TraceAssembler

    func search(_ query: LogQuery) async throws -> LogPage {
        try await store.search(query)
    }

    func trace(id: String) async throws -> TraceTimeline? {
        try await assembler.assemble(id: id)
    }

    func requests(matching filter: LogQuery, limit: Int) async throws -> [RecentRequest] {
        try await RequestLister(store: store).requests(matching: filter, limit: limit)
    }
}
