"""Logs through the OpenTelemetry Python SDK's logging bridge and OTLP/HTTP (protobuf) exporter.

Usage: python3 otel_logs.py RECEIVER_URL

Two services: `checkout-py` exports plain, `billing-py` gzip-compressed. Inside a span, checkout logs a
warning with a request id and an amount, then an exception; both log a debug line outside it. Prints the
trace id of the span (32 hex digits) on stdout.
"""
import logging
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

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

trace.set_tracer_provider(TracerProvider())
with trace.get_tracer("otel_logs").start_as_current_span("charge") as span:
    checkout.warning("card declined", extra={"request_id": "r-otel-1", "amount": 42})
    try:
        1 / 0
    except ZeroDivisionError:
        checkout.exception("charge failed")
    print(format(span.get_span_context().trace_id, "032x"))
checkout.debug("checkout done")
billing.info("invoice sent")

checkout_provider.shutdown()
billing_provider.shutdown()
