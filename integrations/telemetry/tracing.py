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

from accord.settings import AccordSettings


def tracer_provider(
    settings: AccordSettings, exporter: SpanExporter | None = None
) -> TracerProvider:
    """Build a tracer provider exporting to the configured OTLP/HTTP endpoint.

    Args:
        settings: ``tracing_service_name`` and ``tracing_otlp_endpoint`` (unset: the
            exporter reads the standard ``OTEL_EXPORTER_OTLP_*`` variables).
        exporter: where spans go instead of OTLP (tests keep them in memory).

    Returns:
        The provider, batching spans to the exporter.
    """
    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: settings.tracing_service_name})
    )
    provider.add_span_processor(
        BatchSpanProcessor(exporter or OTLPSpanExporter(endpoint=settings.tracing_otlp_endpoint))
    )
    return provider


@contextmanager
def tracing_interceptors(
    settings: AccordSettings, exporter: SpanExporter | None = None
) -> Iterator[list[Interceptor]]:
    """Yield the client interceptors that trace, or none when tracing is off.

    Args:
        settings: ``tracing_enabled`` and the exporter's settings.
        exporter: where spans go instead of OTLP (tests keep them in memory).

    Yields:
        ``[TracingInterceptor]`` when tracing is on, else ``[]``; on exit, spans still
        buffered are flushed.
    """
    if not settings.tracing_enabled:
        yield []
        return
    provider = tracer_provider(settings, exporter)
    try:
        yield [TracingInterceptor(provider.get_tracer("accord"))]
    finally:
        provider.shutdown()
