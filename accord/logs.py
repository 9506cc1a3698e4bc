"""structlog configuration: JSON lines off a terminal, readable output on one.

Context travels through contextvars (``structlog.contextvars.bind_contextvars``), and a
redaction step drops the values of keys that may carry secrets or commitment content.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog

REDACTED = "[redacted]"
_SENSITIVE_KEY_PARTS = (
    "authorization",
    "token",
    "secret",
    "password",
    "body",
    "content",
    "description",
    "note",
    "title",
    "subject",
)
_configured = False


def redact_sensitive(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace values of keys that may carry secrets or commitment content.

    Args:
        _logger: unused, part of the processor protocol.
        _method: unused, part of the processor protocol.
        event_dict: the event being logged.

    Returns:
        The event with sensitive values replaced.
    """
    for key in list(event_dict):
        lowered = key.lower()
        if key != "event" and any(part in lowered for part in _SENSITIVE_KEY_PARTS):
            event_dict[key] = REDACTED
    return event_dict


def configure_logging(
    level: str = "info", fmt: Literal["auto", "json", "console"] = "auto"
) -> None:
    """Configure structlog and the standard library's logging once per process.

    Args:
        level: the lowest level emitted (debug, info, warning, error).
        fmt: ``json``, ``console`` or ``auto`` (console on a terminal, JSON otherwise).
    """
    global _configured
    if _configured:
        return
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    )
    numeric_level = logging.getLevelNamesMapping()[level.upper()]
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_sensitive,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(numeric_level, logging.INFO))
    _configured = True
