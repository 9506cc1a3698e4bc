"""Progress of the long key commands on a terminal (``rich``); nothing is drawn off one.

``accord keys reencrypt`` and ``status`` pace themselves over thousands of workflows, which
takes minutes; the bar (on stderr, so the report on stdout stays clean) shows how far they
are and how long is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

Advance = Callable[[], None]
"""Counts one more item done."""


def no_progress() -> None:
    """The :data:`Advance` of callers that show no progress."""


@contextmanager
def progress_bar(total: int, what: str, *, console: Console | None = None) -> Iterator[Advance]:
    """Show a bar of ``total`` items while the block runs, on a terminal only.

    Args:
        total: how many items there are.
        what: what is being done, e.g. ``asking workflows``.
        console: where to draw (default: stderr); off a terminal nothing is drawn.

    Yields:
        A function to call after each item.
    """
    console = console or Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(what, total=total)
        yield lambda: progress.advance(task)
