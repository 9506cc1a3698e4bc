"""The weekly digest for a manager: where their reports' commitments stand, framed for coaching.

Pure: the facts, "now" and the manager's zone come in as parameters. The digest names who
might need support and a question to open the conversation with; it never ranks people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pydantic import Field

from domain.models import (
    CheckInAnswer,
    CommitmentStatus,
    DomainModel,
    OptionalText,
    Person,
    UtcDatetime,
)
from domain.reliability import (
    DEFAULT_WEEKS,
    CommitmentFacts,
    RevisionNote,
    Trend,
    WeekFigures,
    describe_trend,
    iso_week_label,
    revision_notes,
    support_history,
    week_start,
    weekly_figures,
)
from domain.support import CommitmentKind, SupportAnswer
from domain.timezones import ZoneName, resolve_zone
from domain.working_time import (
    WEEKDAYS,
    PersonSchedule,
    WallClockTime,
    Weekday,
    is_within_working_hours,
)

DIGEST_PERIOD = timedelta(days=7)
""""This week" in a digest: the seven days before it is put together."""
_SLOT_STEP = timedelta(minutes=30)
_PREFERRED_TIME = time(9)


class Standing(StrEnum):
    """Where one commitment stands, as the digest groups it."""

    BEING_AGREED = "being_agreed"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    DONE = "done"
    RELEASED = "released"


_STANDING_OF_STATUS = {
    CommitmentStatus.AWAITING_ACCEPTANCE: Standing.BEING_AGREED,
    CommitmentStatus.CLARIFYING: Standing.BEING_AGREED,
    CommitmentStatus.MISSED: Standing.MISSED,
    CommitmentStatus.AWAITING_RETURN: Standing.MISSED,
    CommitmentStatus.DONE: Standing.DONE,
    CommitmentStatus.RELEASED: Standing.RELEASED,
}
_CONCERNS = frozenset({CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED})


def last_answer(facts: CommitmentFacts) -> CheckInAnswer | None:
    """Return the latest check-in answer given under the plan now in force, if any.

    A check-in from before the latest agreed revision describes the old plan, not this one.
    """
    since = max((revision.at for revision in facts.revisions), default=None)
    answers = [c for c in facts.check_ins if since is None or c.at >= since]
    return max(answers, key=lambda c: c.at).answer if answers else None


def standing(facts: CommitmentFacts, now: datetime) -> Standing:
    """Classify a commitment for the digest.

    Args:
        facts: the commitment.
        now: the current instant.

    Returns:
        Being agreed, on track, at risk (the owner flagged a risk or blocker, or a
        conversation is under way before the date), missed (the date passed), done or
        released.
    """
    if facts.status in _STANDING_OF_STATUS:
        return _STANDING_OF_STATUS[facts.status]
    if facts.status is CommitmentStatus.IN_CONVERSATION:
        return Standing.MISSED if facts.due <= now else Standing.AT_RISK
    return Standing.AT_RISK if last_answer(facts) in _CONCERNS else Standing.ON_TRACK


class DigestItem(DomainModel):
    """One commitment as a line of the digest."""

    commitment_id: str
    title: str
    owner: Person
    due: UtcDatetime
    standing: Standing
    blocked: bool = False


class SupportSuggestion(DomainModel):
    """Someone who might welcome support, why, and a question to open with."""

    person: Person
    reasons: list[str]
    question: str


class Promise(DomainModel):
    """One promise of support the manager made, as "What you promised your team" lists it."""

    commitment_id: str
    what: str
    person: Person
    due: UtcDatetime
    completed_at: UtcDatetime | None = None


class SupportAsk(DomainModel):
    """What someone asked their manager for, and how it was answered (if it was)."""

    person: Person
    title: str = Field(description="The commitment they asked about.")
    at: UtcDatetime
    note: OptionalText = None
    answer: SupportAnswer | None = None


class LeaderMirror(DomainModel):
    """What the manager promised their team, kept or not yet, and what people asked for.

    Private to the manager: it is their own mirror, described as plainly as anyone's.
    """

    kept: list[Promise] = Field(default_factory=list)
    kept_late: list[Promise] = Field(default_factory=list)
    open: list[Promise] = Field(default_factory=list)
    asked: list[SupportAsk] = Field(default_factory=list)
    weeks: list[WeekFigures] = Field(default_factory=list)
    trend: Trend = Trend.NOT_ENOUGH_HISTORY

    @property
    def has_news(self) -> bool:
        """Whether there is anything to say about the manager's own promises."""
        return any((self.kept, self.kept_late, self.open, self.asked))


