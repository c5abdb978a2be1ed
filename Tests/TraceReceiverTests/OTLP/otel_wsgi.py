"""A WSGI app instrumented by OpenTelemetry's WSGI middleware, exporting its server spans over OTLP/HTTP.

Usage: python3 otel_wsgi.py RECEIVER_URL SERVICE

Serves a two-route app on an ephemeral loopback port (wsgiref) under `OpenTelemetryMiddleware`, whose
spans the SDK exports to RECEIVER_URL/v1/traces as SERVICE: `GET /orders/42?ref=mail` answers 200 and
`POST /pay` answers 503. The HTTP semantic conventions used are the instrumentation's choice, set by
OTEL_SEMCONV_STABILITY_OPT_IN (unset: the older `http.method`, `http.target`, `http.status_code`;
`http`: `http.request.method`, `url.path`, `http.response.status_code`). Prints the two trace ids.
"""
import sys
import threading
import urllib.error
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

receiver, service = sys.argv[1], sys.argv[2]
provider = TracerProvider(resource=Resource.create({"service.name": service}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=receiver + "/v1/traces")))
trace.set_tracer_provider(provider)
trace_ids = []


def app(environ, start_response):
    trace_ids.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))
    if environ["PATH_INFO"] == "/pay":
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"payments are down"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"order 42"]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, OpenTelemetryMiddleware(app), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
urllib.request.urlopen(base + "/orders/42?ref=mail").read()
try:
    urllib.request.urlopen(urllib.request.Request(base + "/pay", data=b"{}", method="POST"))
except urllib.error.HTTPError as error:
    assert error.code == 503, error.code
server.shutdown()
provider.shutdown()
print("\n".join(trace_ids))
