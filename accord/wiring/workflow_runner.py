"""How the worker runs workflows: Temporal's sandbox, with Accord's own modules shared.

Temporal's sandbox imports each workflow's module afresh for every workflow it holds in its
cache, with every module that one imports unless that module is *passed through* (shared
with the worker, imported once). Imported afresh, Accord's modules cost each cached
commitment about 280 KiB; with its helpers shared and only the workflow's own module
imported afresh, still about 50 KiB (docs/performance.md, Memory).

:data:`PASSTHROUGH_MODULES` therefore shares all of Accord's code a workflow runs: the
workflows, the domain and the activities' contracts. Each has no side effect when imported and
no module-level state a workflow changes (constants, frozen models, classes whose state lives
in their instances), so sharing them cannot carry one workflow's state into another. What the
sandbox's run-time restrictions (no clock, no randomness, no I/O) checked in that code is
checked instead, for every line rather than the lines a run reaches, by
``tests/workflows/test_determinism.py``, which reads the source of every module a workflow can
import; the replay tests (tests/workflows/test_replay.py) still run the workflows under
Temporal's default sandbox, restrictions included. The sandbox still isolates, and restricts,
any other module a workflow imports.

The runner also keeps each cached run from holding on to its activations: the SDK keeps a
few fields of the run's first and last activations as protobuf sub-messages, each of which
keeps its whole activation alive (workflows/instances.py). Its instances are made by
:class:`~workflows.instances.LeanInstanceRunner`, and :func:`without_activation` gives them
details with copies of their own.

The worker (worker.py), the tests' workers (tests/support) and the benchmarks all build
their runner with :func:`workflow_runner`, so they run workflows the same way.
"""

from __future__ import annotations

import dataclasses

from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.instances import LeanInstanceRunner, own_copies, own_copy

PASSTHROUGH_MODULES: tuple[str, ...] = (
    # The pure core: no I/O, no clock (the `domain-is-pure` import contract), its models,
    # rules and message templates.
    "domain",
    # The workflows, their parts and contracts: no I/O, clock or randomness
    # (tests/workflows/test_determinism.py), no module-level state that a workflow changes.
    "workflows",
    # The activities' names and inputs: constants and pydantic models (the
    # `workflows-call-activities-by-contract` import contract keeps workflows to these).
    "activities",
)
"""Modules the sandbox shares with the worker instead of importing them per workflow."""


def sandbox_restrictions() -> SandboxRestrictions:
    """Return Temporal's default restrictions, with :data:`PASSTHROUGH_MODULES` shared.

    Returns:
        The restrictions every Accord worker's sandbox runs with.
    """
    return SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)


def without_activation(details: WorkflowInstanceDetails) -> WorkflowInstanceDetails:
    """Return ``details`` with copies of what they share with the run's first activation.

    Args:
        details: what the SDK creates a workflow instance from.

    Returns:
        The same details, whose headers, memo, last result and last failure are copies of
        their own.
    """
    info = dataclasses.replace(
        details.info,
        headers=own_copies(details.info.headers),
        raw_memo=own_copies(details.info.raw_memo),
    )
    last_failure = details.last_failure
    return dataclasses.replace(
        details,
        info=info,
        last_completion_result=own_copy(details.last_completion_result),
        last_failure=None if last_failure is None else own_copy(last_failure),
    )


class _Runner(SandboxedWorkflowRunner):
    """Temporal's sandboxed runner, creating each instance :func:`without_activation`.

    The sandbox keeps the details it was given for the run's life, so they are copied here,
    outside it, rather than by the instance inside.
    """

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return super().create_instance(without_activation(det))


def workflow_runner() -> SandboxedWorkflowRunner:
    """Return the runner every Accord worker runs its workflows with.

    Returns:
        Temporal's sandboxed runner with :func:`sandbox_restrictions`, whose instances keep
        no activation alive.
    """
    return _Runner(restrictions=sandbox_restrictions(), runner_class=LeanInstanceRunner)
