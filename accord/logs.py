"""structlog configuration: JSON lines off a terminal, readable output on one.

Context travels through contextvars (``structlog.contextvars.bind_contextvars``). Before
anything is rendered, a redaction step drops the values of keys that may carry secrets or
commitment content, and masks email addresses and signed tokens wherever they appear in a
value (a library's message with a Graph URL, an exception's text). Libraries that log every
request URL at INFO (httpx, httpcore, azure-core's HTTP logging policy) are held at WARNING:
Graph URLs name people and action-link URLs carry tokens.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, Literal, TextIO, cast

import structlog

REDACTED = "[redacted]"
_SENSITIVE_KEY_PARTS = (
    "authorization",
    "token",
    "secret",
    "password",
    "api_key",
    "private_key",
    "credential",
    "cookie",
    "body",
    "content",
    "description",
    "note",
    "title",
    "subject",
    "email",
)
# Found inside any string value, whatever its key: people's addresses, plain or URL-encoded
# as in Graph paths (`/users/sam.okafor%40northwind.example/...`), and compact JWTs: action
# links and bearer tokens are JWTs, and a link's payload names its person. The local part is
# bounded (64 characters, as in RFC 5321) so that a long run without an "@" costs linear time.
_SENSITIVE_TEXT = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",
    re.IGNORECASE,
)
# Loggers that report each HTTP request with its full URL at INFO.
QUIETED_LOGGERS = ("httpx", "httpcore", "azure.core.pipeline.policies.http_logging_policy")
_configured = False


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SENSITIVE_TEXT.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {key: _redacted_entry(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrub(item) for item in value]
    return value


def _redacted_entry(key: str, value: Any) -> Any:
    lowered = key.lower()
    if any(part in lowered for part in _SENSITIVE_KEY_PARTS):
        return REDACTED
    return _scrub(value)


def redact_sensitive(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace values that may carry secrets, commitment content or people's addresses.

    A key whose name suggests a secret or content (``token``, ``body``, ``note``, ...) loses
    its value, at any depth of nested mappings. In every other string, including the event
    itself (the message, for records from the standard library) and a formatted exception,
    email addresses and JWTs are masked.

    Args:
        _logger: unused, part of the processor protocol.
        _method: unused, part of the processor protocol.
        event_dict: the event being logged.

    Returns:
        The event with sensitive values replaced.
    """
    for key in list(event_dict):
        if key.startswith("_"):
            # structlog's own bookkeeping (`_record`, `_from_structlog`): never rendered.
            continue
        if key == "event":
            event_dict[key] = _scrub(event_dict[key])
        else:
            event_dict[key] = _redacted_entry(key, event_dict[key])
    return event_dict


class _CurrentStderr(io.TextIOBase):
    """``sys.stderr`` as it is at each write, not as it was when logging was configured.

    Test runners and embedding hosts replace ``sys.stderr`` and later close their stand-in; a
    logger that kept the stream it was configured with would then fail on every line.
    """

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


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
        # Before redaction, so that a traceback's text is masked too; it also turns a
        # standard-library record's exc_info into text, which JSON would otherwise show as
        # the tuple's repr.
        structlog.processors.format_exc_info,
        redact_sensitive,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        # Only write and flush are used; typeshed's TextIO is the wider protocol it asks for.
        logger_factory=structlog.PrintLoggerFactory(file=cast(TextIO, _CurrentStderr())),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(_CurrentStderr())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(numeric_level, logging.INFO))
    for name in QUIETED_LOGGERS:
        # Their warnings and errors still come through, without a line per request.
        logging.getLogger(name).setLevel(logging.WARNING)
    _configured = True
