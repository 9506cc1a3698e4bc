"""Compile Accord's sources to bytecode before a benchmark, as the image does at build time.

The Dockerfile runs ``compileall`` over the application and its environment, so a deployed
worker never compiles source. A developer machine or CI may set ``PYTHONDONTWRITEBYTECODE``,
and then every import compiles again: above all the workflow modules, which Temporal's
sandbox imports afresh for each workflow run, so a benchmark would charge the worker for
compiling ``workflows/commitment/`` once per commitment. ``compileall`` writes the bytecode
whatever that variable says (it only stops the import system from writing), and skips files
whose bytecode is current; the ``__pycache__`` directories are ignored by git.
"""

from __future__ import annotations

import compileall
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = (
    "accord",
    "activities",
    "api",
    "domain",
    "integrations",
    "sandbox",
    "workflows",
    "bench",
)
"""What the image copies and compiles, and the benchmarks' own workflows (the baseline)."""


def compile_sources(root: Path = REPO) -> bool:
    """Compile the packages and ``worker.py`` under ``root``, as the Dockerfile does.

    Args:
        root: the repository.

    Returns:
        Whether every file compiled.
    """
    compiled = all(compileall.compile_dir(root / package, quiet=1) for package in PACKAGES)
    return compileall.compile_file(root / "worker.py", quiet=1) and compiled
