import re
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.intake import (
    DueParse,
    Ignored,
    InboundEmail,
    Mailbox,
    Missing,
    SenderContext,
    complete_due,
    parse_due,
    read_email,
)
from domain.intake.ask import TITLE_MAX_CHARS
from tests.support.message_samples import BLAME_PATTERNS

MAYA = Mailbox(address="maya.chen@northwind.example", name="Maya Chen")
SAM = Mailbox(address="sam.okafor@northwind.example", name="Sam Okafor")
PRIYA = Mailbox(address="priya.raman@northwind.example", name="Priya Raman")
AGENT = Mailbox(address="accord@northwind.example", name="Accord")
MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)
CONTEXT = SenderContext(
    agent_address=AGENT.address,
    tenant_domains=["northwind.example"],
    time_zone="Europe/London",
)


def email(**changes: Any) -> InboundEmail:
    fields: dict[str, Any] = {
        "message_id": "m1",
        "conversation_id": "c1",
        "subject": "Q1 budget",
        "body": "Hi Sam,\n\nCould you draft the Q1 budget by Friday?\n\nThanks,\nMaya",
        "sender": MAYA,
        "to": [SAM],
        "cc": [AGENT],
        "sent_at": MONDAY,
    }
    return InboundEmail(**(fields | changes))


def test_a_complete_request() -> None:
    reading = read_email(email(), CONTEXT)
    assert reading.is_complete
    assert reading.ignored is None
    assert reading.missing == []
    assert reading.manager == MAYA
    [draft] = reading.drafts
    assert draft.owner == SAM
    assert draft.title == "Draft the Q1 budget"
    assert draft.due == datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert draft.due_text == "by Friday"
    assert draft.criteria_derived
    assert "Maya" in draft.success_criteria
    assert any("done looks like" in note for note in reading.notes)


def test_explicit_success_criteria_are_used() -> None:
    body = "Sam, please draft the Q1 budget by Friday. Success looks like a sheet finance signed."
    [draft] = read_email(email(body=body), CONTEXT).drafts
    assert draft.success_criteria == "A sheet finance signed"
    assert not draft.criteria_derived


def test_bullets_after_a_criteria_cue() -> None:
    body = (
        "Sam, please plan the offsite by Friday.\nDefinition of done:\n- venue booked\n"
        "- agenda sent"
    )
    [draft] = read_email(email(body=body), CONTEXT).drafts
    assert draft.success_criteria == "Venue booked; agenda sent"


def test_one_commitment_per_to_recipient_never_cc_agent_or_sender() -> None:
    outsider = Mailbox(address="jo@fabrikam.example", name="Jo Baker")
    reading = read_email(
        email(
            to=[SAM, PRIYA, AGENT, MAYA, outsider, SAM],
            cc=[AGENT, Mailbox(address="x@northwind.example")],
        ),
        CONTEXT,
    )
    assert [draft.owner for draft in reading.drafts] == [SAM, PRIYA]
    assert {draft.title for draft in reading.drafts} == {"Draft the Q1 budget"}
    assert any("Jo Baker is outside your organisation" in note for note in reading.notes)


def test_no_owner_asks_the_manager() -> None:
    reading = read_email(email(to=[AGENT], cc=[SAM]), CONTEXT)
    assert reading.missing == [Missing.OWNER]
    assert reading.drafts == []
    assert reading.title == "Draft the Q1 budget"
    assert reading.due == datetime(2026, 11, 27, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ("Sam, could you draft the Q1 budget?", Missing.DUE_DATE),
        ("Sam, please draft the Q1 budget ASAP.", Missing.DUE_DATE),
        ("Sam, please draft the Q1 budget by 20 November.", Missing.DUE_IN_PAST),
        ("Sam, please draft the Q1 budget by 4/12.", Missing.DUE_AMBIGUOUS),
    ],
)
def test_due_problems_ask_the_manager(body: str, missing: Missing) -> None:
    reading = read_email(email(body=body), CONTEXT)
    assert reading.missing == [missing]
    assert reading.drafts == []
    assert reading.owners == [SAM]
    assert reading.notes


def test_the_managers_answer_completes_the_reading() -> None:
    reading = read_email(email(body="Sam, could you draft the Q1 budget?"), CONTEXT)
    answer_at = datetime(2026, 11, 23, 11, tzinfo=UTC)
    answer = parse_due("Friday 3pm", sent_at=answer_at, time_zone=CONTEXT.time_zone)
    assert answer is not None
    completed = complete_due(reading, answer)
    assert completed.is_complete
    [draft] = completed.drafts
    assert draft.due == datetime(2026, 11, 27, 15, tzinfo=UTC)
    assert draft.due_text == "Friday 3pm"


