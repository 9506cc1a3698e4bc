"""How the worker runs workflows: Temporal's sandbox, with Accord's deterministic modules shared.

Temporal's sandbox imports each workflow's module afresh for every workflow it holds in its
cache, with every module that one imports unless that module is *passed through* (shared
with the worker, imported once). Our workflow modules import their parts inside
``workflow.unsafe.imports_passed_through()``; the commitment workflow's own helpers (its
core, couriers, meetings and updates) were imported plainly and so were loaded again for
each cached commitment: about 280 KiB a commitment (docs/performance.md, Memory).

:data:`PASSTHROUGH_MODULES` names the modules shared instead: each has no side effect when
imported and no module-level state that a workflow changes (constants, frozen models,
classes whose state lives in their instances), so sharing them cannot carry one workflow's
state into another. The workflow modules themselves (those defining a ``@workflow.defn``
class) stay sandboxed: each cached workflow still gets its own copy, and the sandbox's
restrictions (no clock, no randomness, no I/O) still check their code. Code in a passed-through
module is not checked by those restrictions in the worker, so a module belongs here only if it
is reviewed as deterministic; the replay tests (tests/workflows/test_replay.py) still run it
under Temporal's default sandbox, restrictions included.

The worker (worker.py), the tests' workers (tests/support) and the benchmarks all build
their runner with :func:`workflow_runner`, so they run workflows the same way.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

PASSTHROUGH_MODULES: tuple[str, ...] = (
    # The pure core: no I/O, no clock (the `domain-is-pure` import contract), its models,
    # rules and message templates.
    "domain",
    # The activities' names and inputs: constants and pydantic models.
    "activities.calendar.contracts",
    "activities.digest.contracts",
    "activities.directory.contracts",
    "activities.intake.contracts",
    "activities.messaging.contracts",
    "activities.sending.contracts",
    # The workflows' contracts, patch ids, retry policies and small shared helpers.
    "workflows.calendar.contracts",
    "workflows.commitment.contracts",
    "workflows.commitment.state",
    "workflows.digest.contracts",
    "workflows.intake.contracts",
    "workflows.person.contracts",
    "workflows.patches",
    "workflows.refresh",
    "workflows.retries",
    "workflows.sending",
    # The commitment workflow's parts: classes whose state lives in each workflow's instance,
    # and module-level constants only.
    "workflows.commitment.core",
    "workflows.commitment.courier",
    "workflows.commitment.meetings",
    "workflows.commitment.updates",
)
"""Modules the sandbox shares with the worker instead of importing them per workflow."""


def sandbox_restrictions() -> SandboxRestrictions:
    """Return Temporal's default restrictions, with :data:`PASSTHROUGH_MODULES` shared.

    Returns:
        The restrictions every Accord worker's sandbox runs with.
    """
    return SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)


def workflow_runner() -> SandboxedWorkflowRunner:
    """Return the runner every Accord worker runs its workflows with.

    Returns:
        Temporal's sandboxed runner with :func:`sandbox_restrictions`.
    """
    return SandboxedWorkflowRunner(restrictions=sandbox_restrictions())
