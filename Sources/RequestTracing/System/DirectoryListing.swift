#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in a directory, read with `readdir` without touching bytes past each entry.
///
/// `entry.pointee.d_name` copies the whole 256-byte name field, but `readdir` sizes each entry to its
/// name (`d_reclen`): an entry at the end of libc's buffer, before an unmapped page, then crashes the
/// process (the bug behind swiftlang/swift-corelibs-foundation#5472). The name is read in place instead.
package enum DirectoryListing {
    /// The names in `path` other than `.` and `..`, or `nil` when it cannot be opened.
    package static func names(in path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
