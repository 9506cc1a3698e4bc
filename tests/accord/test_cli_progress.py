"""`accord keys` shows its progress on a terminal, and nothing off one."""

from __future__ import annotations

import io
from typing import cast

from rich.console import Console
from temporalio.client import Client

from accord.keys.inventory import Pacer, Run
from accord.keys.progress import progress_bar
from accord.keys.rotation import request_refresh


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=terminal, width=100), screen


def test_the_bar_counts_to_the_total_on_a_terminal() -> None:
    console, screen = _console(terminal=True)

    with progress_bar(3, "asking workflows", console=console) as advance:
        for _ in range(3):
            advance()

    assert "asking workflows" in screen.getvalue()
    assert "3/3" in screen.getvalue()


def test_nothing_is_drawn_off_a_terminal() -> None:
    console, screen = _console(terminal=False)

    with progress_bar(3, "asking workflows", console=console) as advance:
        advance()

    assert screen.getvalue() == ""


async def test_reencrypt_advances_the_bar_once_per_workflow() -> None:
    runs = [Run(f"commitment-{n}", f"run-{n}", "CommitmentWorkflow") for n in range(4)]
    ticks: list[None] = []

    # A dry run asks nothing of Temporal, so no client is needed.
    report = await request_refresh(
        cast(Client, None),
        runs,
        reason="test",
        pacer=Pacer(1000.0),
        dry_run=True,
        advance=lambda: ticks.append(None),
    )

    assert report.asked.total() == 4
    assert len(ticks) == 4
