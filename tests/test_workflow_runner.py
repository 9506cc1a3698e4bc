"""The worker's workflow runner: Accord's modules shared, and no activation kept per run.

Temporal's sandbox imports a workflow's module afresh for every workflow it caches, with every
module it imports that is not passed through. Before the passthrough list, each cached
commitment held its own copy of the commitment workflow's core, couriers, meetings and updates
(about 180 KiB traced, 210 to 280 KiB resident each), and with only its own module imported
afresh still about 50 KiB traced; these tests fail if any of Accord's modules is imported per
workflow again, so that memory comes back. They also fail if a cached run keeps a protobuf
activation alive again (workflows/instances.py, decision 46), or draws other numbers than its
seed gives, a seed a reset sends included.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import random

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

import workflows
from accord.wiring.workflow_runner import (
    PASSTHROUGH_MODULES,
    sandbox_restrictions,
    workflow_runner,
)
from bench.workflow_instances import measure, sandbox_imports
from tests.support.malloc import malloc_in_use
from tests.support.polling import eventually
from tests.support.runner_workflows import (
    DrawingWorkflow,
    HoldingWorkflow,
    ReseededDrawingWorkflow,
)


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
"""Generous: about 10 KiB each now (bench.workflow_instances), 52 KiB with the workflow's own
module imported afresh."""


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


CARGO_BYTES = 256 * 1024
HELD_RUNS = 24


async def _started(handle: WorkflowHandle[HoldingWorkflow, int]) -> bool:
    history = await handle.fetch_history()
    return any(
        event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED for event in history.events
    )


async def _all_started(handles: list[WorkflowHandle[HoldingWorkflow, int]]) -> bool:
    return all([await _started(handle) for handle in handles])


async def _held_bytes(client: Client, task_queue: str, runner: SandboxedWorkflowRunner) -> int:
    """Bytes the worker holds for HELD_RUNS cached runs each started with CARGO_BYTES."""
    before = malloc_in_use()
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[HoldingWorkflow],
        workflow_runner=runner,
        max_cached_workflows=HELD_RUNS * 2,
    ):
        handles = [
            await client.start_workflow(
                HoldingWorkflow.run,
                b"a" * CARGO_BYTES,
                id=f"{task_queue}-{n}",
                task_queue=task_queue,
            )
            for n in range(HELD_RUNS)
        ]
        await eventually(lambda: _all_started(handles))
        held = malloc_in_use() - before
        for handle in handles:
            await handle.signal(HoldingWorkflow.release)
        assert [await handle.result() for handle in handles] == [CARGO_BYTES] * HELD_RUNS
    return held


async def test_a_cached_run_keeps_no_part_of_its_first_activation(
    temporal: Client, task_queue: str
) -> None:
    # Both runners keep the decoded cargo (the SDK holds a run's arguments); Temporal's own
    # runner also keeps the activation's arena, the cargo's bytes again, through the few
    # protobuf sub-messages the SDK holds on to (the start's headers, the last result).
    stock = await _held_bytes(
        temporal,
        f"{task_queue}-stock",
        SandboxedWorkflowRunner(restrictions=sandbox_restrictions()),
    )
    ours = await _held_bytes(temporal, f"{task_queue}-ours", workflow_runner())

    cargo = HELD_RUNS * CARGO_BYTES
    assert stock - ours > 0.75 * cargo, (stock, ours)
    # The decoded cargo, Temporal's core's share and the instances themselves: 1.4 times the
    # cargo when measured, against 5 times with Temporal's runner.
    assert ours < 2 * cargo, (stock, ours)


async def test_a_run_draws_what_its_seed_gives(temporal: Client, task_queue: str) -> None:
    # The runner keeps only the seed until a workflow draws (workflows/instances.py).
    async with Worker(
        temporal,
        task_queue=task_queue,
        workflows=[DrawingWorkflow],
        workflow_runner=workflow_runner(),
    ):
        # By name: called with the method, this no-argument workflow made mypy reject every
        # `get_workflow_handle_for(CommitmentWorkflow.run, ...)` in four other test modules.
        seed, *draws = await temporal.execute_workflow(
            "DrawingWorkflow", id=f"{task_queue}-draws", task_queue=task_queue, result_type=list
        )

    expected = random.Random(seed)  # what the SDK would have drawn from its eager generator
    assert draws == [expected.randrange(2**32) for _ in range(3)]


async def test_a_run_reseeded_by_a_reset_draws_what_its_new_seed_gives(
    dev_server: WorkflowEnvironment, task_queue: str
) -> None:
    # A reset sends the run a new seed (UpdateRandomSeed) before it draws; the runner keeps
    # only the seed, so the draws must follow the new one, as the SDK's generator would.
    client = dev_server.client
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[ReseededDrawingWorkflow],
        workflow_runner=workflow_runner(),
    ):
        handle = await client.start_workflow(
            "ReseededDrawingWorkflow",
            id=f"{task_queue}-reseeded",
            task_queue=task_queue,
            result_type=list,
        )
        first_task_done = await eventually(lambda: _first_task_completed(handle))
        assert first_task_done is not None  # eventually returns only what is truthy
        await handle.signal(ReseededDrawingWorkflow.draw)
        first_seed, *_ = await handle.result()
        reset = await client.workflow_service.reset_workflow_execution(
            ResetWorkflowExecutionRequest(
                namespace=client.namespace,
                workflow_execution=WorkflowExecution(
                    workflow_id=handle.id, run_id=handle.result_run_id or ""
                ),
                reason="reseed the run",
                workflow_task_finish_event_id=first_task_done,
                request_id=f"{task_queue}-reset",
            )
        )
        # The signal after the reset point is applied again to the new run, which draws too.
        seed, *draws = await client.get_workflow_handle(
            handle.id, run_id=reset.run_id, result_type=list
        ).result()

    assert seed != first_seed
    expected = random.Random(seed)
    assert draws == [expected.randrange(2**32) for _ in range(3)]


async def _first_task_completed(handle: WorkflowHandle[object, object]) -> int | None:
    """The id of the run's first completed workflow task, once there is one."""
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            return event.event_id
    return None
