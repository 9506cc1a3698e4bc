"""The API's Prometheus metrics: every request by route template, method and status, timed.

The meter is a Temporal runtime's (``accord api`` builds one that serves ``/metrics`` on a port
of its own, ``ACCORD_API_METRICS_PORT``, which neither the Service nor the Ingress exposes), so
the API's numbers leave the same way as the worker's, with the Temporal client's beside them.

Labels stay bounded: the route's template (``/commitments/{commitment_id}``, never the URL, which
may carry an action link's token), a known method or ``OTHER``, and the status code. Requests
no route served share the template ``unrouted``.
"""

from __future__ import annotations

import time
from datetime import timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.common import MetricMeter

from integrations.telemetry.metrics import API_REQUEST_DURATION, API_REQUESTS

UNROUTED = "unrouted"
"""The route label of requests no route served: unknown paths (404), and bodies the limits
refused before routing (413, and 400 for JSON that is broken or too deep)."""
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(scope: Scope) -> str:
    """Return the template of the route that served a request, or :data:`UNROUTED`.

    Args:
        scope: the request's ASGI scope, after the app has answered it.

    Returns:
        The route's path template.
    """
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNROUTED


class RequestMetrics:
    """ASGI middleware counting and timing every HTTP request.

    Added outermost, so it sees every answer: the body limits' refusals too, and a 500 when
    the app raises (recorded, then re-raised for the error handler).
    """

    def __init__(self, app: ASGIApp, meter: MetricMeter) -> None:
        self._app = app
        self._requests = meter.create_counter(
            API_REQUESTS, "API requests answered, by route template, method and status", "1"
        )
        self._duration = meter.create_histogram_timedelta(
            API_REQUEST_DURATION,
            "Time to answer an API request, by route template, method and status",
            "duration",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, counting it (anything but HTTP passes straight on)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._app(scope, receive, send_noting_status)
        finally:
            method = str(scope.get("method", "")).upper()
            labels = {
                "route": route_template(scope),
                "method": method if method in _METHODS else "OTHER",
                "status": str(status),
            }
            self._requests.add(1, labels)
            self._duration.record(timedelta(seconds=time.perf_counter() - started), labels)
