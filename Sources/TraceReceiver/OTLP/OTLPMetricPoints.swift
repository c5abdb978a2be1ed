import Foundation

/// Counts the data points of an `ExportMetricsServiceRequest`, which the receiver does not keep: it
/// stores logs and spans, and answers a metrics export (an SDK or Collector pointed at the receiver with
/// `OTEL_EXPORTER_OTLP_ENDPOINT` sends one every interval) with a `partial_success` that says so and
/// how many points were refused, rather than a 404 the exporter would log on each export.
///
/// The nesting: resources (field 1) holding scopes (field 2) holding metrics (field 2), each with one of
/// gauge (5), sum (7), histogram (9), exponential histogram (10) or summary (11), each holding its data
/// points (field 1).
enum OTLPMetricPoints {
    /// A metric's data fields, by field number, and their OTLP/JSON names.
    private static let dataFields: [(number: UInt64, camel: String, snake: String)] = [
        (5, "gauge", "gauge"), (7, "sum", "sum"), (9, "histogram", "histogram"),
        (10, "exponentialHistogram", "exponential_histogram"), (11, "summary", "summary"),
    ]

    /// The data points of a protobuf-encoded request.
    static func count(protobuf body: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> Int {
        var points = 0
        try ProtobufReader.forEach(1, in: body) { resource throws(OTLPDecodingError) in
            try ProtobufReader.forEach(2, in: resource) { scope throws(OTLPDecodingError) in
                try ProtobufReader.forEach(2, in: scope) { metric throws(OTLPDecodingError) in
                    var reader = ProtobufReader(metric)
                    while let field = try reader.nextField() {
                        guard field.wireType == .lengthDelimited, dataFields.contains(where: { $0.number == field.number }) else {
                            try reader.skip(field.wireType)
                            continue
                        }
                        try ProtobufReader.forEach(1, in: try reader.lengthDelimited()) { _ in points += 1 }
                    }
                }
            }
        }
        return points
    }

    /// The data points of an OTLP/JSON request.
    static func count(json body: Data) throws(OTLPDecodingError) -> Int {
        let request = try OTLPJSON.parse(body)
        var points = 0
        for resource in try OTLPJSON.objects(request, "resourceMetrics", "resource_metrics") {
            for scope in try OTLPJSON.objects(resource, "scopeMetrics", "scope_metrics") {
                for metric in try OTLPJSON.objects(scope, "metrics", "metrics") {
                    for data in dataFields {
                        guard let values = try OTLPJSON.object(metric, data.camel, data.snake) else { continue }
                        points += try OTLPJSON.objects(values, "dataPoints", "data_points").count
                    }
                }
            }
        }
        return points
    }
}
