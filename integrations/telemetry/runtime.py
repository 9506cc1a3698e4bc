"""The Temporal runtime of the worker process, exporting its metrics to Prometheus.

Temporal's Rust core serves ``/metrics`` itself (``PrometheusConfig``) rather than Accord
draining a ``MetricBuffer`` into prometheus-client: no buffer to size or poll, histograms are
bucketed natively, and Accord's own counters (recorded through the same meters, see
:mod:`integrations.telemetry.metrics`) appear on the same endpoint. The price is a port of its
own, next to the probe port.
"""

from __future__ import annotations

from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from integrations.telemetry.metrics import API_REQUEST_DURATION

SCHEDULE_TO_START_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
"""Seconds; alerts look at the 95th percentile around a few seconds."""
API_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds; Graph wants its webhooks answered within 3."""


class MetricsSetupError(Exception):
    """The metrics endpoint cannot be served as asked; the message names the address."""


def build_runtime(metrics_address: str | None) -> Runtime:
    """Build the worker's runtime: Prometheus metrics on ``metrics_address`` when given.

    Args:
        metrics_address: ``host:port`` to serve ``/metrics`` on; ``None``: no metrics.

    Returns:
        A runtime of its own; the SDK's default runtime when no address is given.

    Raises:
        MetricsSetupError: when the address cannot be bound.
    """
    if metrics_address is None:
        return Runtime.default()
    prometheus = PrometheusConfig(
        bind_address=metrics_address,
        # Prometheus's own conventions: counters end in _total, durations are in seconds.
        counters_total_suffix=True,
        durations_as_seconds=True,
        histogram_bucket_overrides={
            "temporal_workflow_task_schedule_to_start_latency": SCHEDULE_TO_START_BUCKETS,
            "temporal_activity_schedule_to_start_latency": SCHEDULE_TO_START_BUCKETS,
            API_REQUEST_DURATION: API_REQUEST_BUCKETS,
        },
    )
    try:
        return Runtime(telemetry=TelemetryConfig(metrics=prometheus))
    except ValueError as exc:
        # The SDK reports a port in use (or an address it cannot bind) as a ValueError.
        raise MetricsSetupError(
            f"cannot serve metrics on {prometheus.bind_address}: {exc}"
        ) from None