def test_a_past_answer_is_still_missing() -> None:
    reading = read_email(email(body="Sam, could you draft the Q1 budget?"), CONTEXT)
    answer = parse_due("by 2 November", sent_at=MONDAY, time_zone="UTC")
    assert answer is not None
    completed = complete_due(reading, answer)
    assert completed.missing == [Missing.DUE_IN_PAST]
    assert completed.drafts == []


def test_completing_keeps_other_missing_items_and_ignored_readings() -> None:
    no_owner = read_email(email(to=[AGENT], body="Please draft the Q1 budget."), CONTEXT)
    answer = parse_due("Friday", sent_at=MONDAY, time_zone="UTC")
    assert answer is not None
    assert complete_due(no_owner, answer).missing == [Missing.OWNER]
    ignored = read_email(email(body="Thanks, great work!"), CONTEXT)
    assert complete_due(ignored, answer) == ignored


def test_a_reply_never_rereads_the_quoted_ask() -> None:
    body = (
        "Thanks Sam, that's great!\n\nFrom: Maya Chen <maya.chen@northwind.example>\n"
        "Sent: Friday\nTo: Sam Okafor\nSubject: Q1 budget\n\n"
        "Sam, please draft the Q1 budget by Friday."
    )
    reading = read_email(email(subject="RE: Q1 budget", body=body), CONTEXT)
    assert reading.ignored == Ignored.NOT_A_REQUEST


def test_a_forward_of_the_managers_own_ask_is_read() -> None:
    body = (
        "From: Maya Chen <maya.chen@northwind.example>\nSent: Friday\n"
        "To: Sam Okafor <sam.okafor@northwind.example>\nSubject: Q1 budget\n\n"
        "Sam, please draft the Q1 budget by Friday."
    )
    reading = read_email(email(subject="FW: Q1 budget", to=[AGENT], cc=[], body=body), CONTEXT)
    assert reading.is_complete
    assert [draft.owner.address for draft in reading.drafts] == [SAM.address]


def test_a_forward_of_someone_elses_ask_is_not_a_request() -> None:
    body = (
        "---------- Forwarded message ---------\nFrom: Bob <bob@fabrikam.example>\n"
        "Date: Monday\nSubject: Deck\nTo: Maya Chen <maya.chen@northwind.example>\n\n"
        "Could you send us your deck by Friday?"
    )
    reading = read_email(email(subject="Fwd: Deck", body=body), CONTEXT)
    assert reading.ignored == Ignored.NOT_A_REQUEST


def test_the_forwarders_own_words_win() -> None:
    body = (
        "Sam, please answer Bob by Wednesday.\n\n---------- Forwarded message ---------\n"
        "From: Bob <bob@fabrikam.example>\nDate: Monday\n\nCould you send us your deck by Friday?"
    )
    [draft] = read_email(email(subject="Fwd: Deck", body=body), CONTEXT).drafts
    assert draft.due == datetime(2026, 11, 25, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        "Thanks so much for getting the release out, Sam!",
        "FYI the review moved to Thursday. No action needed.",
        "Please find attached the signed contract for your records.",
        "I'll send you the draft by Friday.",
        "Jordan, please don't work on the renewal over the weekend. Monday is fine.",
        "Congratulations on the launch! Please take Friday afternoon off.",
        "Sam, please don't worry about the permits; facilities will handle them.",
        "Have a great weekend, and please rest.",
        "",
    ],
)
def test_mail_without_an_ask_is_not_a_request(body: str) -> None:
    reading = read_email(email(body=body, subject="Update"), CONTEXT)
    assert reading.ignored == Ignored.NOT_A_REQUEST
    assert reading.drafts == []


def test_mail_in_a_language_not_read_is_not_a_request_and_says_why() -> None:
    # German, French and Spanish are read (tests/domain/intake/test_languages.py); Dutch is not.
    body = "Hoi Sam, kun je de planning voor maandag afronden? Groetjes, Maya"
    reading = read_email(email(body=body, subject="Planning"), CONTEXT)
    assert reading.ignored == Ignored.NOT_A_REQUEST
    assert any("German, French and Spanish" in note for note in reading.notes)


def test_an_ask_in_the_subject_alone() -> None:
    reading = read_email(
        email(subject="Sam - please send the Q1 forecast by Friday", body=""), CONTEXT
    )
    [draft] = reading.drafts
    assert draft.title == "Send the Q1 forecast"


def test_unknown_time_zone_reads_in_utc_and_says_so() -> None:
    context = CONTEXT.model_copy(update={"time_zone": "tzone://Microsoft/Custom"})
    reading = read_email(email(), context)
    assert reading.drafts[0].due == datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert any("UTC" in note for note in reading.notes)


def test_large_bodies_are_read_from_the_top_and_huge_ones_ignored() -> None:
    large = "Sam, please draft the Q1 budget by Friday.\n" + "log line\n" * 100_000
    reading = read_email(email(body=large), CONTEXT)
    assert reading.is_complete
    assert any("long" in note for note in reading.notes)
    huge = "x" * 3_000_000
    assert read_email(email(body=huge), CONTEXT).ignored == Ignored.TOO_LARGE


