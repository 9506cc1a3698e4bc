"""OpenTelemetry traces of workflows and activities, through Temporal's interceptor.

Off by default. When on, spans go to an OTLP/HTTP collector. The tracer provider is the
worker's own (not installed globally), and it is flushed and shut down when the worker stops.
Span attributes carry workflow and activity ids and types, never payloads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor


def tracer_provider(
    service_name: str, *, endpoint: str | None = None, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Build a tracer provider exporting to an OTLP/HTTP endpoint.

    Args:
        service_name: the ``service.name`` every span carries.
        endpoint: the collector's traces URL; unset: the exporter reads the standard
            ``OTEL_EXPORTER_OTLP_*`` variables.
        exporter: where spans go instead of OTLP (tests keep them in memory).

    Returns:
        The provider, batching spans to the exporter.
    """
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter(endpoint=endpoint)))
    return provider


@contextmanager
def tracing_interceptors(provider: TracerProvider | None) -> Iterator[list[Interceptor]]:
    """Yield the client interceptors that trace to ``provider``, or none without one.

    Args:
        provider: the tracer provider (see :func:`tracer_provider`); ``None``: tracing off.

    Yields:
        ``[TracingInterceptor]`` with a provider, else ``[]``; on exit, spans still buffered
        are flushed and the provider is shut down.
    """
    if provider is None:
        yield []
        return
    try:
        yield [TracingInterceptor(provider.get_tracer("accord"))]
    finally:
        provider.shutdown()
