import time
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.intake import Ignored, InboundEmail, Mailbox, SenderContext
from domain.intake.screening import (
    MAX_BODY_CHARS,
    authentication_results,
    screen,
    sender_is_authenticated,
)

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
        # What headers declare outweighs a guess from the sender's name.
        (
            {
                "sender": Mailbox(address="noreply@northwind.example"),
                "headers": {"Precedence": "list", "List-Unsubscribe": "<https://x.example/u>"},
            },
            Ignored.BULK,
        ),
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


MAIL_INTAKE = CONTEXT.model_copy(update={"authenticated_senders_only": True})
INTERNAL = {"X-MS-Exchange-Organization-AuthAs": "Internal"}
DMARC_PASS = {
    "Authentication-Results": (
        "spf=pass (sender IP is 203.0.113.5) smtp.mailfrom=northwind.example; dkim=pass "
        "(signature was verified) header.d=northwind.example;dmarc=pass action=none "
        "header.from=northwind.example;compauth=pass reason=100"
    ),
    "X-MS-Exchange-Organization-AuthAs": "Anonymous",
}
SPOOFED = {
    "Authentication-Results": (
        "spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=northwind.example; dkim=none "
        "(message not signed) header.d=none;dmarc=fail action=oreject "
        "header.from=northwind.example;compauth=fail reason=000"
    ),
    "X-MS-Exchange-Organization-AuthAs": "Anonymous",
}


@pytest.mark.parametrize(
    "headers", [INTERNAL, DMARC_PASS, {"x-ms-exchange-organization-authas": " internal "}]
)
def test_mail_intake_reads_senders_exchange_authenticated(headers: dict[str, str]) -> None:
    assert screen(email(headers=headers), MAIL_INTAKE) is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        SPOOFED,
        {"X-MS-Exchange-Organization-AuthAs": "Anonymous"},
        {"X-MS-Exchange-Organization-AuthAs": "Partner"},
        # One verdict is not enough: both the domain's DMARC and Exchange's own must pass.
        {"Authentication-Results": "dmarc=pass action=none header.from=northwind.example"},
        {"Authentication-Results": "dmarc=fail header.from=northwind.example;compauth=pass"},
        {"Authentication-Results": "dmarc=bestguesspass;compauth=softpass reason=201"},
        # A verdict inside a comment is not a verdict.
        {"Authentication-Results": "spf=fail (dmarc=pass; compauth=pass) smtp.mailfrom=x"},
    ],
)
def test_mail_intake_leaves_unauthenticated_senders_alone(headers: dict[str, str]) -> None:
    assert screen(email(headers=headers), MAIL_INTAKE) == Ignored.UNAUTHENTICATED_SENDER


def test_the_first_verdict_for_a_method_wins() -> None:
    forged_below = "dmarc=fail header.from=northwind.example;compauth=fail;dmarc=pass;compauth=pass"

    assert authentication_results(forged_below) == {"dmarc": "fail", "compauth": "fail"}
    assert not sender_is_authenticated({"authentication-results": forged_below})


def test_reading_authentication_results_takes_linear_time() -> None:
    hostile = "(" * 50_000 + "dmarc=pass;" * 20_000 + ")" * 50_000
    started = time.perf_counter()
    _ = authentication_results(hostile)
    assert time.perf_counter() - started < 1.0


def test_outsiders_keep_their_own_reason_and_the_add_in_needs_no_headers() -> None:
    outsider = email(sender=Mailbox(address="ceo@evil.example"), headers=SPOOFED)

    assert screen(outsider, MAIL_INTAKE) == Ignored.OUTSIDE_TENANT
    assert screen(email(), CONTEXT) is None
