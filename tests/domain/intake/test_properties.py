"""read_email and parse_due never raise, and what they return is consistent."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.intake import (
    Ignored,
    InboundEmail,
    Mailbox,
    SenderContext,
    find_due_dates,
    parse_due,
    read_email,
    visible_text,
)

ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC")
PHRASES = (
    "please",
    "could you",
    "draft the budget",
    "by Friday",
    "next Tuesday 2pm",
    "EOD 3 Dec",
    "3/12",
    "12.01.2027",
    "within two weeks",
    "by the 31st",
    "end of Q4",
    "tomorrow noon",
    "tonight or first thing tomorrow",
    "in 999 hours",
    "2026-02-30",
    "Feb 30",
    "at 25:99",
    "Sam,",
    "Done when",
    "- bullet",
    "\n",
    "> quoted",
    "-----Original Message-----",
    "From: Maya Chen <maya.chen@northwind.example>\nSent: Monday\n",
    "<script>alert(1)</script>",
    "<div id='divRplyFwdMsg'>",
    "<img src=x>",
    "<b>",
    "</p>",
    "&nbsp;",
    "FYI",
    "no action needed",
    "bitte",
)
words = st.lists(st.sampled_from(PHRASES) | st.text(max_size=20), max_size=25).map(" ".join)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
people = st.sampled_from(
    [
        Mailbox(address="sam.okafor@northwind.example", name="Sam Okafor"),
        Mailbox(address="priya@northwind.example"),
        Mailbox(address="accord@northwind.example"),
        Mailbox(address="maya.chen@northwind.example", name="Maya"),
        Mailbox(address="jo@fabrikam.example"),
        Mailbox(address="not-an-address"),
    ]
)
headers = st.dictionaries(
    st.sampled_from(["Auto-Submitted", "List-Id", "Precedence", "X-Accord-Kind", "X-Other"])
    | st.text(max_size=10),
    st.text(max_size=20),
    max_size=3,
)


@st.composite
def emails(draw: st.DrawFn) -> InboundEmail:
    return InboundEmail(
        message_id="m",
        subject=draw(words),
        body=draw(words),
        body_is_html=draw(st.booleans()),
        sender=draw(people),
        to=draw(st.lists(people, max_size=3)),
        cc=draw(st.lists(people, max_size=2)),
        sent_at=draw(instants),
        headers=draw(headers),
        has_attachments=draw(st.booleans()),
    )


contexts = st.builds(
    SenderContext,
    agent_address=st.just("accord@northwind.example"),
    tenant_domains=st.just(["northwind.example"]),
    time_zone=st.sampled_from([*ZONES, "Pacific Standard Time", "Not/AZone", ""]),
    working_day_end=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30, 59])),
    working_day_start=st.builds(time, st.integers(0, 23), st.sampled_from([0, 30])),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(emails(), contexts)
def test_read_email_never_raises_and_is_consistent(
    email: InboundEmail, context: SenderContext
) -> None:
    reading = read_email(email, context)
    if reading.ignored is not None:
        assert reading.drafts == []
        assert reading.missing == []
    if reading.missing:
        assert reading.drafts == []
    for draft in reading.drafts:
        assert draft.due.tzinfo is not None
        assert draft.due > email.sent_at
        assert draft.owner.address != context.agent_address
        assert draft.owner.address != email.sender.address
        assert draft.owner.domain in context.tenant_domains
        assert draft.title
        assert len(draft.title) <= 120
        assert draft.success_criteria
    owners = [draft.owner.address for draft in reading.drafts]
    assert len(owners) == len(set(owners))
    if email.sender.address == context.agent_address:
        assert reading.ignored == Ignored.OWN_MAIL


@settings(max_examples=300, deadline=None)
@given(words, instants, st.sampled_from(ZONES))
def test_parse_due_never_raises_and_is_aware(text: str, sent_at: datetime, zone: str) -> None:
    parsed = parse_due(text, sent_at=sent_at, time_zone=zone)
    if parsed is not None:
        assert parsed.due.tzinfo is not None
        assert parsed.due.utcoffset() == timedelta(0)
        assert parsed.in_past == (parsed.due <= sent_at)
        if parsed.alternatives:
            assert parsed.ambiguous
        assert parsed.strength in (0, 1, 2, 3)
        assert parsed.text
    for found in find_due_dates(text, sent_at=sent_at, time_zone=zone, require_cue=True):
        assert found.due.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.booleans())
def test_visible_text_never_raises(body: str, html: bool) -> None:
    email = InboundEmail(
        message_id="m",
        body=body,
        body_is_html=html,
        sender=Mailbox(address="maya@northwind.example"),
        sent_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    text = visible_text(email)
    assert "<script" not in text.lower() or not html
