import Foundation

/// The nesting every OTLP export request shares, whatever its signal: resources (field 1; each with its
/// `service.name`) holding scopes (field 2; each with its name) holding the signal's items (field 2: log
/// records, spans). Fields in any order; others skipped.
enum OTLPExportRequest {

    /// The items of a protobuf-encoded request, each read by `readItem` from its bytes and given the
    /// names of its resource's service and its scope.
    static func items<Item: OTLPExportItem>(
        protobuf body: UnsafeRawBufferPointer,
        readItem: (UnsafeRawBufferPointer, inout OTLPValueReader) throws(OTLPDecodingError) -> Item
    ) throws(OTLPDecodingError) -> [Item] {
        var values = OTLPValueReader()
        var items: [Item] = []
        try ProtobufReader.forEach(1, in: body) { resourceBytes throws(OTLPDecodingError) in
            var resource = ProtobufReader(resourceBytes)
            var serviceName: String?
            let firstOfResource = items.count
            while let field = try resource.nextField() {
                switch (field.number, field.wireType) {
                case (1, .lengthDelimited): serviceName = try values.serviceName(ofResource: try resource.lengthDelimited())
                case (2, .lengthDelimited):
                    var scope = ProtobufReader(try resource.lengthDelimited())
                    var scopeName = ""
                    let firstOfScope = items.count
                    while let field = try scope.nextField() {
                        switch (field.number, field.wireType) {
                        case (1, .lengthDelimited): scopeName = try values.name(ofScope: try scope.lengthDelimited())
                        case (2, .lengthDelimited):
                            try values.spend()
                            items.append(try readItem(try scope.lengthDelimited(), &values))
                        default: try scope.skip(field.wireType)
                        }
                    }
                    for index in firstOfScope..<items.count { items[index].scopeName = scopeName }
                default: try resource.skip(field.wireType)
                }
            }
            // The resource may come after its items.
            for index in firstOfResource..<items.count { items[index].serviceName = serviceName }
        }
        return items
    }

    /// The keys of a signal's three levels in OTLP/JSON, lowerCamelCase then snake_case.
    struct JSONKeys {
        var resources: (String, String)
        var scopes: (String, String)
        var items: (String, String)

        static let logs = JSONKeys(resources: ("resourceLogs", "resource_logs"), scopes: ("scopeLogs", "scope_logs"), items: ("logRecords", "log_records"))
        static let spans = JSONKeys(resources: ("resourceSpans", "resource_spans"), scopes: ("scopeSpans", "scope_spans"), items: ("spans", "spans"))
    }

    /// The items of an OTLP/JSON request (see ``OTLPJSON``), each read by `readItem` from its object and
    /// given the names of its resource's service and its scope.
    static func items<Item: OTLPExportItem>(
        json body: Data, keys: JSONKeys,
        readItem: (OTLPJSON.Object, inout OTLPValueReader) throws(OTLPDecodingError) -> Item
    ) throws(OTLPDecodingError) -> [Item] {
        let request = try OTLPJSON.parse(body)
        var values = OTLPValueReader()
        var items: [Item] = []
        for resource in try OTLPJSON.objects(request, keys.resources.0, keys.resources.1) {
            let serviceName = try values.serviceName(ofResource: try OTLPJSON.object(resource, "resource", "resource"))
            for scope in try OTLPJSON.objects(resource, keys.scopes.0, keys.scopes.1) {
                let scopeName = try OTLPJSON.object(scope, "scope", "scope").flatMap { $0["name"] as? String } ?? ""
                for json in try OTLPJSON.objects(scope, keys.items.0, keys.items.1) {
                    try values.spend()
                    var item = try readItem(json, &values)
                    item.serviceName = serviceName
                    item.scopeName = scopeName
                    items.append(item)
                }
            }
        }
        return items
    }
}

/// An item of an OTLP export request (a log record, a span), told the service of the resource and the
/// scope it came in.
protocol OTLPExportItem {
    var serviceName: String? { get set }
    var scopeName: String { get set }
}

extension OTLPLogRecord: OTLPExportItem {}
extension OTLPSpan: OTLPExportItem {}
