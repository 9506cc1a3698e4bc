"""Workflows that show what the worker's runner keeps of a run, and what it draws."""

from __future__ import annotations

from temporalio import workflow


@workflow.defn
class HoldingWorkflow:
    """Started with a large cargo it only measures, then waits to be released."""

    def __init__(self) -> None:
        self._released = False

    @workflow.run
    async def run(self, cargo: bytes) -> int:
        """Wait until released; return the cargo's size.

        Args:
            cargo: bytes the workflow does not keep.

        Returns:
            The cargo's size.
        """
        size = len(cargo)
        del cargo
        await workflow.wait_condition(lambda: self._released)
        return size

    @workflow.signal
    def release(self) -> None:
        """Let the run finish."""
        self._released = True


@workflow.defn
class DrawingWorkflow:
    """Draws from the run's random generator, as a workflow that needs randomness would."""

    @workflow.run
    async def run(self) -> list[int]:
        """Return the run's seed, then three numbers drawn after it.

        Returns:
            The seed and the draws.
        """
        return [workflow.random_seed(), *(workflow.random().randrange(2**32) for _ in range(3))]


@workflow.defn
class ReseededDrawingWorkflow:
    """Waits for a signal, then draws: a reset before the signal reseeds the run first."""

    def __init__(self) -> None:
        self._drawing = False

    @workflow.run
    async def run(self) -> list[int]:
        """Wait for :meth:`draw`; return the run's seed, then three numbers drawn after it.

        Returns:
            The seed and the draws.
        """
        await workflow.wait_condition(lambda: self._drawing)
        return [workflow.random_seed(), *(workflow.random().randrange(2**32) for _ in range(3))]

    @workflow.signal
    def draw(self) -> None:
        """Let the run draw."""
        self._drawing = True
