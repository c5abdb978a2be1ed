#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `posix_spawn` attributes for the programs `run` and `tail` start: every signal at its default action
/// and nothing blocked, so a child never inherits what this process ignores, blocks or handles (the
/// Swift runtime's threads, `run`'s forwarding handlers), plus any extra `flags`.
final class SpawnAttributes {
    var attributes = posix_spawnattr_t()

    init(flags extra: Int32 = 0) {
        posix_spawnattr_init(&attributes)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | extra))
    }

    deinit {
        posix_spawnattr_destroy(&attributes)
    }
}
