"""The worker's workflow runner: Accord's modules are shared, not imported per workflow.

Temporal's sandbox imports a workflow's module afresh for every workflow it caches, with every
module it imports that is not passed through. Before the passthrough list, each cached
commitment held its own copy of the commitment workflow's core, couriers, meetings and updates
(about 180 KiB traced, 210 to 280 KiB resident each), and with only its own module imported
afresh still about 50 KiB traced; these tests fail if any of Accord's modules is imported per
workflow again, so that memory comes back.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil

import pytest

import workflows
from accord.wiring.workflow_runner import PASSTHROUGH_MODULES, workflow_runner
from bench.workflow_instances import measure, sandbox_imports


def _workflow_classes() -> list[type]:
    """Every ``@workflow.defn`` class in the workflows package."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(workflows.__path__, "workflows."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            # The SDK marks a workflow class with this attribute and offers no public test.
            if isinstance(value, type) and "__temporal_workflow_definition" in vars(value):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


WORKFLOWS = _workflow_classes()

TRACED_KIB_BOUND = 25.0
"""Generous: about 13 KiB each now, 52 KiB with the workflow's own module imported afresh."""


def test_every_workflow_is_found() -> None:
    assert {cls.__name__ for cls in WORKFLOWS} >= {"CommitmentWorkflow", "PersonWorkflow"}


def test_the_runner_passes_the_list_through() -> None:
    # worker.py builds its worker with this runner (tests/test_worker.py checks it there).
    runner = workflow_runner()

    assert set(PASSTHROUGH_MODULES) <= runner.restrictions.passthrough_modules


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda cls: cls.__name__)
def test_nothing_of_ours_is_imported_per_cached_workflow(workflow: type) -> None:
    imported = asyncio.run(sandbox_imports(workflow_runner(), workflow))

    # A module found here is loaded again for every cached workflow: if it is deterministic
    # (no side effects on import, no module-level state a workflow changes), it belongs under
    # a package of PASSTHROUGH_MODULES in accord/wiring/workflow_runner.py.
    assert imported == []


def test_a_cached_commitment_costs_well_under_100_kib() -> None:
    figures = asyncio.run(measure(workflow_runner(), 50))

    # Traced (tracemalloc) rather than resident memory: the allocator's reuse makes the
    # resident figure of 50 instances noisy, the traced one is not.
    assert figures["traced_kib_each"] < TRACED_KIB_BOUND, figures