def test_attachments_change_nothing() -> None:
    assert (
        read_email(email(has_attachments=True), CONTEXT).drafts
        == read_email(email(), CONTEXT).drafts
    )


def test_titles_are_short_and_never_start_with_re_or_fw() -> None:
    long_ask = "Sam, please " + "review and update " * 30 + "the plan by Friday."
    reading = read_email(email(subject="RE: FW: plan", body=long_ask), CONTEXT)
    assert 0 < len(reading.title) <= TITLE_MAX_CHARS
    vague = read_email(
        email(subject="RE: FW: Vendor renewal", body="Sam, can you own it by Friday?"), CONTEXT
    )
    assert vague.title == "Own the vendor renewal"


def test_notes_are_kind() -> None:
    bodies = [
        "Sam, could you draft the Q1 budget?",
        "Sam, please draft the Q1 budget by 20 November.",
        "Sam, please draft the Q1 budget by 4/12.",
        "Please draft the Q1 budget ASAP.",
    ]
    for body in bodies:
        reading = read_email(email(body=body, to=[AGENT, Mailbox(address="jo@x.example")]), CONTEXT)
        for note in reading.notes:
            for pattern in BLAME_PATTERNS:
                assert re.search(pattern, note, flags=re.IGNORECASE) is None, note


def test_wide_and_deep_html_costs_linear_time() -> None:
    # A quadratic walk over these took minutes; a linear one takes about a second.
    started = time.perf_counter()
    wide = read_email(email(body="<p>x</p>" * 240_000, body_is_html=True), CONTEXT)
    deep = read_email(email(body="<div>" * 50_000 + "hi", body_is_html=True), CONTEXT)
    assert wide.ignored == deep.ignored == Ignored.NOT_A_REQUEST
    assert time.perf_counter() - started < 15


def test_completing_with_a_built_due_checks_it_against_now() -> None:
    reading = read_email(email(body="Sam, could you draft the Q1 budget?"), CONTEXT)
    built = DueParse(due=datetime(2026, 11, 20, 17, tzinfo=UTC), text="the flag's due date")
    assert complete_due(reading, built).is_complete
    assert complete_due(reading, built, now=MONDAY).missing == [Missing.DUE_IN_PAST]


def test_completing_keeps_notes_that_are_not_about_the_date() -> None:
    reading = read_email(email(body="Sam, could you draft the Q1 budget?"), CONTEXT)
    answer = parse_due("Friday", sent_at=MONDAY, time_zone="UTC")
    assert answer is not None
    notes = complete_due(reading, answer).notes
    assert any("done looks like" in note for note in notes)
    assert not any("due date" in note for note in notes)


def test_agent_aliases_are_never_owners_and_their_mail_is_own_mail() -> None:
    alias = Mailbox(address="accord@northwind.onmicrosoft.example")
    context = CONTEXT.model_copy(update={"agent_aliases": [alias.address]})
    reading = read_email(email(to=[SAM, alias]), context)
    assert [draft.owner for draft in reading.drafts] == [SAM]
    assert read_email(email(sender=alias), context).ignored == Ignored.OWN_MAIL


def test_success_with_a_colon_and_a_pronoun_in_the_title() -> None:
    body = "Sam, can you clear it and post the all-clear by Friday?\nSuccess: no stale incidents."
    [draft] = read_email(email(subject="Status page", body=body), CONTEXT).drafts
    assert draft.title == "Clear the status page and post the all-clear"
    assert draft.success_criteria == "No stale incidents"


def test_passive_and_someone_asks_without_an_owner_ask_the_manager() -> None:
    asks = ("Could the board pack be ready by Thursday?", "Someone needs to update it by Friday.")
    for body in asks:
        reading = read_email(email(to=[AGENT], cc=[SAM], body=body), CONTEXT)
        assert reading.missing == [Missing.OWNER], body


def test_a_start_date_is_not_a_deadline() -> None:
    body = "Sam, would you take over as fire warden for the 3rd floor from next month?"
    reading = read_email(email(body=body), CONTEXT)
    assert reading.missing == [Missing.DUE_DATE]


@pytest.mark.parametrize(
    "body",
    [
        "Sam, could you draft the Q1 budget?",
        "Sam, please draft the Q1 budget by 20 November.",
        "Sam, please draft the Q1 budget by 4/12.",
    ],
)
def test_an_answer_that_quotes_the_note_is_read_for_its_own_date(body: str) -> None:
    # A reply whose quoting is not recognised still carries the note's words below the answer.
    [note] = [n for n in read_email(email(body=body), CONTEXT).notes if "done looks like" not in n]
    answer = parse_due(f"Thursday works.\n\n{note}", sent_at=MONDAY, time_zone="Europe/London")
    assert answer is not None
    assert answer.due == datetime(2026, 11, 26, 17, tzinfo=UTC)
