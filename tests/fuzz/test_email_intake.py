"""Fuzzing email intake end to end: Graph's JSON of a message anyone could have sent, read.

Graph's shape is trusted (Accord reads the message from Graph itself), but everything in it
that a sender chooses is not: subject, body (text or HTML), names, addresses, headers. From the
Graph JSON to the reading, nothing raises. The reader's own properties are in
``tests/domain/intake/test_properties.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.intake.activities import inbound_email
from domain.intake import SenderContext, read_email
from tests.support.people import AGENT, MANAGER, SAM

INTAKE_FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
FRAGMENTS = [
    "Sam, please draft the Q1 budget by Friday.",
    "Could you send the review by EOD 3 Dec?",
    "Done when finance has it.",
    "<p>",
    "</p><div id='divRplyFwdMsg'>",
    "<blockquote>",
    "<script>alert(1)</script>",
    "<!--",
    "&lt;&amp;&#x0;",
    "-----Original Message-----\nFrom: x\nSent: Monday\nTo: y\nSubject: z\n",
    "> quoted line",
    "\u202e\u200b\ufeff",
    "by 31/02",
    "in 99999999999 days",
    "\r\n",
]
text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=30).map(" ".join)
addresses = st.sampled_from([SAM, MANAGER, AGENT, "priya.raman@northwind.example"]) | st.one_of(
    st.emails().map(str), st.text(max_size=30)
)


def mailbox(address: str, name: str) -> dict[str, Any]:
    return {"emailAddress": {"address": address, "name": name}}


messages = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=40),
        "subject": text,
        "body": st.fixed_dictionaries(
            {"contentType": st.sampled_from(["html", "text", "HTML"]), "content": text}
        ),
        "from": st.builds(mailbox, addresses, st.text(max_size=30)),
        "toRecipients": st.lists(st.builds(mailbox, addresses, st.text(max_size=30)), max_size=4),
        "ccRecipients": st.lists(st.builds(mailbox, addresses, st.text(max_size=30)), max_size=3),
        "sentDateTime": st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
        ).map(lambda at: at.isoformat().replace("+00:00", "Z")),
        "internetMessageHeaders": st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(
                        ["Auto-Submitted", "Precedence", "X-Auto-Response-Suppress", "List-Id"]
                    )
                    | st.text(max_size=20),
                    "value": st.text(max_size=60),
                }
            ),
            max_size=5,
        ),
        "hasAttachments": st.booleans(),
    }
)
contexts = st.builds(
    SenderContext,
    agent_address=st.just(AGENT),
    tenant_domains=st.just(["northwind.example"]),
    time_zone=st.sampled_from(["Europe/London", "Eastern Standard Time", "Nowhere/Else", "UTC"]),
)


@INTAKE_FUZZ
@given(messages, contexts)
def test_any_message_a_sender_can_write_is_read_without_raising(
    message: dict[str, Any], context: SenderContext
) -> None:
    email = inbound_email(message)
    if email is None:
        return
    reading = read_email(email, context)
    outcomes = [bool(reading.drafts), bool(reading.missing), reading.ignored is not None]
    assert sum(outcomes) == 1, reading
