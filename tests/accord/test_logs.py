"""Logging: what reaches the rendered output, and what never does."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import structlog

from accord import logs
from accord.logs import QUIETED_LOGGERS, REDACTED, configure_logging

SAM_PATH = "/v1.0/users/sam.okafor%40northwind.example/mailboxSettings"
GRAPH_URL = f"https://graph.example{SAM_PATH}"
# A compact JWT of the shape action links and bearer tokens have.
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzYW0ifQ.c2lnbmF0dXJl"

Rendered = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def rendered(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Rendered]:
    """configure_logging as a process would call it (JSON), its output read back as events.

    Logging is process-wide state: it is put back afterwards so that other tests see none of it.
    """
    was_configured = structlog.is_configured()
    saved = structlog.get_config()
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    saved_levels = {name: logging.getLogger(name).level for name in QUIETED_LOGGERS}
    monkeypatch.setattr(logs, "_configured", False)
    # Both structlog's printer and the standard library's handler write to whatever
    # sys.stderr is at the time, which capsys captures.
    configure_logging("info", "json")
    capsys.readouterr()

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]

    try:
        yield read
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        if was_configured:
            structlog.configure(**saved)
        else:
            structlog.reset_defaults()


def test_content_and_secrets_are_redacted_by_key_name(rendered: Rendered) -> None:
    structlog.get_logger("test").info(
        "message_sent",
        body="Sam, the Q1 budget is overdue",
        subject="The Q1 budget",
        note="Waiting on finance",
        token=JWT,
        link_token="abc",
        commitment_id="c-1",
        details={"note": "nested", "kind": "check_in"},
    )

    [event] = rendered()

    assert event["event"] == "message_sent"
    for key in ("body", "subject", "note", "token", "link_token"):
        assert event[key] == REDACTED
    assert event["commitment_id"] == "c-1"
    assert event["details"] == {"note": REDACTED, "kind": "check_in"}


def test_addresses_and_tokens_are_masked_inside_any_value(rendered: Rendered) -> None:
    log = structlog.get_logger("test")
    log.info("request_failed", path=SAM_PATH, reason=f"owner maya.chen@northwind.example; {JWT}")
    try:
        raise RuntimeError(f"no answer from {GRAPH_URL}")
    except RuntimeError:
        logging.getLogger("some.library").exception("failed at %s", f"/a/{JWT}")

    structured, foreign = rendered()

    assert structured["path"] == f"/v1.0/users/{REDACTED}/mailboxSettings"
    assert structured["reason"] == f"owner {REDACTED}; {REDACTED}"
    assert foreign["event"] == f"failed at /a/{REDACTED}"
    # A standard-library record's traceback is rendered as text, and masked like the rest.
    assert "RuntimeError: no answer from https://graph.example/v1.0/users/" in foreign["exception"]
    text = json.dumps([structured, foreign])
    assert "northwind" not in text
    assert "eyJ" not in text


def test_http_requests_are_not_logged_with_their_urls(rendered: Rendered) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with httpx.Client(transport=transport) as http:
        http.get(GRAPH_URL)
    structlog.get_logger("test").info("after_the_request")

    events = rendered()

    # The line after the request proves the output was captured; the request left none.
    assert [event["event"] for event in events] == ["after_the_request"]
    for name in QUIETED_LOGGERS:
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


def test_logs_follow_the_stream_of_the_moment(
    rendered: Rendered, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", stand_in)
        structlog.get_logger("test").info("while_replaced")
    seen_by_stand_in = stand_in.getvalue()
    # A test runner or host closes its stand-in; logging goes on to the current stream.
    stand_in.close()
    structlog.get_logger("test").info("after_closed")

    assert "while_replaced" in seen_by_stand_in
    assert [event["event"] for event in rendered()] == ["after_closed"]
