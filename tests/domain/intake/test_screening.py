from datetime import UTC, datetime
from typing import Any

import pytest

from domain.intake import Ignored, InboundEmail, Mailbox, SenderContext
from domain.intake.screening import MAX_BODY_CHARS, screen

CONTEXT = SenderContext(
    agent_address="accord@northwind.example",
    tenant_domains=["northwind.example"],
    time_zone="Europe/London",
)


def email(**changes: Any) -> InboundEmail:
    fields: dict[str, Any] = {
        "message_id": "m1",
        "subject": "Q1 budget",
        "body": "Sam, please draft the Q1 budget by Friday.",
        "sender": Mailbox(address="maya.chen@northwind.example"),
        "to": [Mailbox(address="sam.okafor@northwind.example")],
        "sent_at": datetime(2026, 11, 23, 9, tzinfo=UTC),
    }
    return InboundEmail(**(fields | changes))


def test_ordinary_mail_is_read() -> None:
    assert screen(email(), CONTEXT) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sender": Mailbox(address="Accord@Northwind.example")}, Ignored.OWN_MAIL),
        ({"headers": {"X-Accord-Kind": "expectation"}}, Ignored.OWN_MAIL),
        ({"headers": {"Auto-Submitted": "auto-replied"}}, Ignored.AUTO_REPLY),
        ({"headers": {"auto-submitted": "auto-generated"}}, Ignored.AUTO_REPLY),
        ({"headers": {"X-Auto-Response-Suppress": "All"}}, Ignored.AUTO_REPLY),
        ({"headers": {"Precedence": "auto_reply"}}, Ignored.AUTO_REPLY),
        ({"subject": "Automatic reply: Q1 budget"}, Ignored.AUTO_REPLY),
        ({"subject": "Out of Office"}, Ignored.AUTO_REPLY),
        ({"subject": "Out of office until 4 January"}, Ignored.AUTO_REPLY),
        ({"subject": "Undeliverable: Q1 budget"}, Ignored.AUTO_REPLY),
        ({"sender": Mailbox(address="postmaster@northwind.example")}, Ignored.AUTO_REPLY),
        ({"headers": {"List-Id": "<eng.northwind.example>"}}, Ignored.BULK),
        ({"headers": {"List-Unsubscribe": "<mailto:u@x.example>"}}, Ignored.BULK),
        ({"headers": {"Precedence": "bulk"}}, Ignored.BULK),
        ({"sender": Mailbox(address="maya.chen@northwind-example.com")}, Ignored.OUTSIDE_TENANT),
        ({"sender": Mailbox(address="maya@mail.northwind.example")}, Ignored.OUTSIDE_TENANT),
        ({"sender": Mailbox(address="no-at-sign")}, Ignored.OUTSIDE_TENANT),
        ({"body": "x" * (MAX_BODY_CHARS + 1)}, Ignored.TOO_LARGE),
    ],
)
def test_reasons(changes: dict[str, Any], reason: Ignored) -> None:
    assert screen(email(**changes), CONTEXT) == reason


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert screen(email(headers={"Auto-Submitted": "no"}), CONTEXT) is None


def test_a_subject_about_the_office_is_not_an_auto_reply() -> None:
    assert screen(email(subject="Out of office party: please RSVP by Friday"), CONTEXT) is None


def test_loops_win_over_every_other_reason() -> None:
    loop = email(
        sender=Mailbox(address="accord@northwind.example"),
        headers={"Auto-Submitted": "auto-generated", "List-Id": "x"},
    )
    assert screen(loop, CONTEXT) == Ignored.OWN_MAIL
