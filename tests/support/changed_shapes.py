"""Two versions of one small workflow: the shapes of the code before and after refresh_history.

A history the first writes must replay on the second (tests/workflows/test_refresh.py): a
sleep and a wait with the same timeout start the same timer, and a continue-as-new that
passes the memo is the same command as one that leaves it to the server. Kept apart from the
test module so that the workflow sandbox imports nothing else.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

PAUSE = timedelta(milliseconds=200)


@workflow.defn(name="Pausing")
class SleepsThenContinues:
    """The shape of the code before refresh_history: a sleep, a continue-as-new without memo."""

    @workflow.run
    async def run(self, continued: bool) -> None:
        """Sleep, then continue as new once."""
        await workflow.sleep(PAUSE)
        if not continued:
            workflow.continue_as_new(True)


@workflow.defn(name="Pausing")
class WaitsThenContinuesWithMemo:
    """The shape after: a wait a signal could cut short, a continue-as-new passing the memo."""

    def __init__(self) -> None:
        self._asked = False

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """Asked to refresh."""
        del request
        self._asked = True

    @workflow.run
    async def run(self, continued: bool) -> None:
        """Wait, then continue as new once, passing the memo on."""
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._asked, timeout=PAUSE)
        if not continued:
            workflow.continue_as_new(True, memo=dict(workflow.memo()))
