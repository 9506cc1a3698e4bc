"""Telemetry: Prometheus metrics through Temporal's runtime, and optional OpenTelemetry traces."""
