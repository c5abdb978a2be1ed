#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RequestTracing

/// Reading the batches in a spool folder that no ``ShipperSpool`` of this process has open: another
/// process's, left when it died, or one written by an earlier version (a file per batch).
enum SpoolFolder {
    /// A pending batch found in a folder.
    struct FoundBatch {
        let number: UInt64
        let records: Int
        let message: [UInt8]
        /// The file that holds only this batch (an earlier version's), deleted once it is taken in.
        let file: String?

        func remove() {
            if let file { unlink(file) }
        }
    }

    /// The pending batches of `folder`'s segments and earlier-version files, oldest first.
    static func batches(in folder: String) -> [FoundBatch] {
        var found: [FoundBatch] = []
        for name in DirectoryListing.names(in: folder) ?? [] where SpoolSegment.id(fromFileName: name) != nil {
            guard let scanned = SpoolSegment.scan(folder + "/" + name) else { continue }
            for entry in scanned.entries where entry.header.state == .pending {
                found.append(FoundBatch(number: entry.header.number, records: entry.header.records, message: scanned.message(of: entry), file: nil))
            }
        }
        return (found + legacyBatches(in: folder)).sorted { $0.number < $1.number }
    }

    /// What `folder` holds pending, without the messages: for inspection and tests.
    static func pendingBatches(in folder: String) -> [ShipperSpool.Batch] {
        batches(in: folder).map { ShipperSpool.Batch(number: $0.number, records: $0.records, bytes: $0.message.count) }
    }

    /// The `<number>-<records>.batch` files an earlier version wrote, oldest first; the half-written
    /// temporary files of a crash are deleted.
    static func legacyBatches(in folder: String) -> [FoundBatch] {
        var found: [FoundBatch] = []
        for name in DirectoryListing.names(in: folder) ?? [] {
            let path = folder + "/" + name
            if name.hasSuffix(".batch.tmp") {
                unlink(path)
                continue
            }
            guard name.hasSuffix(".batch") else { continue }
            let parts = name.dropLast(6).split(separator: "-")
            guard parts.count == 2, let number = UInt64(parts[0]), let records = Int(parts[1]), let message = SpoolSegment.readFile(path) else { continue }
            found.append(FoundBatch(number: number, records: records, message: message, file: path))
        }
        return found.sorted { $0.number < $1.number }
    }

    /// Deletes `folder` and the files in it.
    static func remove(_ folder: String) {
        for name in DirectoryListing.names(in: folder) ?? [] { unlink(folder + "/" + name) }
        rmdir(folder)
    }
}
