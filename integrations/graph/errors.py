"""Turning Graph failures into Temporal activity errors that retry, or not, for the right reason.

The SDK's retry handler is off (see :mod:`integrations.graph.client`), so every failure reaches
the activity, and Temporal's retry policy decides what happens next from the error built here:

* a 4xx other than 408 and 429 is the request's own fault and fails for good
  (``GraphClientError``);
* 429 (``GraphThrottled``), 408 and 5xx (``GraphUnavailable``) retry, after ``Retry-After``
  when Graph sends it, plus a random fifth of it (at least up to a second more), so that
  the requests one throttling answer turned back do not all return in the same instant;
* a timeout or a dropped connection (``GraphUnreachable``) retries: the request may or may not
  have taken effect, which is why every activity that changes something checks for an earlier
  attempt's effect first.

Error messages carry the status, Graph's error code and Graph's message, never what Accord
sent (subjects, bodies and notes stay out of workflow histories and logs).
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from kiota_abstractions.api_error import APIError
from temporalio.exceptions import ApplicationError

from integrations.telemetry.metrics import activity_meter, count_graph_error

CLIENT_ERROR = "GraphClientError"
THROTTLED = "GraphThrottled"
UNAVAILABLE = "GraphUnavailable"
UNREACHABLE = "GraphUnreachable"
RETRYABLE_CLIENT_STATUSES = frozenset({408, 429})
_MAX_GRAPH_MESSAGE = 300


def graph_status(exc: BaseException) -> int | None:
    """Return the HTTP status of a Graph error, or ``None`` for anything else.

    Args:
        exc: any exception.

    Returns:
        The status of a kiota ``APIError`` that carries one.
    """
    return exc.response_status_code if isinstance(exc, APIError) else None


def graph_error_code(exc: BaseException) -> str | None:
    """Return Graph's error code (``error.code`` of the body), when the error carries one.

    Args:
        exc: any exception.

    Returns:
        The code, e.g. ``ErrorItemNotFound``.
    """
    main_error = getattr(exc, "error", None)
    code = getattr(main_error, "code", None)
    return code if isinstance(code, str) else None


def graph_error_to_temporal(exc: BaseException) -> BaseException:
    """Translate a Graph or transport failure into a Temporal ``ApplicationError``.

    Args:
        exc: what the SDK raised.

    Returns:
        An ``ApplicationError`` for kiota ``APIError`` and httpx transport errors (see the
        module notes for which retry); any other exception unchanged.
    """
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, APIError):
        return _from_api_error(exc)
    if isinstance(exc, httpx.TransportError):
        # The exception's own text can hold the request URL; its type says enough.
        return ApplicationError(
            f"Graph could not be reached: {type(exc).__name__}",
            type=UNREACHABLE,
            non_retryable=False,
        )
    return exc


@contextmanager
def graph_errors() -> Iterator[None]:
    """Raise Graph and transport failures inside the block as Temporal errors.

    Raises:
        ApplicationError: translated by :func:`graph_error_to_temporal`.
    """
    try:
        yield
    except (APIError, httpx.TransportError) as exc:
        meter = activity_meter()
        if meter is not None and isinstance(exc, APIError):
            count_graph_error(meter, status=graph_status(exc))
        raise graph_error_to_temporal(exc) from None


def _from_api_error(exc: APIError) -> ApplicationError:
    status = exc.response_status_code
    code = graph_error_code(exc) or "unknown"
    message = f"Graph answered {status if status is not None else 'without a status'} ({code})"
    graph_message = _graph_message(exc)
    if graph_message:
        message = f"{message}: {graph_message}"
    if status is None:
        # No response was involved (a malformed request the SDK refused): retrying cannot help.
        return ApplicationError(message, None, code, type=CLIENT_ERROR, non_retryable=True)
    if 400 <= status < 500 and status not in RETRYABLE_CLIENT_STATUSES:
        return ApplicationError(message, status, code, type=CLIENT_ERROR, non_retryable=True)
    return ApplicationError(
        message,
        status,
        code,
        type=THROTTLED if status == 429 else UNAVAILABLE,
        non_retryable=False,
        next_retry_delay=_spread(retry_after(exc.response_headers)),
    )


def _spread(delay: timedelta | None) -> timedelta | None:
    if delay is None:
        return None
    extra = max(1.0, delay.total_seconds() * 0.2)
    # Spreading retries in time, not security: the module's generator is right here.
    return delay + timedelta(seconds=random.uniform(0.0, extra))  # noqa: S311


def _graph_message(exc: APIError) -> str:
    main_error = getattr(exc, "error", None)
    text = getattr(main_error, "message", None) or exc.message or ""
    text = " ".join(str(text).split())
    return text[:_MAX_GRAPH_MESSAGE]


def retry_after(headers: Mapping[str, str] | Any, now: datetime | None = None) -> timedelta | None:
    """Read a ``Retry-After`` header: delay seconds or an HTTP date.

    Args:
        headers: the response headers (httpx's, or a plain mapping with any key case).
        now: the current instant, for the HTTP-date form; the system clock when omitted.

    Returns:
        How long to wait, or ``None`` when the header is missing or unreadable.
    """
    if headers is None:
        return None
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return timedelta(seconds=int(raw))
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return timedelta(seconds=max(0, math.ceil(seconds)))


def _header(headers: Mapping[str, str] | Any, name: str) -> str | None:
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    # httpx.Headers ignores case; a plain dict needs the search.
    value = getter(name)
    if value is None and isinstance(headers, Mapping):
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return None if value is None else str(value)
