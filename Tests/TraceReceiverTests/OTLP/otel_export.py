"""Logs and spans through the OpenTelemetry Python SDK's OTLP/HTTP (protobuf) exporters.

Usage: python3 otel_export.py RECEIVER_URL

Two services log through the SDK's logging bridge: `checkout-py` exports plain, `billing-py`
gzip-compressed. Inside a span `charge` (exported by checkout-py's tracer, with a child span `authorize`),
checkout logs a warning with a request id and an amount, then an exception, which the span records
before ending in error; checkout logs a debug line outside it. Prints the trace id (32 hex digits).

Then exports metrics (a counter with two attribute sets and a histogram: three data points) through
the SDK's OTLP/HTTP metric exporter, which the receiver reads and refuses, and prints the export's
result (SUCCESS when the receiver answered 200).
"""
import logging
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

endpoint = sys.argv[1] + "/v1/logs"


def logger(service, name, compression):
    provider = LoggerProvider(resource=Resource.create({"service.name": service}))
    exporter = OTLPLogExporter(endpoint=endpoint, compression=compression)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter))
    log = logging.getLogger(name)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=provider))
    return provider, log


checkout_provider, checkout = logger("checkout-py", "shop.payments", Compression.NoCompression)
billing_provider, billing = logger("billing-py", "billing", Compression.Gzip)

tracer_provider = TracerProvider(resource=Resource.create({"service.name": "checkout-py"}))
tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=sys.argv[1] + "/v1/traces")))
trace.set_tracer_provider(tracer_provider)
tracer = trace.get_tracer("otel_export")
with tracer.start_as_current_span("charge", record_exception=False, set_status_on_exception=False) as span:
    with tracer.start_as_current_span("authorize"):
        checkout.warning("card declined", extra={"request_id": "r-otel-1", "amount": 42})
    try:
        1 / 0
    except ZeroDivisionError as error:
        checkout.exception("charge failed")
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, "charge failed"))
    print(format(span.get_span_context().trace_id, "032x"))
checkout.debug("checkout done")
billing.info("invoice sent")

checkout_provider.shutdown()
billing_provider.shutdown()
tracer_provider.shutdown()

reader = InMemoryMetricReader()
meter = MeterProvider(metric_readers=[reader], resource=Resource.create({"service.name": "checkout-py"})).get_meter("otel_export")
charges = meter.create_counter("charges")
charges.add(1, {"outcome": "declined"})
charges.add(2, {"outcome": "paid"})
meter.create_histogram("charge_ms").record(12.5)
print(OTLPMetricExporter(endpoint=sys.argv[1] + "/v1/metrics").export(reader.get_metrics_data()).name)
