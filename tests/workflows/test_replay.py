"""Replay committed histories against today's workflow code: a non-determinism fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, WorkflowReplayResult

from tests.support.histories import ALL_SCENARIOS, BRANCH_TAKEN, HISTORIES, history_converter
from workflows.agenda.workflow import OneOnOneOfferWorkflow
from workflows.commitment.workflow import CommitmentWorkflow
from workflows.digest.workflow import DigestWorkflow
from workflows.intake.workflow import IntakeWorkflow

REPLAYED = [CommitmentWorkflow, IntakeWorkflow, OneOnOneOfferWorkflow, DigestWorkflow]
"""The workflows whose histories are committed: each history names its own type."""


def _load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


async def _replay(history: WorkflowHistory) -> WorkflowReplayResult:
    replayer = Replayer(workflows=REPLAYED, data_converter=history_converter())
    return await replayer.replay_workflow(history, raise_on_replay_failure=False)


def test_every_scenario_has_a_committed_history() -> None:
    assert sorted(path.stem for path in HISTORIES.glob("*.json")) == sorted(ALL_SCENARIOS)


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda path: path.stem)
async def test_committed_history_replays(path: Path) -> None:
    result = await _replay(_load(path))
    assert result.replay_failure is None, result.replay_failure


@pytest.mark.parametrize(("name", "patch_id"), sorted(BRANCH_TAKEN.items()))
async def test_the_old_path_does_not_replay_a_history_of_the_patched_branch(
    name: str, patch_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each history holds its patch's new commands, so a change to them fails replay.

    The patch is still asked for (its marker matches), and only the answer is the old one:
    what fails is the branch's own commands, not a missing marker.
    """
    assert name in ALL_SCENARIOS
    patched = workflow.patched

    def old_path(patch: str) -> bool:
        taken = patched(patch)
        return taken and patch != patch_id

    # The sandbox passes temporalio through, so the workflows replayed see this one.
    monkeypatch.setattr(workflow, "patched", old_path)
    result = await _replay(_load(HISTORIES / f"{name}.json"))
    assert isinstance(result.replay_failure, workflow.NondeterminismError), result.replay_failure
