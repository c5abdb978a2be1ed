import Foundation
import Synchronization
import Testing

@testable import RequestTracing

/// A pipe whose read end is drained, on a thread of its own, into memory.
private final class DrainedPipe: Sendable {
    let writeEnd: Int32
    private let readEnd: Int32
    private let received = Mutex<[UInt8]>([])
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameter reading: Whether to start draining now (otherwise call ``startReading()``).
    init(reading: Bool = true) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        readEnd = fds[0]
        writeEnd = fds[1]
        if reading { startReading() }
    }

    func startReading() {
        BlockingThread.start { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.withLock { $0 += buffer[0..<count] }
            }
            close(readEnd)
            finished.signal()
        }
    }

    /// The complete lines received so far.
    var lines: [String] {
        received.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    /// Closes the write end and returns every line, once the reader has seen the end.
    func finish() -> [String] {
        close(writeEnd)
        finished.wait()
        return lines
    }

    /// Waits up to `seconds` for `count` lines.
    func waitForLines(_ count: Int, seconds: Double = 5) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while lines.count < count, Date() < deadline { usleep(2_000) }
        return lines
    }
}

@Suite("FileDescriptorLogSink")
struct FileDescriptorLogSinkTests {
    @Test func linesFromManyThreadsArriveWholeAndInEachThreadsOrder() async {
        let pipe = DrainedPipe()
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.writeEnd)
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    for index in 0..<5_000 {
                        sink.write(Array("{\"thread\":\(thread),\"index\":\(index),\"pad\":\"\(String(repeating: "x", count: index % 97))\"}\n".utf8))
                    }
                }
            }
        }
        sink.flush()
        let lines = pipe.finish()
        #expect(lines.count == 20_000)
        var next = [0, 0, 0, 0]
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard let thread = object?["thread"] as? Int, let index = object?["index"] as? Int else {
                Issue.record("not a whole line: \(line.prefix(80))")
                break
            }
            #expect(index == next[thread], "thread \(thread)'s lines in order")
            next[thread] = index + 1
        }
        #expect(sink.droppedLineCount == 0)
    }

    @Test func writesWithoutAFlushAndAgainAfterItsIdleWriterThreadHasEnded() {
        let pipe = DrainedPipe()
        let sink = FileDescriptorLogSink(
            fileDescriptor: pipe.writeEnd, maximumBufferedBytes: 1 << 20, flushInterval: .milliseconds(1), idleLifetime: .milliseconds(20)
        )
        sink.write(Array("first\n".utf8))
        #expect(pipe.waitForLines(1) == ["first"])
        usleep(200_000)  // ten idle lifetimes: the writer thread has ended
        sink.write(Array("second\n".utf8))
        sink.write(Array("third\n".utf8))
        #expect(pipe.waitForLines(3) == ["first", "second", "third"])
        #expect(pipe.finish().count == 3)
    }

    @Test func aBurstOfLinesIsWrittenBeforeALongIntervalEnds() {
        let pipe = DrainedPipe()
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.writeEnd, flushInterval: .seconds(30))
        sink.write(Array("early\n".utf8))
        usleep(50_000)
        #expect(pipe.lines.isEmpty, "one line waits for the interval")
        // 100 KiB of lines: more than a batch's worth, so the writer does not wait out the interval.
        let line = Array((String(repeating: "z", count: 99) + "\n").utf8)
        for _ in 0..<1_024 { sink.write(line) }
        #expect(pipe.waitForLines(600, seconds: 10).count >= 600)
        sink.flush()
        #expect(pipe.finish().count == 1_025)
    }

    @Test func aFullBufferDropsNewLinesCountsThemAndReportsTheCountsOnceWritingResumes() throws {
        // Nobody reads at first: 2,000 lines of 96 bytes overflow the pipe (64 KiB) and the 4 KiB buffer.
        let pipe = DrainedPipe(reading: false)
        let sink = FileDescriptorLogSink(fileDescriptor: pipe.writeEnd, maximumBufferedBytes: 4_096)
        let padding = String(repeating: "y", count: 90)
        for index in 0..<2_000 {
            sink.write(Array("\(String(format: "%05d", index)) \(padding)\n".utf8))
        }
        let dropped = sink.droppedLineCount
        #expect(dropped > 0)
        pipe.startReading()
        sink.flush()
        let lines = pipe.finish()
        let kept = lines.filter { !$0.hasPrefix("{") }
        let reports = lines.filter { $0.hasPrefix("{") }
        #expect(kept.count + dropped == 2_000, "every line is either written or counted")
        let numbers = kept.compactMap { Int($0.prefix(5)) }
        #expect(numbers.count == kept.count && numbers == numbers.sorted(), "in order")
        #expect(kept.allSatisfy { $0.utf8.count == 96 }, "whole lines only")
        // Each write reports the lines dropped since the previous one: together, every dropped line.
        var reported = 0
        for text in reports {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(report["event"] as? String == "log_lines_dropped")
            #expect(report["level"] as? String == "warning")
            reported += try #require((report["fields"] as? [String: Any])?["dropped"] as? Int)
        }
        #expect(!reports.isEmpty && reported == dropped)
    }
}
