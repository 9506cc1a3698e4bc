"""What one cached commitment costs the worker: sandboxed and unsandboxed workflow instances.

``./dev python -m bench.workflow_instances --n 200`` creates ``--n`` instances of
``CommitmentWorkflow`` in this process, the way the worker does for each workflow it caches
(through the SDK's workflow runner, without a server), and reports the resident and the
Python-traced memory they add, each: with the worker's runner (Temporal's sandbox with
Accord's deterministic modules passed through, ``accord.wiring.workflow_runner``), with the
sandbox's defaults, and without the sandbox. The sandbox imports the workflow's module afresh
for every instance (global state isolation), with every module it imports that is not passed
through, so their size is paid once per cached workflow; the instances are created, not run,
so the commitment's own state (a few KiB) is not included.

It uses the SDK's runner interface (``WorkflowRunner.create_instance``) directly, which the
SDK marks as unstable: a measurement tool, not something the worker relies on.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.abc
import importlib.util
import marshal
import os
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import temporalio.api.common.v1
import temporalio.common
import temporalio.converter
import temporalio.workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import UnsandboxedWorkflowRunner, WorkflowRunner
from temporalio.worker._workflow_instance import WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from accord.wiring.workflow_runner import workflow_runner
from bench.results import Run, quiet_logs
from workflows.commitment.workflow import CommitmentWorkflow

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _resident_kib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES / 1024


def _details(defn: temporalio.workflow._Definition) -> WorkflowInstanceDetails:
    now = datetime.now(UTC)
    info = temporalio.workflow.Info(
        attempt=1,
        continued_run_id=None,
        cron_schedule=None,
        execution_timeout=None,
        first_execution_run_id="run",
        original_execution_run_id="run",
        headers={},
        namespace="default",
        parent=None,
        root=None,
        priority=temporalio.common.Priority.default,
        raw_memo={},
        retry_policy=None,
        run_id="run",
        run_timeout=None,
        search_attributes={},
        start_time=now,
        task_queue="bench",
        task_timeout=timedelta(seconds=10),
        typed_search_attributes=temporalio.common.TypedSearchAttributes.empty,
        workflow_id="commitment-bench",
        workflow_start_time=now,
        workflow_type=defn.name or "CommitmentWorkflow",
    )
    return WorkflowInstanceDetails(
        payload_converter_factory=lambda: pydantic_data_converter.payload_converter,
        failure_converter_class=temporalio.converter.DefaultFailureConverter,
        interceptor_classes=[],
        defn=defn,
        info=info,
        randomness_seed=1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=temporalio.api.common.v1.Payloads(),
        last_failure=None,
    )


async def sandbox_imports(runner: WorkflowRunner, workflow: type = CommitmentWorkflow) -> list[str]:
    """Return the modules ``runner`` imports afresh for each ``workflow`` it holds.

    Args:
        runner: a workflow runner (an unsandboxed one imports nothing afresh).
        workflow: a ``@workflow.defn`` class.

    Returns:
        The sorted names of the modules an instance holds copies of, packages included;
        the sandbox's restricted stand-ins for standard modules (``datetime``) are left out.
    """
    if not isinstance(runner, SandboxedWorkflowRunner):
        return []
    loop = asyncio.get_running_loop()
    defn = temporalio.workflow._Definition.must_from_class(workflow)
    try:
        runner.prepare_workflow(defn)
        instance = runner.create_instance(_details(defn))
    finally:
        # An instance is an event loop of its own and clears the running loop as it is made.
        asyncio._set_running_loop(loop)
    # The instance's own modules; the SDK keeps them on its importer (not a public API).
    modules: dict[str, Any] = instance.importer.new_modules  # type: ignore[attr-defined]
    return sorted(
        name
        for name, module in modules.items()
        if getattr(module, "__file__", None) is not None
        and sys.modules.get(name) is not module
        and name.split(".")[0] not in sys.stdlib_module_names
    )


async def measure(runner: WorkflowRunner, n: int) -> dict[str, float]:
    """Create ``n`` instances with ``runner``; return what each adds, in KiB."""
    loop = asyncio.get_running_loop()
    defn = temporalio.workflow._Definition.must_from_class(CommitmentWorkflow)

    def create() -> Any:
        # An instance is an event loop of its own and clears the running loop as it is made.
        try:
            return runner.create_instance(_details(defn))
        finally:
            asyncio._set_running_loop(loop)

    try:
        runner.prepare_workflow(defn)
    finally:
        asyncio._set_running_loop(loop)
    kept = [create()]  # the first pays for one-time imports
    gc.collect()
    tracemalloc.start()
    resident, traced = _resident_kib(), tracemalloc.get_traced_memory()[0]
    kept += [create() for _ in range(n)]
    gc.collect()
    added_traced = (tracemalloc.get_traced_memory()[0] - traced) / 1024
    tracemalloc.stop()
    added_resident = _resident_kib() - resident
    del kept
    return {
        "resident_kib_each": round(added_resident / n, 1),
        "traced_kib_each": round(added_traced / n, 1),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse the flags, measure both runners, print and write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="instances per runner")
    parser.add_argument("--name", default="workflow_instances", help="results file name")
    parser.add_argument("--output", type=Path, default=None, help="results directory")
    arguments = parser.parse_args(argv)
    bench_run = Run(arguments.name, {"n": arguments.n})
    module = CommitmentWorkflow.__module__
    spec = importlib.util.find_spec(module)
    loader = spec.loader if spec is not None else None
    code = loader.get_code(module) if isinstance(loader, importlib.abc.InspectLoader) else None
    figures: dict[str, Any] = {
        "workflow_module": module,
        "module_code_bytes": len(marshal.dumps(code)) if code is not None else None,
        "unsandboxed": asyncio.run(measure(UnsandboxedWorkflowRunner(), arguments.n)),
        # The worker's runner: what a cached commitment costs in `accord worker`.
        "sandboxed": asyncio.run(measure(workflow_runner(), arguments.n)),
        "imported_per_instance": asyncio.run(sandbox_imports(workflow_runner())),
        # Temporal's defaults, for comparison: the passthrough list's saving.
        "sandboxed_default": asyncio.run(measure(SandboxedWorkflowRunner(), arguments.n)),
        "imported_per_instance_default": asyncio.run(sandbox_imports(SandboxedWorkflowRunner())),
    }
    bench_run.publish(figures, arguments.output)


if __name__ == "__main__":
    quiet_logs()
    main()
