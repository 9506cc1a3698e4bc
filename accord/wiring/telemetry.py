"""The worker's telemetry from the settings: its metrics runtime and its tracing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.sdk.trace.export import SpanExporter
from temporalio.client import Interceptor
from temporalio.runtime import Runtime

from accord.settings import AccordSettings
from integrations.telemetry.runtime import MetricsSetupError, build_runtime
from integrations.telemetry.tracing import tracer_provider, tracing_interceptors


def worker_runtime(settings: AccordSettings) -> Runtime:
    """Build the worker's runtime: Prometheus metrics on ``worker_metrics_port`` when set.

    Args:
        settings: ``worker_http_host`` and ``worker_metrics_port``.

    Returns:
        A runtime of its own; the SDK's default runtime when no metrics port is set.

    Raises:
        MetricsSetupError: when the metrics port cannot be bound (the message names the
            setting).
    """
    port = settings.worker_metrics_port
    try:
        return build_runtime(None if port is None else f"{settings.worker_http_host}:{port}")
    except MetricsSetupError as exc:
        raise MetricsSetupError(f"ACCORD_WORKER_METRICS_PORT: {exc}") from None


@contextmanager
def worker_tracing(
    settings: AccordSettings, exporter: SpanExporter | None = None
) -> Iterator[list[Interceptor]]:
    """Yield the client interceptors that trace, or none when tracing is off.

    Args:
        settings: ``tracing_enabled``, ``tracing_service_name`` and ``tracing_otlp_endpoint``.
        exporter: where spans go instead of OTLP (tests keep them in memory).

    Yields:
        ``[TracingInterceptor]`` when tracing is on, else ``[]``; on exit, spans still
        buffered are flushed.
    """
    provider = None
    if settings.tracing_enabled:
        provider = tracer_provider(
            settings.tracing_service_name,
            endpoint=settings.tracing_otlp_endpoint,
            exporter=exporter,
        )
    with tracing_interceptors(provider) as interceptors:
        yield interceptors
