"""What the pages say and in which order, without a server; the app's headers and words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import api.webapp.views as views_module
from api.webapp.render import app_csp
from api.webapp.views import Group, card, group_of, next_step, sections
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentSpec,
    CommitmentStatus,
    HistoryEntry,
    Person,
)
from domain.working_time import WEEKDAYS, AutomaticReplies, PersonSchedule, WorkingHours
from tests.support.message_samples import BLAME_PATTERNS
from workflows.commitment.client import CommitmentRow
from workflows.commitment.contracts import CommitmentView

TEMPLATES = Path(views_module.__file__).resolve().parents[1] / "templates" / "app"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def a_view(
    status: CommitmentStatus = CommitmentStatus.ACTIVE,
    answers: tuple[CheckInAnswer, ...] = (),
    history: tuple[HistoryEntry, ...] = (),
) -> CommitmentView:
    return CommitmentView(
        commitment_id="c1",
        status=status,
        spec=CommitmentSpec(
            title="Draft the budget",
            success_criteria="Signed off.",
            owner=Person(email="sam@example.com", display_name="Sam Okafor"),
            manager=Person(email="maya@example.com", display_name="Maya Chen"),
            due=NOW + timedelta(days=14),
            cadence=timedelta(days=7),
        ),
        created_at=NOW - timedelta(days=1),
        history=list(history),
        check_ins=[CheckIn(at=NOW, answer=answer, note="A note") for answer in answers],
        revisions=[],
        pending_revision=None,
        meeting=None,
        completed_at=None,
    )


def row(status: CommitmentStatus) -> CommitmentRow:
    return CommitmentRow(
        commitment_id="c1",
        owner="sam@example.com",
        manager="maya@example.com",
        status=status,
        due=NOW + timedelta(days=14),
        title="Draft the budget",
        started_at=NOW,
    )


@given(
    st.lists(
        st.tuples(
            st.sampled_from([s for s in CommitmentStatus if s is not CommitmentStatus.RELEASED]),
            st.sampled_from([None, *CheckInAnswer]),
        ),
        max_size=12,
    )
)
def test_what_needs_a_hand_comes_first_and_every_card_is_shown_once(
    items: list[tuple[CommitmentStatus, CheckInAnswer | None]],
) -> None:
    cards = [
        card(
            row(status),
            a_view(status, (answer,) if answer else ()),
            zone=LONDON,
            now=NOW,
            names={},
        )
        for status, answer in items
    ]
    shown = sections(cards)
    order = list(Group)
    assert [order.index(section.group) for section in shown] == sorted(
        order.index(section.group) for section in shown
    )
    assert sum(len(section.cards) for section in shown) == len(cards)
    for section in shown:
        assert section.cards


def test_blocked_and_at_risk_are_together_at_the_top() -> None:
    assert group_of(CommitmentStatus.ACTIVE, CheckInAnswer.BLOCKED) is Group.NEEDS_A_HAND
    assert group_of(CommitmentStatus.ACTIVE, CheckInAnswer.AT_RISK) is Group.NEEDS_A_HAND
    assert group_of(CommitmentStatus.ACTIVE, CheckInAnswer.ON_TRACK) is Group.UNDER_WAY
    assert group_of(CommitmentStatus.MISSED, None) is Group.TALKING
    assert group_of(CommitmentStatus.AWAITING_ACCEPTANCE, None) is Group.WAITING


def test_the_next_check_in_is_named_in_the_readers_zone() -> None:
    accepted = HistoryEntry(at=NOW, actor=Actor.OWNER, kind="accepted")
    view = a_view(history=(accepted,))
    assert (
        next_step(view, viewer="maya@example.com", zone=LONDON, now=NOW)
        == "Next check-in Mon 9 Mar, 09:00 your time."
    )
    tokyo = next_step(view, viewer="maya@example.com", zone=ZoneInfo("Asia/Tokyo"), now=NOW)
    assert tokyo == "Next check-in Mon 9 Mar, 18:00 your time."


def test_the_next_check_in_is_when_it_can_reach_the_owner() -> None:
    # The cadence says Monday 09:00, but the owner works Tuesday to Friday and the courier
    # waits for their hours: the page says when it will really come, never a day off.
    accepted = HistoryEntry(at=NOW, actor=Actor.OWNER, kind="accepted")
    view = a_view(history=(accepted,))
    four_days = PersonSchedule(
        time_zone="Europe/London",
        working_hours=WorkingHours(
            days_of_week=WEEKDAYS[1:5],
            start_time=time(9),
            end_time=time(17),
            time_zone="Europe/London",
        ),
    )
    words = next_step(
        view, viewer="maya@example.com", zone=LONDON, now=NOW, owner_schedule=four_days
    )
    assert words == "Next check-in Tue 10 Mar, 09:00 your time."
    away = four_days.model_copy(
        update={"automatic_replies": AutomaticReplies(status="alwaysEnabled")}
    )
    owner = view.spec.owner.email
    assert "waits until you're back" in next_step(
        view, viewer=owner, zone=LONDON, now=NOW, owner_schedule=away
    )


def test_a_passed_date_offers_a_conversation() -> None:
    view = a_view(CommitmentStatus.MISSED)
    words = next_step(view, viewer="maya@example.com", zone=LONDON, now=NOW)
    assert "passed" in words
    assert "conversation" in words


def _app_words() -> list[tuple[str, str]]:
    texts = [(path.name, path.read_text()) for path in sorted(TEMPLATES.glob("*.html"))]
    texts.append(("views.py", Path(views_module.__file__).read_text()))
    return texts


@pytest.mark.parametrize("pattern", [*BLAME_PATTERNS, r"\blate\b"])
def test_no_blame_or_shaming_words(pattern: str) -> None:
    for name, text in _app_words():
        match = re.search(pattern, text, flags=re.IGNORECASE)
        assert match is None, f"{name}: {match.group(0) if match else ''!r}"


def test_teams_and_outlook_may_frame_the_app_and_the_sandbox_only_locally() -> None:
    deployed = app_csp("https://accord.example")
    assert "script-src 'self';" in deployed
    assert "style-src 'self';" in deployed
    assert "unsafe-inline" not in deployed
    ancestors = deployed.split("frame-ancestors ")[1].split()
    for origin in (
        "'self'",
        "https://teams.microsoft.com",
        "https://*.teams.microsoft.com",
        "https://*.cloud.microsoft",
        "https://outlook.office.com",
        "https://outlook.office365.com",
        "https://*.office.com",
    ):
        assert origin in ancestors
    assert not any(origin.startswith("http://") for origin in ancestors)
    assert "http://127.0.0.1:*" in app_csp("http://127.0.0.1:8000").split("frame-ancestors ")[1]
