from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentSpec,
    HistoryEntry,
    Person,
    Revision,
    RevisionProposal,
    TimeSlot,
    require_due_in_future,
)

DUE = datetime(2026, 11, 27, 17, tzinfo=UTC)
OWNER = Person(email="alex@example.com", display_name="Alex Doe")
MANAGER = Person(email="sam@example.com", display_name="Sam Lee")


def spec(**changes: Any) -> CommitmentSpec:
    fields: dict[str, Any] = {
        "title": "Quarterly report",
        "success_criteria": "Numbers reconciled with finance",
        "owner": OWNER,
        "manager": MANAGER,
        "due": DUE,
    }
    fields.update(changes)
    return CommitmentSpec(**fields)


def test_person_email_is_trimmed_and_lower_cased() -> None:
    person = Person(email="  Alex.Doe@Example.COM ", display_name=" Alex   Doe ")
    assert person.email == "alex.doe@example.com"
    assert person.display_name == "Alex Doe"


@pytest.mark.parametrize("email", ["", "alex", "alex@", "@example.com", "a b@example.com", "a@b"])
def test_person_rejects_malformed_email(email: str) -> None:
    with pytest.raises(ValidationError, match="not an email address"):
        Person(email=email, display_name="Alex")


def test_person_needs_a_name() -> None:
    with pytest.raises(ValidationError):
        Person(email="alex@example.com", display_name="   ")


def test_person_is_frozen() -> None:
    with pytest.raises(ValidationError):
        OWNER.email = "other@example.com"  # type: ignore[misc]


def test_spec_tidies_text() -> None:
    made = spec(title="  Quarterly\n  report ", description="  detail \n", support="   ")
    assert made.title == "Quarterly report"
    assert made.description == "detail"
    assert made.support is None


def test_spec_keeps_due_in_utc() -> None:
    made = spec(due=datetime(2026, 11, 27, 9, tzinfo=timezone(timedelta(hours=-8))))
    assert made.due == datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert made.due.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "title\n.*must not be blank"),
        ({"title": "x" * 201}, "title\n.*at most 200 characters"),
        ({"success_criteria": " "}, "success_criteria\n.*must not be blank"),
        ({"due": datetime(2026, 11, 27, 17)}, "timezone"),
        ({"cadence": timedelta(hours=4)}, "cadence must be at least"),
        ({"manager": Person(email="ALEX@example.com", display_name="Alex")}, "different people"),
    ],
)
def test_spec_rejects_invalid_fields(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        spec(**changes)


def test_spec_accepts_a_title_of_exactly_the_limit() -> None:
    assert len(spec(title="x" * 200).title) == 200


def test_spec_names_people_by_role() -> None:
    made = spec()
    assert made.person(Actor.OWNER) == OWNER
    assert made.person(Actor.MANAGER) == MANAGER
    with pytest.raises(ValueError, match="not a person"):
        made.person(Actor.SYSTEM)


def test_due_must_be_in_the_future() -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert require_due_in_future(DUE, now) == DUE
    with pytest.raises(ValueError, match="due must be in the future"):
        require_due_in_future(now, now)
    with pytest.raises(ValueError, match="due must be in the future"):
        require_due_in_future(now - timedelta(seconds=1), now)
    with pytest.raises(ValueError, match="timezone-aware"):
        require_due_in_future(datetime(2030, 1, 1), now)


def proposal(**changes: Any) -> RevisionProposal:
    fields: dict[str, Any] = {
        "old_due": DUE,
        "new_due": DUE + timedelta(days=7),
        "old_scope": "All regions",
        "new_scope": "All regions",
        "reason": "Waiting on the EMEA numbers",
        "proposed_by": Actor.OWNER,
        "at": datetime(2026, 11, 30, 10, tzinfo=UTC),
    }
    fields.update(changes)
    return RevisionProposal(**fields)


def test_proposal_accepted_by_the_other_person_becomes_a_revision() -> None:
    agreed_at = datetime(2026, 11, 30, 15, tzinfo=UTC)
    revision = proposal().accept(Actor.MANAGER, agreed_at)
    assert isinstance(revision, Revision)
    assert revision.accepted_by is Actor.MANAGER
    assert revision.at == agreed_at
    assert revision.changes_due
    assert not revision.changes_scope


def test_proposal_must_change_something() -> None:
    with pytest.raises(ValidationError, match="must change"):
        proposal(new_due=DUE)


@pytest.mark.parametrize("accepted_by", [Actor.OWNER, Actor.SYSTEM])
def test_revision_needs_agreement_from_another_person(accepted_by: Actor) -> None:
    with pytest.raises(ValidationError, match="accepted by"):
        proposal().accept(accepted_by, datetime(2026, 12, 1, tzinfo=UTC))


def test_time_slot_must_end_after_it_starts() -> None:
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    slot = TimeSlot(start=start, end=start + timedelta(minutes=30))
    assert slot.length == timedelta(minutes=30)
    assert slot.overlaps(
        TimeSlot(start=start + timedelta(minutes=29), end=start + timedelta(hours=1))
    )
    assert not slot.overlaps(TimeSlot(start=slot.end, end=slot.end + timedelta(minutes=30)))
    with pytest.raises(ValidationError, match="end after"):
        TimeSlot(start=start, end=start)


def test_check_in_and_history_records() -> None:
    at = datetime(2026, 11, 24, 10, tzinfo=UTC)
    check_in = CheckIn(at=at, answer=CheckInAnswer.AT_RISK, note="  ")
    assert check_in.note is None
    entry = HistoryEntry(at=at, actor=Actor.OWNER, kind="check_in", detail="at_risk")
    assert entry.actor is Actor.OWNER
    with pytest.raises(ValidationError):
        HistoryEntry(at=datetime(2026, 11, 24), actor=Actor.SYSTEM, kind="created")
    with pytest.raises(ValidationError):
        CheckIn(at=at, answer="maybe")  # type: ignore[arg-type]  # not an answer, on purpose


def test_models_round_trip_through_json() -> None:
    made = spec(cadence=timedelta(days=2), support="Pairing with Kim")
    assert CommitmentSpec.model_validate_json(made.model_dump_json()) == made
