"""What a doctor check returns, and the report of them all (for a terminal or as JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: what was checked, e.g. ``graph.token``.
        ok: whether it passed.
        detail: what was found, in a sentence.
        fix: what to do when it failed, in a sentence or two (empty when it passed).
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""


def passed(name: str, detail: str) -> CheckResult:
    """A passing check."""
    return CheckResult(name, True, detail)


def failed(name: str, detail: str, fix: str) -> CheckResult:
    """A failing check, with what to do about it."""
    return CheckResult(name, False, detail, fix)


def all_passed(results: Iterable[CheckResult]) -> bool:
    """Whether every check passed (an empty run passes nothing: it is not a pass)."""
    checked = list(results)
    return bool(checked) and all(result.ok for result in checked)


def as_json(results: Sequence[CheckResult]) -> str:
    """The results as one JSON document, for machines: ``{"ok": ..., "checks": [...]}``."""
    return json.dumps(
        {"ok": all_passed(results), "checks": [asdict(result) for result in results]}, indent=2
    )


def as_text(results: Sequence[CheckResult]) -> str:
    """The results as plain sentences for a person at a terminal, the fixes indented."""
    lines = []
    for result in results:
        mark = "pass" if result.ok else "FAIL"
        lines.append(f"{mark}  {result.name}: {result.detail}")
        if not result.ok and result.fix:
            lines.append(f"      fix: {result.fix}")
    failures = sum(not result.ok for result in results)
    lines.append(
        "All checks passed."
        if failures == 0
        else f"{failures} of {len(results)} checks need attention."
    )
    return "\n".join(lines) + "\n"
