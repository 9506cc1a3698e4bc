"""The layers' import contracts (``[tool.importlinter]`` in pyproject.toml) hold, and they bite.

``lint-imports`` runs in ./dev check; these tests run it too, on the tree and on small copies
of the layout that break one contract each, so that a contract which could never fail (a typo
in a module name, an ignore that swallows everything) is caught.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    importlinter: dict[str, Any] = config["tool"]["importlinter"]
    return importlinter


CONFIG = _config()
CONTRACTS: list[dict[str, Any]] = CONFIG["contracts"]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports puts its working directory first on sys.path, so in a scratch tree it
    # analyses the scratch packages, not the installed ones. No cache: nothing is written.
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def _is_internal(module: str) -> bool:
    return module.split(".")[0] in CONFIG["root_packages"]


def _scratch_tree(root: Path) -> Path:
    """Make empty packages for the roots and every module the contracts name."""
    named = {
        module
        for contract in CONTRACTS
        for module in [*contract["source_modules"], *contract["forbidden_modules"]]
        if _is_internal(module)
    }
    allowed = [
        _concrete(rule) for contract in CONTRACTS for rule in contract.get("ignore_imports", [])
    ]
    for module in {*CONFIG["root_packages"], *named, *(end for pair in allowed for end in pair)}:
        parts = module.split(".")
        for depth in range(1, len(parts) + 1):
            package = root.joinpath(*parts[:depth])
            package.mkdir(parents=True, exist_ok=True)
            (package / "__init__.py").touch()
    # Each allowed import is made for real, so that every ignore matches (an ignore that
    # matches nothing is an error) and is shown to let its import through.
    for importer, imported in allowed:
        _add_import(root, importer, imported)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _concrete(rule: str) -> tuple[str, str]:
    """One import an ``ignore_imports`` rule allows, its wildcards filled in."""
    importer, imported = (side.strip() for side in rule.split("->"))
    return (
        importer.replace("**", "scratch").replace("*", "scratch"),
        imported.replace("**", "scratch").replace("*", "scratch"),
    )


def _add_import(root: Path, importer: str, imported: str) -> None:
    init = root.joinpath(*importer.split("."), "__init__.py")
    init.write_text(f"import {imported}\n", encoding="utf-8")


def test_the_tree_keeps_every_contract() -> None:
    finished = _lint_imports(REPO)

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in finished.stdout


def test_the_scratch_layout_keeps_every_contract(tmp_path: Path) -> None:
    """The scratch tree the next test breaks is itself clean, so its failures are real."""
    finished = _lint_imports(_scratch_tree(tmp_path))

    assert finished.returncode == 0, finished.stdout + finished.stderr


@pytest.mark.parametrize("contract", CONTRACTS, ids=[contract["id"] for contract in CONTRACTS])
def test_each_contract_fails_on_an_import_against_it(
    tmp_path: Path, contract: dict[str, Any]
) -> None:
    root = _scratch_tree(tmp_path)
    importer = contract["source_modules"][0]
    imported = next(
        module
        for module in contract["forbidden_modules"]
        if _is_internal(module) and module != importer and not importer.startswith(f"{module}.")
    )
    _add_import(root, importer, imported)

    finished = _lint_imports(root)

    # Other contracts may break as well: the settings rule restates, by name, a part of the
    # layer rules (activities, say, import nothing of accord/ at all).
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert f"{contract['name']} BROKEN" in finished.stdout
    assert f"-   {importer} -> {imported} (l.1)" in finished.stdout


def test_the_worker_module_imports_no_sandbox() -> None:
    """worker.py is a module, which import-linter cannot take as a root: read it here."""
    tree = ast.parse((REPO / "worker.py").read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]

    assert imported, "worker.py imports nothing?"
    assert [name for name in imported if name.split(".")[0] == "sandbox"] == []