class TeamDigest(DomainModel):
    """Everything one manager's weekly digest says."""

    manager: Person
    time_zone: ZoneName
    week: str = Field(description="ISO week of the digest, e.g. 2026-W48.")
    generated_at: UtcDatetime
    on_track: list[DigestItem] = Field(default_factory=list)
    at_risk: list[DigestItem] = Field(default_factory=list)
    missed: list[DigestItem] = Field(default_factory=list)
    being_agreed: list[DigestItem] = Field(default_factory=list)
    done: list[DigestItem] = Field(default_factory=list)
    revised: list[RevisionNote] = Field(default_factory=list)
    support: list[SupportSuggestion] = Field(default_factory=list)
    weeks: list[WeekFigures] = Field(default_factory=list)
    promised: LeaderMirror = Field(
        default_factory=LeaderMirror, description="What you promised your team."
    )

    @property
    def has_news(self) -> bool:
        """Whether there is anything to tell: a digest with nothing in it is not sent."""
        return self.promised.has_news or any(
            (self.on_track, self.at_risk, self.missed, self.being_agreed, self.done, self.revised)
        )


def _item(facts: CommitmentFacts, now: datetime) -> DigestItem:
    return DigestItem(
        commitment_id=facts.commitment_id,
        title=facts.title,
        owner=facts.owner,
        due=facts.due,
        standing=standing(facts, now),
        blocked=last_answer(facts) is CheckInAnswer.BLOCKED,
    )


def _quoted(title: str) -> str:
    return f"\u201c{title}\u201d"


def _suggestion(
    person: Person,
    items: Sequence[DigestItem],
    revisions: Sequence[RevisionNote],
    trend: Trend,
) -> SupportSuggestion | None:
    """The most pressing reason decides the question; every reason is listed."""
    reasons: list[str] = []
    questions: list[str] = []
    for item in items:
        title = _quoted(item.title)
        if item.blocked:
            reasons.append(f"said they are blocked on {title}")
            questions.append(
                f"What is standing in the way on {title}, and what could I clear for you?"
            )
        elif item.standing is Standing.MISSED:
            reasons.append(f"{title} has passed its agreed date")
            questions.append(
                f"What got in the way on {title}, and what date and scope feel realistic now?"
            )
        elif item.standing is Standing.AT_RISK:
            reasons.append(f"flagged {title} as at risk")
            questions.append(
                f"What would help most with {title} right now: time, information, a decision, "
                "or a hand from someone?"
            )
    if len(revisions) >= 2:
        reasons.append(f"{len(revisions)} plans were revised this week")
        questions.append(
            "Plans have shifted a few times lately: does the load feel right, or shall we "
            "look at priorities together?"
        )
    if trend is Trend.DIPPING:
        reasons.append("fewer dates have been met in recent weeks than before")
        questions.append(
            "How is your workload feeling at the moment? Is there anything I could take off "
            "your plate?"
        )
    if not reasons:
        return None
    return SupportSuggestion(person=person, reasons=reasons, question=questions[0])


def build_digest(
    manager: Person,
    facts: Iterable[CommitmentFacts],
    *,
    now: datetime,
    time_zone: str,
    weeks: int = DEFAULT_WEEKS,
) -> TeamDigest:
    """Put a manager's weekly digest together from their reports' commitments.

    Commitments whose manager is someone else are left out: a digest is about one's own
    reports only.

    Args:
        manager: who the digest is for.
        facts: commitments (already limited to the recent weeks, ended ones included).
        now: the current instant.
        time_zone: the manager's zone (IANA or Windows name).
        weeks: how many weeks the chart covers.

    Returns:
        The digest.
    """
    zone = resolve_zone(time_zone)
    facts = list(facts)
    # The team's own work; a promise of support to the manager (from their own manager) is
    # not their report's commitment, and the manager's promises have a section of their own.
    mine = [
        item
        for item in facts
        if item.manager.email == manager.email and item.kind is CommitmentKind.COMMITMENT
    ]
    since = now - DIGEST_PERIOD
    items = [_item(item, now) for item in mine]
    by_standing: dict[Standing, list[DigestItem]] = {kind: [] for kind in Standing}
    for item, fact in zip(items, mine, strict=True):
        if item.standing is Standing.DONE:
            if fact.completed_at is not None and fact.completed_at >= since:
                by_standing[Standing.DONE].append(item)
        else:
            by_standing[item.standing].append(item)
    revised = revision_notes(mine, since)
    support: list[SupportSuggestion] = []
    for owner in sorted({item.owner for item in mine}, key=lambda p: p.display_name):
        owned = [item for item in mine if item.owner == owner]
        open_items = [item for item in items if item.owner == owner]
        trend = describe_trend(weekly_figures(owned, now=now, zone=zone, weeks=weeks))
        owner_revisions = [note for note in revised if note.commitment_id in _ids(owned)]
        suggestion = _suggestion(owner, open_items, owner_revisions, trend)
        if suggestion is not None:
            support.append(suggestion)
    return TeamDigest(
        manager=manager,
        time_zone=time_zone,
        week=iso_week_label(week_start(now, zone)),
        generated_at=now,
        on_track=_by_due(by_standing[Standing.ON_TRACK]),
        at_risk=_by_due(by_standing[Standing.AT_RISK]),
        missed=_by_due(by_standing[Standing.MISSED]),
        being_agreed=_by_due(by_standing[Standing.BEING_AGREED]),
        done=_by_due(by_standing[Standing.DONE]),
        revised=revised,
        support=support,
        weeks=weekly_figures(mine, now=now, zone=zone, weeks=weeks),
        promised=leader_mirror(manager, facts, now=now, time_zone=time_zone, weeks=weeks),
    )


