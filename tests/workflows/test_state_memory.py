"""A followed commitment's state is small once a cached run decodes it (decisions 49 and 50).

The state a run continues from is decoded from its input and kept for the run's life. Its
records (check-ins and history entries) are slotted dataclasses, and its models share one set
of the fields given per class: with models for records and a set per instance, a commitment
with 20 answered check-ins decoded to 34 KiB; with the records alone slotted, 16 KiB; it is
10 KiB now.
"""

from __future__ import annotations

import tracemalloc
from datetime import timedelta

from pydantic import BaseModel

from domain.lifecycle import Decision, decide
from domain.lifecycle.actions import Accept, AnswerCheckIn
from domain.models import CheckIn, CheckInAnswer, CommitmentStatus, HistoryEntry, record_as_json
from tests.support.lifecycle import commitment_input
from workflows.commitment.contracts import CommitmentInput
from workflows.commitment.core import CommitmentCore
from workflows.commitment.state import CommitmentState

ANSWERS = 20
DECODED = 20
MOST_KIB_PER_DECODED_INPUT = 13
"""Between what the input costs now (10.4 KiB) and with a set of fields per instance (16.1)."""


def _followed(answers: int) -> CommitmentInput:
    """A commitment accepted by Sam, who then answered ``answers`` check-ins, a day apart."""
    start = commitment_input("followed-memory")
    state = CommitmentState(spec=start.spec)
    now = start.created_at
    owner = start.spec.owner.email
    steps = [Accept()] + [
        AnswerCheckIn(CheckInAnswer.ON_TRACK, f"Step {number} is under way.")
        for number in range(answers)
    ]
    for step in steps:
        now += timedelta(hours=20)
        outcome = decide(state, step, owner, now)
        assert isinstance(outcome, Decision)
        state = outcome.state
    return start.model_copy(update={"progress": state})


def test_a_followed_commitment_decodes_into_little_memory() -> None:
    followed = _followed(ANSWERS)
    assert followed.progress is not None
    assert len(followed.progress.check_ins) == ANSWERS
    raw = followed.model_dump_json()

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        decoded = [CommitmentInput.model_validate_json(raw) for _ in range(DECODED)]
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert decoded[0] == followed
    assert used / DECODED / 1024 <= MOST_KIB_PER_DECODED_INPUT


def test_the_records_keep_no_dict_per_instance() -> None:
    state = _followed(2).progress
    assert state is not None
    records: list[CheckIn | HistoryEntry] = [*state.check_ins, *state.history]
    assert records
    assert not any(hasattr(record, "__dict__") for record in records)


def test_the_records_write_the_json_a_model_wrote() -> None:
    followed = _followed(1)
    state = followed.progress
    assert state is not None
    check_in = state.check_ins[0]
    expected_at = check_in.at.isoformat().replace("+00:00", "Z")
    assert record_as_json(check_in) == {
        "at": expected_at,
        "answer": "on_track",
        "note": "Step 0 is under way.",
    }
    entry = state.history[-1]
    assert record_as_json(entry) == {
        "at": entry.at.isoformat().replace("+00:00", "Z"),
        "actor": "owner",
        "kind": "check_in:on_track",
        "detail": "",
    }
    assert CommitmentInput.model_validate_json(followed.model_dump_json()) == followed


def test_a_history_shares_one_string_per_kind() -> None:
    raw = _followed(3).model_dump_json()
    state = CommitmentInput.model_validate_json(raw).progress
    assert state is not None
    kinds = [entry.kind for entry in state.history if entry.kind == "check_in:on_track"]
    assert len(kinds) == 3
    assert all(kind is kinds[0] for kind in kinds)


def test_a_continued_run_keeps_one_spec() -> None:
    followed = CommitmentInput.model_validate_json(_followed(1).model_dump_json())
    assert followed.progress is not None
    assert followed.progress.spec is not followed.spec

    core = CommitmentCore(followed)

    assert core.view().spec is followed.spec


def test_a_revised_spec_stays_the_runs_own() -> None:
    followed = _followed(1)
    assert followed.progress is not None
    revised = followed.progress.spec.model_copy(update={"title": "Draft the Q2 budget"})
    followed.progress.spec = revised

    core = CommitmentCore(followed)

    assert core.view().spec is revised


def test_decoded_models_share_their_class_set_of_fields() -> None:
    raw = _followed(2).model_dump_json()
    first, second = (CommitmentInput.model_validate_json(raw) for _ in range(2))
    assert first.progress is not None and second.progress is not None
    pairs: list[tuple[BaseModel, BaseModel]] = [
        (first, second),
        (first.progress, second.progress),
        (first.spec, second.spec),
        (first.spec.owner, second.spec.owner),
    ]
    for one, other in pairs:
        assert one.model_fields_set == set(type(one).model_fields)
        assert one.__pydantic_fields_set__ is other.__pydantic_fields_set__


def test_the_shared_set_of_fields_never_changes() -> None:
    state = CommitmentInput.model_validate_json(_followed(1).model_dump_json()).progress
    assert state is not None
    shared = state.__pydantic_fields_set__
    every = set(CommitmentState.model_fields)

    state.status = CommitmentStatus.DONE
    copy = state.model_copy(update={"status": CommitmentStatus.ACTIVE})
    partial = CommitmentState(spec=state.spec)

    assert state.__pydantic_fields_set__ is shared and shared == every
    assert copy.__pydantic_fields_set__ is not shared and copy.model_fields_set == every
    assert partial.model_fields_set == {"spec"}
    assert partial.model_dump(exclude_unset=True).keys() == {"spec"}
