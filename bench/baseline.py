"""The bare baseline of the lifecycle benchmark: the same timers, updates and no-op activities.

``BaselineWorkflow`` does nothing but what Temporal charges a worker for: it runs as many no-op
activities and timers as an Accord lifecycle did (counted from real histories), and takes as
many updates. Its worker runs with Accord's data converter (pydantic, AES-GCM) and the same
cache and slot settings, so the difference to Accord's worker is Accord's own work.

``python -m bench.baseline`` runs its worker, configured by the same ``ACCORD_*`` variables as
``accord worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

NO_OP_RETRY = RetryPolicy(maximum_attempts=3)
NO_OP_TIMEOUT = timedelta(seconds=60)


class BaselineInput(BaseModel):
    """How much a baseline workflow does."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    activities: int = Field(ge=0)
    timers: int = Field(ge=0)
    updates: int = Field(ge=0)
    timer_seconds: float = Field(default=1.0, gt=0)


class BaselineStep(BaseModel):
    """One update to a baseline workflow."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: int = Field(ge=0)


class NoOp(BaseModel):
    """The input of the no-op activity."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: int


@activity.defn(name="baseline_no_op")
async def no_op(request: NoOp) -> int:
    """Do nothing, and say which step it was."""
    return request.step


@workflow.defn(name="BaselineWorkflow")
class BaselineWorkflow:
    """Activities and timers in turn, while updates arrive; ends after the last update."""

    def __init__(self) -> None:
        self._updates = 0

    @workflow.run
    async def run(self, spec: BaselineInput) -> int:
        """Run the activities and timers, then wait for every update."""
        for step in range(max(spec.activities, spec.timers)):
            if step < spec.activities:
                await workflow.execute_activity(
                    no_op,
                    NoOp(step=step),
                    start_to_close_timeout=NO_OP_TIMEOUT,
                    retry_policy=NO_OP_RETRY,
                )
            if step < spec.timers:
                await workflow.sleep(timedelta(seconds=spec.timer_seconds))
        await workflow.wait_condition(lambda: self._updates >= spec.updates)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._updates

    @workflow.update(name="step")
    async def step(self, step: BaselineStep) -> int:
        """Count one update."""
        self._updates += 1
        return self._updates

    @step.validator
    def _validate_step(self, step: BaselineStep) -> None:
        if step.step < 0:
            raise ValueError("a step is never negative")


async def _run_worker() -> None:
    # Imported here: the workflow module above must stay light for the workflow sandbox.
    from accord.settings import AccordSettings
    from accord.wiring.temporal import connect
    from worker import worker_tuning

    settings = AccordSettings()
    client = await connect(settings)
    worker = Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=[BaselineWorkflow],
        activities=[no_op],
        max_cached_workflows=settings.worker_max_cached_workflows,
        **worker_tuning(settings),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with worker:
        await stop.wait()


def main() -> None:
    """Run the baseline worker until SIGINT or SIGTERM."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run_worker())


if __name__ == "__main__":
    main()
