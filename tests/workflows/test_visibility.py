"""The one visibility-filter builder: values quoted safely, names checked, times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.models import CommitmentStatus
from workflows import visibility
from workflows.commitment.client import CommitmentFilter, list_query, open_commitments_query
from workflows.commitment.facts import facts_query

BEFORE = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def _unquote(literal: str) -> str:
    """Read a literal back the way Temporal's parser does (backslash escapes)."""
    assert literal.startswith("'") and literal.endswith("'")
    out, chars = [], iter(literal[1:-1])
    for char in chars:
        if char == "\\":
            out.append(next(chars))
        else:
            assert char != "'", f"unescaped quote in {literal!r}"
            out.append(char)
    return "".join(out)


@pytest.mark.parametrize(
    "value",
    [
        "sam@contoso.example",
        "o'brien@contoso.example",
        "back\\slash",
        "ends with a backslash\\",
        "\\'",
        "x' OR WorkflowType != 'y",
        "' OR '1'='1",
        "'; DROP TABLE executions; --",
        "",
    ],
)
def test_a_quoted_value_reads_back_as_itself(value: str) -> None:
    assert _unquote(visibility.quote(value)) == value


def test_quotes_and_backslashes_are_escaped() -> None:
    assert visibility.quote("o'brien") == "'o\\'brien'"
    assert visibility.quote("a\\b") == "'a\\\\b'"
    # The backslash is escaped before the quote, so a trailing one cannot swallow it.
    assert visibility.quote("a\\") == "'a\\\\'"
    assert visibility.quote("\\'") == "'\\\\\\''"


def test_an_injection_stays_inside_its_string() -> None:
    clause = visibility.equals("AccordOwner", "x' OR AccordManager = 'boss@contoso.example")
    name, operator, literal = clause.split(" ", 2)
    assert (name, operator) == ("AccordOwner", "=")
    assert _unquote(literal) == "x' OR AccordManager = 'boss@contoso.example"


def test_times_are_written_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert visibility.quote(datetime(2026, 3, 2, 10, 0, tzinfo=paris)) == (
        "'2026-03-02T09:00:00.000000Z'"
    )
    with pytest.raises(ValueError, match="zone"):
        visibility.quote(datetime(2026, 3, 2, 10, 0))


@pytest.mark.parametrize(
    "name", ["", "Accord Owner", "AccordOwner = 'x' OR 1", "1Owner", "Owner;", "Owner'"]
)
def test_a_field_name_must_be_a_plain_name(name: str) -> None:
    with pytest.raises(ValueError, match="field"):
        visibility.equals(name, "x")


def test_only_comparisons_are_operators() -> None:
    with pytest.raises(ValueError, match="comparison"):
        visibility.compare("StartTime", "= 'x' OR StartTime >", BEFORE)  # type: ignore[arg-type]


def test_clauses_join_and_group() -> None:
    assert visibility.workflow_type("A") == "WorkflowType = 'A'"
    assert visibility.workflow_type("A", "B") == "WorkflowType IN ('A', 'B')"
    assert visibility.running() == "ExecutionStatus = 'Running'"
    assert visibility.is_set("AccordOwner") == "AccordOwner IS NOT NULL"
    assert visibility.any_of("a", "b") == "(a OR b)"
    assert visibility.any_of() == "(false)"
    assert visibility.all_of("a", "(b OR c)") == "a AND (b OR c)"
    assert visibility.group("WorkflowId = 'x'") == "(WorkflowId = 'x')"
    with pytest.raises(ValueError, match="at least one"):
        visibility.one_of("AccordOwner", [])


def test_the_list_query_quotes_every_value() -> None:
    query = list_query(
        CommitmentFilter(
            owner="o'brien@contoso.example",
            status=CommitmentStatus.ACTIVE,
            due_after=BEFORE,
            visible_owners=("a@contoso.example", "b'@contoso.example"),
            visible_manager="m@contoso.example",
        )
    )
    assert query == (
        "WorkflowType = 'CommitmentWorkflow' AND AccordOwner IS NOT NULL"
        " AND AccordOwner = 'o\\'brien@contoso.example' AND AccordStatus = 'active'"
        " AND AccordDue >= '2026-11-22T06:00:00.000000Z'"
        " AND (AccordOwner IN ('a@contoso.example', 'b\\'@contoso.example')"
        " OR AccordManager = 'm@contoso.example')"
    )


def test_a_scope_with_nobody_in_it_finds_nothing() -> None:
    query = list_query(CommitmentFilter(visible_owners=(), visible_manager=None))
    assert query.endswith(" AND (false)")


def test_open_commitments_of_a_person() -> None:
    assert open_commitments_query() == (
        "WorkflowType = 'CommitmentWorkflow' AND ExecutionStatus = 'Running'"
    )
    assert open_commitments_query(involving="x'y@contoso.example") == (
        "WorkflowType = 'CommitmentWorkflow' AND ExecutionStatus = 'Running'"
        " AND (AccordOwner = 'x\\'y@contoso.example' OR AccordManager = 'x\\'y@contoso.example')"
    )


def test_the_facts_query_keeps_closed_commitments_since_an_instant() -> None:
    assert facts_query(since=BEFORE, manager="Maya@Contoso.example") == (
        "WorkflowType = 'CommitmentWorkflow' AND AccordManager = 'maya@contoso.example'"
        " AND (ExecutionStatus = 'Running' OR CloseTime >= '2026-11-22T06:00:00.000000Z')"
    )
    with pytest.raises(ValueError, match="plain"):
        facts_query(since=BEFORE, owner="x' OR '1'='1")
    with pytest.raises(ValueError, match="either"):
        facts_query(since=BEFORE)
