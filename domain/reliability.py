"""A person's reliability history: how their agreed dates went, week by week, as a trend.

Figures come from commitment views (their history, check-ins and revisions) and nothing else;
every function is pure and takes "now" and the reader's zone as parameters.

How the figures count, so that each agreed date counts once:

* **on time**: the work was reported done by the date in force (``done_on_time``);
* **slip**: a date came and went without the work done, either noticed when the deadline
  passed (``deadline_passed``) or because the work was reported done after it
  (``done_late``) without the deadline having been noticed first. Work finished after a
  slip counts as done, not as a second slip. A date that fell while the person was away
  (``deadline_in_absence``) is not a slip: being away is not a lapse;
* **revision**: an agreed new date or scope, with its reason, in the week it was agreed.

The on-time rate of a week is on time / (on time + slips); a week with neither has no rate
(a gap in the chart, never a zero). The trend compares the later weeks with the earlier ones
rather than boiling a person down to one number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import Field

from domain.models import (
    CheckIn,
    CommitmentStatus,
    DomainModel,
    HistoryEntry,
    Person,
    Revision,
    UtcDatetime,
)
from domain.support import CommitmentKind, SupportRequest

DEFAULT_WEEKS = 8
"""How many weeks a trend covers by default: about two months."""
ON_TIME_KINDS = frozenset({"done_on_time"})
LATE_KINDS = frozenset({"done_late"})
SLIP_KINDS = frozenset({"deadline_passed", "support_slipped"})
TREND_MARGIN = 0.15
"""How far the later weeks' rate must move from the earlier weeks' to count as a change."""
MIN_WEEKS_FOR_TREND = 3

_ONE_WEEK = timedelta(days=7)


class CommitmentFacts(DomainModel):
    """What the reliability figures need to know about one commitment (from its view)."""

    commitment_id: str
    title: str
    owner: Person
    manager: Person
    status: CommitmentStatus
    due: UtcDatetime
    created_at: UtcDatetime
    completed_at: UtcDatetime | None = None
    history: list[HistoryEntry] = Field(default_factory=list)
    check_ins: list[CheckIn] = Field(default_factory=list)
    revisions: list[Revision] = Field(default_factory=list)
    kind: CommitmentKind = CommitmentKind.COMMITMENT
    """``support``: the owner is a manager who promised support to this ``manager``."""
    support_requests: list[SupportRequest] = Field(default_factory=list)


class Trend(StrEnum):
    """Which way the on-time rate is moving over the weeks shown."""

    IMPROVING = "improving"
    STEADY = "steady"
    DIPPING = "dipping"
    NOT_ENOUGH_HISTORY = "not_enough_history"


class WeekFigures(DomainModel):
    """One week's figures; ``week_start`` is the Monday of the week in the reader's zone."""

    week_start: date
    on_time: int = 0
    slips: int = 0
    revisions: int = 0
    done: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """On time / (on time + slips), or ``None`` when no date came due this week."""
        resolved = self.on_time + self.slips
        return self.on_time / resolved if resolved else None


class RevisionNote(DomainModel):
    """An agreed revision, with what it was about and why."""

    commitment_id: str
    title: str
    agreed_at: UtcDatetime
    old_due: UtcDatetime
    new_due: UtcDatetime
    scope_changed: bool
    reason: str


class ReliabilityHistory(DomainModel):
    """A person's history over recent weeks, as a trend rather than a score."""

    person: Person
    weeks: list[WeekFigures]
    on_time: int
    slips: int
    open_commitments: int
    revisions: list[RevisionNote]
    trend: Trend

    @property
    def on_time_rate(self) -> float | None:
        """The rate over all the weeks shown, or ``None`` when no date came due."""
        resolved = self.on_time + self.slips
        return self.on_time / resolved if resolved else None


def week_start(at: datetime, zone: ZoneInfo) -> date:
    """Return the Monday of the week an instant falls in, in the reader's zone.

    Args:
        at: the instant, timezone-aware.
        zone: the reader's zone.

    Returns:
        The local date of that week's Monday.
    """
    local = at.astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def iso_week_label(day: date) -> str:
    """Return the ISO week of a date, e.g. ``2026-W48``.

    Args:
        day: any date of the week.

    Returns:
        The ISO year and week number.
    """
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _slip_times(facts: CommitmentFacts) -> list[datetime]:
    slips = [entry.at for entry in facts.history if entry.kind in SLIP_KINDS]
    late = [entry.at for entry in facts.history if entry.kind in LATE_KINDS]
    # Finished after a slip that was already noticed: that date counts once.
    if late and not slips:
        slips.extend(late)
    return slips


def _events(facts: Iterable[CommitmentFacts]) -> tuple[list[datetime], ...]:
    on_time: list[datetime] = []
    slips: list[datetime] = []
    revisions: list[datetime] = []
    done: list[datetime] = []
    for item in facts:
        on_time.extend(entry.at for entry in item.history if entry.kind in ON_TIME_KINDS)
        slips.extend(_slip_times(item))
        revisions.extend(revision.at for revision in item.revisions)
        if item.status is CommitmentStatus.DONE and item.completed_at is not None:
            done.append(item.completed_at)
    return on_time, slips, revisions, done


