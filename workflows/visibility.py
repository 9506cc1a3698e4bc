"""Temporal visibility filters, built in one place with every value quoted safely.

A list filter is a small SQL-like language. A value spliced into it as it is (an address
with a quote in it, a name someone typed) could end its string early and change what the
filter finds, so every filter Accord sends is built from these pieces: field names are
checked, string values are quoted with their quotes and backslashes escaped, and times are
written in UTC as RFC 3339.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal

Value = str | datetime
"""What a clause compares a field with: text, or an aware instant."""
Operator = Literal["=", "!=", "<", "<=", ">", ">="]

WORKFLOW_TYPE = "WorkflowType"
EXECUTION_STATUS = "ExecutionStatus"
START_TIME = "StartTime"
CLOSE_TIME = "CloseTime"
TASK_QUEUE = "TaskQueue"

_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def quote(value: Value) -> str:
    """Return ``value`` as a visibility string literal.

    Args:
        value: text, or an aware instant (written in UTC, to the microsecond).

    Returns:
        The literal in single quotes, with backslashes and quotes escaped.

    Raises:
        ValueError: for an instant without a zone (which instant it means is unknown).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a time in a visibility filter needs a zone")
        value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def field(name: str) -> str:
    """Return a field (search attribute) name, refusing anything that is not a plain name.

    Raises:
        ValueError: when ``name`` is not letters, digits and underscores.
    """
    if not _FIELD.fullmatch(name):
        raise ValueError(f"not a visibility field name: {name!r}")
    return name


def compare(name: str, operator: Operator, value: Value) -> str:
    """Return ``name <operator> value``, e.g. ``AccordDue >= '2026-03-02T09:00:00.000000Z'``."""
    if operator not in ("=", "!=", "<", "<=", ">", ">="):
        raise ValueError(f"not a comparison: {operator!r}")
    return f"{field(name)} {operator} {quote(value)}"


def equals(name: str, value: Value) -> str:
    """Return ``name = value``."""
    return compare(name, "=", value)


def one_of(name: str, values: Iterable[Value]) -> str:
    """Return ``name IN (value, ...)``.

    Raises:
        ValueError: when there are no values (an empty ``IN`` is not valid).
    """
    literals = [quote(value) for value in values]
    if not literals:
        raise ValueError("one_of needs at least one value")
    return f"{field(name)} IN ({', '.join(literals)})"


def is_set(name: str) -> str:
    """Return ``name IS NOT NULL``: the run has this search attribute."""
    return f"{field(name)} IS NOT NULL"


def is_unset(name: str) -> str:
    """Return ``name IS NULL``: the run lacks this search attribute (e.g. it predates it)."""
    return f"{field(name)} IS NULL"


def workflow_type(*names: str) -> str:
    """Return the clause for runs of these workflow types (one or more)."""
    if len(names) == 1:
        return equals(WORKFLOW_TYPE, names[0])
    return one_of(WORKFLOW_TYPE, names)


def running() -> str:
    """Return the clause for runs still running."""
    return equals(EXECUTION_STATUS, "Running")


def all_of(*clauses: str) -> str:
    """Join clauses with ``AND`` (each clause is already whole: see :func:`any_of`)."""
    return " AND ".join(clauses)


def any_of(*clauses: str) -> str:
    """Join clauses with ``OR``, in parentheses so an ``AND`` around them cannot split them.

    No clause at all matches nothing: ``(false)``.
    """
    return "(" + (" OR ".join(clauses) or "false") + ")"


def group(clause: str) -> str:
    """Return a whole filter in parentheses, to join it with others (an operator's own)."""
    return f"({clause})"