def leader_mirror(
    manager: Person,
    facts: Iterable[CommitmentFacts],
    *,
    now: datetime,
    time_zone: str,
    weeks: int = DEFAULT_WEEKS,
) -> LeaderMirror:
    """Say what a manager promised their team: kept this week, kept late, open, and asked.

    Args:
        manager: whose promises.
        facts: commitments (the team's and the manager's own, ended ones included).
        now: the current instant.
        time_zone: the manager's zone.
        weeks: how many weeks the trend covers.

    Returns:
        The manager's own mirror, with the trend of their promises kept on time.
    """
    facts = list(facts)
    since = now - DIGEST_PERIOD
    kept: list[Promise] = []
    kept_late: list[Promise] = []
    still_open: list[Promise] = []
    for item in facts:
        if item.kind is not CommitmentKind.SUPPORT or item.owner.email != manager.email:
            continue
        promise = Promise(
            commitment_id=item.commitment_id,
            what=item.title,
            person=item.manager,
            due=item.due,
            completed_at=item.completed_at,
        )
        if not item.status.is_closed:
            still_open.append(promise)
        elif item.status is CommitmentStatus.DONE and (item.completed_at or now) >= since:
            late = item.completed_at is not None and item.completed_at > item.due
            (kept_late if late else kept).append(promise)
    asked = [
        SupportAsk(
            person=item.owner,
            title=item.title,
            at=request.at,
            note=request.note,
            answer=request.answer,
        )
        for item in facts
        if item.kind is CommitmentKind.COMMITMENT and item.manager.email == manager.email
        for request in item.support_requests
        if request.answer is None or request.at >= since
    ]
    history = support_history(manager, facts, now=now, zone=resolve_zone(time_zone), weeks=weeks)
    return LeaderMirror(
        kept=sorted(kept, key=lambda promise: promise.due),
        kept_late=sorted(kept_late, key=lambda promise: promise.due),
        open=sorted(still_open, key=lambda promise: promise.due),
        asked=sorted(asked, key=lambda ask: ask.at),
        weeks=history.weeks,
        trend=history.trend,
    )


def _ids(facts: Iterable[CommitmentFacts]) -> set[str]:
    return {item.commitment_id for item in facts}


def _by_due(items: list[DigestItem]) -> list[DigestItem]:
    return sorted(items, key=lambda item: (item.due, item.title))


class DigestTiming(DomainModel):
    """When a manager's digest goes out: a weekday and a wall-clock time in their zone."""

    day: Weekday = "monday"
    at: WallClockTime = _PREFERRED_TIME


def next_occurrence(timing: DigestTiming, after: datetime, time_zone: str) -> datetime:
    """Return the first instant after ``after`` that falls on the timing's day and time.

    Args:
        timing: the weekday and time.
        after: where to start, timezone-aware.
        time_zone: the zone the timing is read in.

    Returns:
        That instant (aware, in the zone).
    """
    zone = resolve_zone(time_zone)
    local = after.astimezone(zone)
    ahead = (WEEKDAYS.index(timing.day) - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=ahead), timing.at, tzinfo=zone)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate


def fits_working_hours(timing: DigestTiming, schedule: PersonSchedule, now: datetime) -> bool:
    """Tell whether a timing falls inside the person's working hours (in their zone).

    Args:
        timing: the weekday and time, read in the person's mailbox zone.
        schedule: the person's working hours.
        now: the current instant (the next occurrence after it is checked).

    Returns:
        True when the next such moment is inside working hours.
    """
    return is_within_working_hours(next_occurrence(timing, now, schedule.time_zone), schedule)


def default_timing(schedule: PersonSchedule, now: datetime) -> DigestTiming:
    """Choose when a digest goes out when the manager has not said: Monday morning if they can.

    The first working moment of the week is looked for from Monday 09:00, half an hour at
    a time, a day at a time; the working hours always have one.

    Args:
        schedule: the manager's working hours, in their zone.
        now: the current instant.

    Returns:
        Monday 09:00 when that is inside their hours; otherwise the earliest fitting time.
    """
    start = datetime.combine(date.min, _PREFERRED_TIME)
    steps = int(timedelta(days=1) / _SLOT_STEP)
    times = [(start + _SLOT_STEP * step).time() for step in range(steps)]
    for day in WEEKDAYS:
        for at in times:
            timing = DigestTiming(day=day, at=at)
            if fits_working_hours(timing, schedule, now):
                return timing
    return DigestTiming()  # pragma: no cover - working hours always cover some half hour
