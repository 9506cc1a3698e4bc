"""The leader's mirror in the weekly digest: what a manager promised their team, and asked for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.digest import build_digest
from domain.models import Actor, CommitmentStatus, HistoryEntry, Person
from domain.reliability import CommitmentFacts, person_history, support_history
from domain.support import CommitmentKind, SupportAnswer, SupportRequest

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
MAYA = Person(email="maya@example.com", display_name="Maya Chen")
SAM = Person(email="sam@example.com", display_name="Sam Okafor")
BOSS = Person(email="lena@example.com", display_name="Lena Park")


def _facts(commitment_id: str, **changes: Any) -> CommitmentFacts:
    fields: dict[str, Any] = {
        "commitment_id": commitment_id,
        "title": "Draft the Q1 budget",
        "owner": SAM,
        "manager": MAYA,
        "status": CommitmentStatus.ACTIVE,
        "due": NOW + timedelta(days=5),
        "created_at": NOW - timedelta(days=20),
    }
    fields.update(changes)
    return CommitmentFacts.model_validate(fields)


def _promise(commitment_id: str, *, done_days: float | None, due_days: float) -> CommitmentFacts:
    """Maya's promise of support to Sam, done ``done_days`` from now (None: still open)."""
    due = NOW + timedelta(days=due_days)
    completed = None if done_days is None else NOW + timedelta(days=done_days)
    history = []
    if completed is not None:
        kind = "done_on_time" if completed <= due else "done_late"
        history.append(HistoryEntry(at=completed, actor=Actor.OWNER, kind=kind))
    return _facts(
        commitment_id,
        title=f"Promise {commitment_id}",
        owner=MAYA,
        manager=SAM,
        kind=CommitmentKind.SUPPORT,
        status=CommitmentStatus.DONE if completed else CommitmentStatus.ACTIVE,
        due=due,
        completed_at=completed,
        history=history,
    )


def test_support_commitment_mirror_lists_kept_late_open_and_asked() -> None:
    asked = SupportRequest(at=NOW - timedelta(days=1), note="A finance sign-off")
    answered = SupportRequest(
        at=NOW - timedelta(days=2), answer=SupportAnswer.NOT_POSSIBLE, reason="Quarter close"
    )
    facts = [
        _facts("work", support_requests=[asked, answered]),
        _promise("kept", done_days=-2, due_days=-1),
        _promise("late", done_days=-1, due_days=-3),
        _promise("open", done_days=None, due_days=2),
        # Support promised *to* Maya by her own manager: neither her team's work nor hers.
        _facts("to-maya", owner=BOSS, manager=MAYA, kind=CommitmentKind.SUPPORT),
    ]

    digest = build_digest(MAYA, facts, now=NOW, time_zone="Europe/London")

    mirror = digest.promised
    assert [p.commitment_id for p in mirror.kept] == ["kept"]
    assert [p.commitment_id for p in mirror.kept_late] == ["late"]
    assert [p.commitment_id for p in mirror.open] == ["open"]
    assert all(p.person == SAM for p in [*mirror.kept, *mirror.kept_late, *mirror.open])
    assert [(a.note, a.answer) for a in mirror.asked] == [
        (None, SupportAnswer.NOT_POSSIBLE),
        ("A finance sign-off", None),
    ]
    team = [*digest.on_track, *digest.at_risk, *digest.missed, *digest.done]
    assert [item.commitment_id for item in team] == ["work"]
    assert digest.has_news


def test_support_commitment_trend_is_the_managers_alone() -> None:
    zone = ZoneInfo("Europe/London")
    facts = [
        _facts("maya-own", owner=MAYA, manager=BOSS, status=CommitmentStatus.ACTIVE),
        _promise("late", done_days=-1, due_days=-3),
        _promise("kept", done_days=-2, due_days=-1),
    ]

    own = person_history(MAYA, facts, now=NOW, zone=zone)
    promised = support_history(MAYA, facts, now=NOW, zone=zone)

    # Her own manager's view of her history leaves her promises to her team out.
    assert (own.on_time, own.slips, own.open_commitments) == (0, 0, 1)
    assert (promised.on_time, promised.slips) == (1, 1)
