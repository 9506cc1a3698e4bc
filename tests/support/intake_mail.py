"""Emails and sender contexts for the intake reader's tests (pure: no I/O, no Temporal)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.intake import InboundEmail, Mailbox, Reading, SenderContext, read_email
from domain.timezones import resolve_zone

MAYA = Mailbox(address="maya.chen@northwind.example", name="Maya Chen")
SAM = Mailbox(address="sam.okafor@northwind.example", name="Sam Okafor")
PRIYA = Mailbox(address="priya.raman@northwind.example", name="Priya Raman")
OMAR = Mailbox(address="omar.haddad@northwind.example", name="Omar Haddad")
NADIA = Mailbox(address="nadia.ferreira@northwind.example", name="Nadia Ferreira")
AGENT = Mailbox(address="accord@northwind.example", name="Accord")
WEDNESDAY = datetime(2026, 12, 2, 10, tzinfo=UTC)
"""Wednesday 2 December 2026, 10:00 in London: the default sent time."""
CONTEXT = SenderContext(
    agent_address=AGENT.address,
    tenant_domains=["northwind.example"],
    time_zone="Europe/London",
)


def mail(body: str, **changes: Any) -> InboundEmail:
    """An email from Maya to Sam with Accord in Cc, sent on :data:`WEDNESDAY`."""
    fields: dict[str, Any] = {
        "message_id": "m1",
        "conversation_id": "c1",
        "subject": "Hello",
        "body": body,
        "sender": MAYA,
        "to": [SAM],
        "cc": [AGENT],
        "sent_at": WEDNESDAY,
    }
    return InboundEmail(**(fields | changes))


def read(body: str, context: SenderContext = CONTEXT, **changes: Any) -> Reading:
    """Read :func:`mail` with the given body (and changes) in ``context``."""
    return read_email(mail(body, **changes), context)


def local(reading: Reading, zone: str = "Europe/London") -> str:
    """The reading's due date as local wall time, "YYYY-MM-DD HH:MM" ("" when none)."""
    if reading.due is None:
        return ""
    return reading.due.astimezone(resolve_zone(zone)).strftime("%Y-%m-%d %H:%M")


def asks_by(body: str, word: str, day: str) -> Reading:
    """Read ``body`` and check it is a complete ask for ``word``, due on ``day``.

    Args:
        body: the sender's new text.
        word: a word the title must hold (lower case).
        day: the due date, ISO (``2026-12-04``), in UTC.

    Returns:
        The reading, for further checks.
    """
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title
    assert reading.due is not None, reading
    assert reading.due.date().isoformat() == day, reading.due
    return reading
