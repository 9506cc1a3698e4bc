"""Replay committed histories against today's workflow code: a non-determinism fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.support.histories import ALL_SCENARIOS, HISTORIES, history_converter
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.intake.workflow import IntakeWorkflow


def _load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


def test_every_scenario_has_a_committed_history() -> None:
    assert sorted(path.stem for path in HISTORIES.glob("*.json")) == sorted(ALL_SCENARIOS)


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda path: path.stem)
async def test_committed_history_replays(path: Path) -> None:
    history = _load(path)
    replayer = Replayer(
        workflows=[CommitmentWorkflow, IntakeWorkflow], data_converter=history_converter()
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
