"""Requests without a request verb (issue 18): a bare deliverable with its deadline, "let's",
and work handed to a named person in a statement. Each counts only with a deadline, so a
sentence that merely mentions something and a date stays a non-request."""

import pytest

from domain.intake import Ignored
from tests.support.intake_mail import AGENT, CONTEXT, MAYA, NADIA, OMAR, local, read


@pytest.mark.parametrize(
    ("body", "title", "due"),
    [
        ("Quick one: the vendor shortlist, Thursday COB", "Vendor shortlist", "2026-12-03 17:00"),
        (
            "Sam, the audit evidence pack, Fri 4 Dec latest",
            "Audit evidence pack",
            "2026-12-04 17:00",
        ),
        ("Sam — the Q3 board deck by Friday.", "Q3 board deck", "2026-12-04 17:00"),
        ("The pricing memo: Monday 9am at the latest, thanks", "Pricing memo", "2026-12-07 09:00"),
        (
            "Let's get the incident write-up done by Tuesday",
            "incident write-up",
            "2026-12-08 17:00",
        ),
        (
            "Let's make sure the renewal quote goes out by Friday.",
            "renewal quote",
            "2026-12-04 17:00",
        ),
    ],
)
def test_a_deliverable_with_its_deadline_is_a_request(body: str, title: str, due: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert title.lower() in reading.title.lower()
    assert local(reading) == due


def test_delegation_in_a_forward_names_its_owner_and_date() -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, NADIA]})
    body = (
        "Omar is taking over the rollout plan, due the 9th.\n\n"
        "---------- Forwarded message ---------\nFrom: Priya <priya.raman@northwind.example>\n"
        "To: Maya <maya.chen@northwind.example>\nSubject: Rollout plan\n\nHere is the plan."
    )
    reading = read(body, context, subject="FW: Rollout plan", to=[AGENT], cc=[])
    assert reading.is_complete, reading
    assert [draft.owner.address for draft in reading.drafts] == [OMAR.address]
    assert reading.title == "Take over the rollout plan"
    assert local(reading) == "2026-12-09 17:00"
    assert reading.manager == MAYA


@pytest.mark.parametrize(
    "body",
    [
        "The board met on Thursday.",
        "The offsite, Thursday COB.",
        "Reminder: the all-hands, Thursday 10am",
        "The new office opens on Monday.",
        "Thanks for the update on Friday.",
        "Omar joined the team on Monday.",
        "The vendor shortlist",
        "The office closes before Christmas Eve.",
        "The team meets by Friday.",
        "The office, closed before Christmas Eve.",
        "the Q3 board deck, which we discussed at length last week with the whole team, Friday",
    ],
)
def test_mentions_without_a_handover_are_not_requests(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert reading.drafts == []


def test_a_delegation_without_a_deadline_is_not_a_request() -> None:
    reading = read("Omar is taking over the rollout plan.", to=[AGENT], cc=[])
    assert reading.ignored == Ignored.NOT_A_REQUEST
