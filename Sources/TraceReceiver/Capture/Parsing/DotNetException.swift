/// A .NET exception as `Exception.ToString()` writes it, which is what Microsoft.Extensions.Logging's
/// JSON console formatter (`Exception`) and Serilog (`@x`, `Exception`) log:
///
/// ```
/// System.InvalidOperationException: Order 42 is closed
///  ---> System.IO.IOException: disk full
///    at Shop.Orders.Save(Order order) in /src/Orders.cs:line 17
///    --- End of inner exception stack trace ---
///    at Shop.OrdersController.Post(Int32 id) in /src/OrdersController.cs:line 30
/// ```
///
/// The JSON console formatter, unless indented, writes it on one line, each line break replaced by a
/// space; those breaks are put back so the stack reads as printed.
enum DotNetException {
    /// Sets the record's stack to the exception's text and, when it names no error yet, its error type
    /// and message from the first line (the outermost exception: an inner one follows ` ---> `).
    static func apply(_ text: String, to parsed: inout ParsedLine) {
        let stack = text.contains("\n") ? text : restoringLineBreaks(text)
        parsed.stack = parsed.stack ?? stack
        guard parsed.errorType == nil else { return }
        var header = stack.prefix { $0 != "\n" && $0 != "\r" }
        if let inner = header.firstRange(of: " ---> ") { header = header[..<inner.lowerBound] }
        StackTraceSplitter.assignException(fromStack: String(header), to: &parsed)
    }

    /// The line breaks of a one-line `ToString()`: each break became one space before the next line's
    /// indentation (`   at `, ` ---> `, `   --- End of …`).
    static func restoringLineBreaks(_ text: String) -> String {
        var restored = text
        for (flattened, line) in [("    at ", "\n   at "), ("  ---> ", "\n ---> "), ("    --- ", "\n   --- ")] {
            restored = restored.replacing(flattened, with: line)
        }
        return restored
    }
}
