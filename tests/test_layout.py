"""The test tree's layout: helpers in tests/support, fixtures in conftest.py, nothing else shared.

Ruff's banned-api rule (TID251) stops imports from test modules and conftest.py files, but it
matches names, not patterns; these checks keep its list whole as tests are added.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SUPPORT = TESTS / "support"


def _banned() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    banned = config["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    return {name for name in banned if name == "tests" or name.startswith("tests.")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _outside_support() -> list[Path]:
    return sorted(
        path for path in TESTS.rglob("*.py") if SUPPORT not in path.parents and path != SUPPORT
    )


def _is_fixture_or_hook(node: ast.stmt) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if node.name.startswith("pytest_"):
        return True
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
    return False


def test_every_test_module_and_conftest_is_banned_from_imports() -> None:
    banned = _banned()

    def covered(module: str) -> bool:
        parts = module.split(".")
        return any(".".join(parts[:end]) in banned for end in range(1, len(parts) + 1))

    missing = [
        _module_name(path)
        for path in _outside_support()
        if path != TESTS / "__init__.py" and not covered(_module_name(path))
    ]
    assert missing == [], (
        "add these to [tool.ruff.lint.flake8-tidy-imports.banned-api] in pyproject.toml "
        f"(a new test package by its name): {missing}"
    )


def test_the_banned_list_names_only_what_exists_and_never_the_support_package() -> None:
    modules = {_module_name(path) for path in TESTS.rglob("*.py")}
    banned = _banned()

    assert sorted(banned - modules) == []
    assert not any(name in {"tests", "tests.support"} for name in banned)
    assert not any(name.startswith("tests.support.") for name in banned)


def test_helpers_live_in_tests_support() -> None:
    strays = [
        str(path.relative_to(REPO))
        for path in _outside_support()
        if path.name not in {"conftest.py", "__init__.py"} and not path.name.startswith("test_")
    ]
    assert strays == [], f"move these to tests/support: {strays}"


def test_conftest_files_only_declare_fixtures_and_hooks() -> None:
    for path in sorted(TESTS.rglob("conftest.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        body = tree.body[1:] if ast.get_docstring(tree) else tree.body
        others = [
            f"{path.relative_to(REPO)}:{node.lineno}"
            for node in body
            if not isinstance(node, ast.Import | ast.ImportFrom) and not _is_fixture_or_hook(node)
        ]
        assert others == [], f"move these to tests/support: {others}"
