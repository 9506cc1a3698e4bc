"""The worker starts without the heavy modules only other commands or rare activities need.

Each module kept out here is resident memory that every worker replica would otherwise hold
for nothing (docs/operations.md, "Worker memory"): matplotlib with numpy and Pillow alone is
~45 MiB, loaded on the first digest chart instead. The import runs in a fresh interpreter, so
what the test process has already imported cannot hide a regression.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent

HEAVY_PACKAGES = (
    # The digest chart's drawing stack: imported by activities.digest.charts on first use.
    "matplotlib",
    "numpy",
    "PIL",
    # The API's web framework and server: the worker serves no HTTP but its probes.
    "fastapi",
    "starlette",
    "uvicorn",
    # Test and tooling dependencies, never needed at run time.
    "hypothesis",
    "schemathesis",
    "playwright",
    "pytest",
    "kubernetes_validate",
)
"""Top-level packages that must not be loaded by importing the worker."""

FOREIGN_MODULES = (
    "api.app",
    "api.routers",
    "api.teams_bot",
    # A development tool that production installs do not ship (accord/wiring/sandbox.py).
    "sandbox",
)
"""The API's own modules and the sandbox (and their packages' parts) the worker never runs."""


def _modules_after(statement: str) -> set[str]:
    program = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    finished = subprocess.run(  # noqa: S603 - a fixed program run with this interpreter
        [sys.executable, "-c", program],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(finished.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def worker_modules() -> set[str]:
    """The modules loaded by importing the worker's composition root in a fresh interpreter."""
    return _modules_after("import worker")


@pytest.mark.parametrize("package", HEAVY_PACKAGES)
def test_worker_does_not_import_heavy_package(worker_modules: set[str], package: str) -> None:
    """No heavy package is loaded when the worker starts."""
    loaded = sorted(name for name in worker_modules if name.split(".")[0] == package)
    assert not loaded, f"importing worker loads {package}: {loaded[:5]}"


@pytest.mark.parametrize("module", FOREIGN_MODULES)
def test_worker_does_not_import_api_or_sandbox_servers(
    worker_modules: set[str], module: str
) -> None:
    """The API's app, routers and bot, and the whole sandbox, stay out of the worker."""
    loaded = sorted(
        name for name in worker_modules if name == module or name.startswith(f"{module}.")
    )
    assert not loaded, f"importing worker loads {loaded}"


def test_chart_loads_matplotlib_on_first_drawing() -> None:
    """The digest chart still draws: matplotlib arrives with the first chart, not before."""
    modules = _modules_after(
        "import activities.digest.charts as charts\n"
        "assert 'matplotlib' not in sys.modules\n"
        "charts.weekly_chart([])"
    )
    assert "matplotlib" in modules
