#if canImport(Glibc)
import Glibc
#endif

/// The receiver's setting for glibc's allocator.
///
/// glibc gives threads that allocate at the same time arenas of their own (up to eight per core), and
/// memory freed into one arena is reused only by allocations from that arena. The hot buffer's records
/// are allocated on whichever thread runs an ingest and freed on whichever thread evicts them, so under
/// a flood freed records were stranded in one arena while others grew: a 256 MiB buffer's resident
/// memory ranged from 218 to 298 MiB between runs (`BenchReceiver memory 2000000 268435456`). With two
/// arenas it was 206 MiB in every run, and ingest throughput did not change measurably.
package enum AllocatorArenas {
    /// Limits glibc's malloc to `count` arenas, unless `MALLOC_ARENA_MAX` or `GLIBC_TUNABLES` already
    /// sets the allocator up. Call early, before many threads have allocated; a no-op on other C libraries.
    package static func limit(to count: Int32 = 2) {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil, getenv("GLIBC_TUNABLES") == nil else { return }
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not import.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(arenaMaximumOption, count)
        #endif
    }

    /// `M_ARENA_MAX` in <malloc.h>.
    private static let arenaMaximumOption: Int32 = -8
}