def weekly_figures(
    facts: Iterable[CommitmentFacts],
    *,
    now: datetime,
    zone: ZoneInfo,
    weeks: int = DEFAULT_WEEKS,
) -> list[WeekFigures]:
    """Count on-time deliveries, slips, revisions and completions per week.

    Args:
        facts: the commitments to count (one person's, or a team's).
        now: the current instant; its week is the last one.
        zone: the reader's zone, which decides where weeks begin.
        weeks: how many weeks, the current one included; at least 1.

    Returns:
        One entry per week, oldest first.

    Raises:
        ValueError: when ``weeks`` is less than 1.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    last = week_start(now, zone)
    starts = [last - timedelta(weeks=offset) for offset in reversed(range(weeks))]
    on_time, slips, revisions, done = _events(facts)

    def count(instants: list[datetime], start: date) -> int:
        return sum(1 for at in instants if week_start(at, zone) == start)

    return [
        WeekFigures(
            week_start=start,
            on_time=count(on_time, start),
            slips=count(slips, start),
            revisions=count(revisions, start),
            done=count(done, start),
        )
        for start in starts
    ]


def describe_trend(weeks: Sequence[WeekFigures]) -> Trend:
    """Tell which way the on-time rate moves: the later half of the weeks against the earlier.

    Args:
        weeks: the weekly figures, oldest first.

    Returns:
        The trend; ``not_enough_history`` with fewer than three weeks that had a date due.
    """
    rates = [rate for rate in (week.on_time_rate for week in weeks) if rate is not None]
    if len(rates) < MIN_WEEKS_FOR_TREND:
        return Trend.NOT_ENOUGH_HISTORY
    middle = len(rates) // 2
    earlier = sum(rates[:middle]) / middle
    later = sum(rates[middle:]) / (len(rates) - middle)
    if later - earlier >= TREND_MARGIN:
        return Trend.IMPROVING
    if earlier - later >= TREND_MARGIN:
        return Trend.DIPPING
    return Trend.STEADY


def window_start(now: datetime, zone: ZoneInfo, weeks: int = DEFAULT_WEEKS) -> datetime:
    """Return the instant the figures' first week begins (its Monday, 00:00 local).

    Args:
        now: the current instant.
        zone: the reader's zone.
        weeks: how many weeks the figures cover.

    Returns:
        The instant, in UTC.
    """
    first = week_start(now, zone) - timedelta(weeks=weeks - 1)
    return datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC)


def revision_notes(facts: Iterable[CommitmentFacts], since: datetime) -> list[RevisionNote]:
    """List the revisions agreed since an instant, oldest first.

    Args:
        facts: the commitments.
        since: the earliest agreement to include.

    Returns:
        The revisions with their commitment and reason.
    """
    notes = [
        RevisionNote(
            commitment_id=item.commitment_id,
            title=item.title,
            agreed_at=revision.at,
            old_due=revision.old_due,
            new_due=revision.new_due,
            scope_changed=revision.changes_scope,
            reason=revision.reason,
        )
        for item in facts
        for revision in item.revisions
        if revision.at >= since
    ]
    return sorted(notes, key=lambda note: note.agreed_at)


def person_history(
    person: Person,
    facts: Iterable[CommitmentFacts],
    *,
    now: datetime,
    zone: ZoneInfo,
    weeks: int = DEFAULT_WEEKS,
) -> ReliabilityHistory:
    """Build one person's reliability history from the commitments they own.

    A manager's promises of support to their team are not counted here: their trend is the
    manager's own, private (see :func:`support_history`).

    Args:
        person: whose history.
        facts: commitments; only those the person owns are counted.
        now: the current instant.
        zone: the reader's zone.
        weeks: how many weeks to cover.

    Returns:
        The weekly figures, totals over the weeks, revisions and their reasons, and the trend.
    """
    owned = [
        item
        for item in facts
        if item.owner.email == person.email and item.kind is CommitmentKind.COMMITMENT
    ]
    return _history(person, owned, now=now, zone=zone, weeks=weeks)


def support_history(
    manager: Person,
    facts: Iterable[CommitmentFacts],
    *,
    now: datetime,
    zone: ZoneInfo,
    weeks: int = DEFAULT_WEEKS,
) -> ReliabilityHistory:
    """Build a manager's history over the support they promised their team.

    The leader's own mirror: shown to the manager alone (their weekly digest).

    Args:
        manager: whose promises.
        facts: commitments; only the manager's promises of support are counted.
        now: the current instant.
        zone: the reader's zone.
        weeks: how many weeks to cover.

    Returns:
        The weekly figures, totals, revisions and the trend of the promises kept.
    """
    promised = [
        item
        for item in facts
        if item.owner.email == manager.email and item.kind is CommitmentKind.SUPPORT
    ]
    return _history(manager, promised, now=now, zone=zone, weeks=weeks)


def _history(
    person: Person,
    owned: list[CommitmentFacts],
    *,
    now: datetime,
    zone: ZoneInfo,
    weeks: int,
) -> ReliabilityHistory:
    figures = weekly_figures(owned, now=now, zone=zone, weeks=weeks)
    return ReliabilityHistory(
        person=person,
        weeks=figures,
        on_time=sum(week.on_time for week in figures),
        slips=sum(week.slips for week in figures),
        open_commitments=sum(1 for item in owned if not item.status.is_closed),
        revisions=revision_notes(owned, window_start(now, zone, weeks)),
        trend=describe_trend(figures),
    )


def weeks_ago(now: datetime, weeks: int) -> datetime:
    """Return the instant ``weeks`` weeks before ``now`` (a look-back bound for queries)."""
    return now - _ONE_WEEK * weeks
