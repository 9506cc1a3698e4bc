"""Every line a workflow can run is deterministic: no clock, randomness, I/O, threads or globals.

The worker passes Accord's modules through Temporal's sandbox (accord/wiring/workflow_runner.py)
so that each cached workflow does not import its own copy of them, which is also why the
sandbox's run-time restrictions no longer see that code in the worker. This reads the source
instead, of every module any ``@workflow.defn`` class can reach through its imports: a call to
the clock or to randomness, or an import of an I/O or threading library, fails here whether or
not a test happens to run that line. (The replay tests still run the workflows under the
sandbox's default restrictions.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OURS = ("workflows", "domain", "activities")
"""The top-level packages a workflow's imports are followed into."""

BANNED: dict[str, str] = {
    "datetime.datetime.now": "the clock: use workflow.now()",
    "datetime.datetime.utcnow": "the clock: use workflow.now()",
    "datetime.datetime.today": "the clock: use workflow.now()",
    "datetime.date.today": "the clock: use workflow.now()",
    "time": "the clock: use workflow.now() and workflow.sleep()",
    "random": "randomness: use workflow.random()",
    "secrets": "randomness: use workflow.random()",
    "uuid.uuid1": "randomness: use workflow.uuid4()",
    "uuid.uuid4": "randomness: use workflow.uuid4()",
    "os": "the environment and files: pass what is needed in the workflow's input",
    "builtins.open": "files: do I/O in an activity",
    "io": "files: do I/O in an activity",
    "pathlib": "files: do I/O in an activity",
    "socket": "the network: do I/O in an activity",
    "http.client": "the network: do I/O in an activity",
    "urllib.request": "the network: do I/O in an activity",
    "httpx": "the network: do I/O in an activity",
    "msgraph": "the network: do I/O in an activity",
    "threading": "threads: use workflow tasks",
    "multiprocessing": "processes: use activities",
    "subprocess": "processes: use activities",
    "concurrent": "threads: use workflow tasks",
    "temporalio.client": "a Temporal client: talk to other workflows through workflow APIs",
}
"""Qualified names no workflow code may use, with what to use instead."""

ALLOWED: dict[str, set[str]] = {
    # Message templates are read from the package, like its code: the same deployment reads
    # the same text, so rendering one in a workflow replays the same way.
    "domain.messages.rendering": {"pathlib"},
}
"""Banned names one module may use, each with the reason beside it."""


def _module_path(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.Module, module: str) -> dict[str, str]:
    """Map each name bound by an import in ``tree`` to what it stands for."""
    names: dict[str, str] = {}
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                source = f"{parent}.{source}" if source else parent
            for alias in node.names:
                names[alias.asname or alias.name] = f"{source}.{alias.name}"
    return names


def _is_package(module: str) -> bool:
    path = _module_path(module)
    return path is not None and path.name == "__init__.py"


def _imports_of(tree: ast.Module, module: str) -> set[str]:
    """Our modules that ``tree`` imports, whether passed through the sandbox or not."""
    found: set[str] = set()
    for qualified in _imported_names(tree, module).values():
        # "from workflows.commitment import core" names a module; "from x import Name" a name.
        for candidate in (qualified, qualified.rpartition(".")[0]):
            if candidate.split(".")[0] in OURS and _module_path(candidate) is not None:
                found.add(candidate)
                break
    return found


def _qualified(node: ast.expr, names: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    root = names.get(node.id, f"builtins.{node.id}" if node.id == "open" else None)
    if root is None:
        return None
    return ".".join([root, *reversed(parts)])


def _is_banned(qualified: str, module: str) -> str | None:
    for banned, reason in BANNED.items():
        if banned in ALLOWED.get(module, set()):
            continue
        if qualified == banned or qualified.startswith(f"{banned}."):
            return f"{banned} ({reason})"
    return None


def violations(source: str, module: str) -> list[str]:
    """Return each use of a banned name in ``source`` (the text of ``module``)."""
    tree = ast.parse(source)
    names = _imported_names(tree, module)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imported = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [f"{node.module}.{alias.name}" for alias in node.names]
            )
            found += [
                f"{module}:{node.lineno} imports {reason}"
                for name in imported
                if (reason := _is_banned(name, module))
            ]
        elif isinstance(node, ast.Global):
            # The worker shares these modules between workflows: module-level state one
            # workflow changed would reach the next.
            found.append(f"{module}:{node.lineno} changes module-level state (global)")
        elif isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            qualified = _qualified(node, names)
            if qualified and (reason := _is_banned(qualified, module)):
                found.append(f"{module}:{node.lineno} uses {reason}")
    return sorted(set(found))


def _workflow_modules() -> list[str]:
    """Every module under workflows/ that defines a ``@workflow.defn`` class."""
    modules = []
    for path in sorted((REPO / "workflows").rglob("*.py")):
        if "@workflow.defn" in path.read_text(encoding="utf-8"):
            modules.append(".".join(path.relative_to(REPO).with_suffix("").parts))
    return modules


def reachable_from(roots: list[str]) -> list[str]:
    """Every module of ours that ``roots`` import, directly or not, ``roots`` included."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        path = _module_path(module)
        assert path is not None, module
        todo += _imports_of(ast.parse(path.read_text(encoding="utf-8")), module)
    return sorted(seen)


WORKFLOW_MODULES = _workflow_modules()
REACHABLE = reachable_from(WORKFLOW_MODULES)


def test_the_workflows_and_what_they_import_are_found() -> None:
    assert "workflows.commitment.workflow" in WORKFLOW_MODULES
    assert "workflows.person.workflow" in WORKFLOW_MODULES
    # Through imports inside imports_passed_through() blocks too.
    assert {"workflows.commitment.core", "domain.lifecycle.rules", "domain.working_time"} <= set(
        REACHABLE
    )


@pytest.mark.parametrize("module", REACHABLE)
def test_workflow_code_uses_no_clock_randomness_or_io(module: str) -> None:
    path = _module_path(module)
    assert path is not None

    assert violations(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize(
    ("source", "banned"),
    [
        ("from datetime import datetime\nx = datetime.now()", "datetime.datetime.now"),
        ("import datetime as dt\nx = dt.datetime.utcnow()", "datetime.datetime.utcnow"),
        ("from datetime import date\nx = date.today()", "datetime.date.today"),
        ("import time\nx = time.monotonic()", "time"),
        ("from time import monotonic", "time"),
        ("import random\nx = random.random()", "random"),
        ("from uuid import uuid4\nx = uuid4()", "uuid.uuid4"),
        ("import os\nx = os.environ['A']", "os"),
        ("x = open('f').read()", "builtins.open"),
        ("import threading", "threading"),
        ("from temporalio.client import Client", "temporalio.client"),
        ("COUNT = 0\ndef bump():\n    global COUNT\n    COUNT += 1", "global"),
    ],
)
def test_the_check_finds_each_kind(source: str, banned: str) -> None:
    found = violations(source, "workflows.example")

    assert found, source
    assert all(banned in line for line in found), found


def test_the_check_leaves_workflow_apis_alone() -> None:
    source = (
        "from datetime import datetime, timedelta\n"
        "from temporalio import workflow\n"
        "x = workflow.now() + timedelta(days=1)\n"
        "y = datetime(2026, 1, 1)\n"
        "z = workflow.uuid4()\n"
    )

    assert violations(source, "workflows.example") == []
