"""Reliability figures: each agreed date counts once, weeks in the reader's zone, a trend."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.digest import (
    DigestTiming,
    Standing,
    build_digest,
    default_timing,
    fits_working_hours,
    standing,
)
from domain.models import (
    Actor,
    CheckIn,
    CheckInAnswer,
    CommitmentStatus,
    HistoryEntry,
    Person,
    Revision,
)
from domain.reliability import (
    CommitmentFacts,
    Trend,
    WeekFigures,
    describe_trend,
    iso_week_label,
    person_history,
    week_start,
    weekly_figures,
)
from domain.working_time import WEEKDAYS, PersonSchedule, WorkingHours

LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
MAYA = Person(email="maya@example.com", display_name="Maya Chen")
OMAR = Person(email="omar@example.com", display_name="Omar Haddad")
SAM = Person(email="sam@example.com", display_name="Sam Okafor")
PRIYA = Person(email="priya@example.com", display_name="Priya Raman")


def facts(
    status: CommitmentStatus = CommitmentStatus.ACTIVE,
    *,
    owner: Person = SAM,
    manager: Person = MAYA,
    due: datetime = NOW + timedelta(days=2),
    events: tuple[tuple[str, datetime], ...] = (),
    **changes: object,
) -> CommitmentFacts:
    fields: dict[str, object] = {
        "commitment_id": f"c-{len(events)}-{status}-{owner.email}-{due.isoformat()}",
        "title": f"Work of {owner.display_name}",
        "owner": owner,
        "manager": manager,
        "status": status,
        "due": due,
        "created_at": NOW - timedelta(weeks=10),
        "history": [HistoryEntry(at=at, actor=Actor.SYSTEM, kind=kind) for kind, at in events],
    }
    fields.update(changes)
    return CommitmentFacts.model_validate(fields)


def revision(at: datetime, reason: str = "The data came late") -> Revision:
    return Revision(
        old_due=at,
        new_due=at + timedelta(days=7),
        old_scope="All regions",
        new_scope="All regions",
        reason=reason,
        proposed_by=Actor.OWNER,
        accepted_by=Actor.MANAGER,
        at=at,
    )


def test_weeks_start_on_monday_in_the_readers_zone() -> None:
    sunday_night_utc = datetime(2026, 11, 29, 20, tzinfo=UTC)
    assert week_start(sunday_night_utc, LONDON) == date(2026, 11, 23)
    # Already Monday morning in Kolkata.
    assert week_start(sunday_night_utc, KOLKATA) == date(2026, 11, 30)
    assert iso_week_label(date(2026, 11, 23)) == "2026-W48"
    assert iso_week_label(date(2027, 1, 1)) == "2026-W53"


def test_each_agreed_date_counts_once() -> None:
    week = NOW - timedelta(days=1)
    items = [
        facts(CommitmentStatus.DONE, events=(("done_on_time", week),), completed_at=week),
        # Noticed when the deadline passed, then finished late: one slip, not two.
        facts(
            CommitmentStatus.DONE,
            events=(("deadline_passed", week), ("done_late", week + timedelta(hours=3))),
            completed_at=week + timedelta(hours=3),
        ),
        # Finished inside the grace period, after the date: a slip all the same.
        facts(CommitmentStatus.DONE, events=(("done_late", week),), completed_at=week),
        # The date fell while the person was away: not a slip.
        facts(CommitmentStatus.AWAITING_RETURN, events=(("deadline_in_absence", week),)),
    ]
    (this_week,) = weekly_figures(items, now=NOW, zone=LONDON, weeks=1)
    assert (this_week.on_time, this_week.slips, this_week.done) == (1, 2, 3)
    assert this_week.on_time_rate == pytest.approx(1 / 3)


def test_a_week_without_dates_has_no_rate_rather_than_zero() -> None:
    weeks = weekly_figures([], now=NOW, zone=LONDON, weeks=3)
    assert [week.week_start for week in weeks] == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert all(week.on_time_rate is None for week in weeks)
    with pytest.raises(ValueError, match="at least 1"):
        weekly_figures([], now=NOW, zone=LONDON, weeks=0)


@pytest.mark.parametrize(
    ("rates", "trend"),
    [
        ([(1, 1), (1, 1), (2, 0), (2, 0)], Trend.IMPROVING),
        ([(2, 0), (2, 0), (1, 1), (0, 1)], Trend.DIPPING),
        ([(1, 0), (1, 0), (1, 0)], Trend.STEADY),
        ([(1, 0), (0, 0), (0, 1)], Trend.NOT_ENOUGH_HISTORY),
    ],
)
def test_the_trend_compares_later_weeks_with_earlier_ones(
    rates: list[tuple[int, int]], trend: Trend
) -> None:
    weeks = [
        WeekFigures(week_start=date(2026, 11, 2) + timedelta(weeks=n), on_time=ok, slips=slips)
        for n, (ok, slips) in enumerate(rates)
    ]
    assert describe_trend(weeks) is trend


def test_a_persons_history_keeps_revisions_and_their_reasons() -> None:
    items = [
        facts(revisions=[revision(NOW - timedelta(days=3), "Legal review takes longer")]),
        facts(
            CommitmentStatus.DONE,
            events=(("done_on_time", NOW - timedelta(days=8)),),
            completed_at=NOW - timedelta(days=8),
        ),
        facts(owner=PRIYA, revisions=[revision(NOW - timedelta(days=1))]),
        # Long before the weeks shown: not counted.
        facts(revisions=[revision(NOW - timedelta(weeks=20))]),
    ]
    history = person_history(SAM, items, now=NOW, zone=LONDON)
    assert [note.reason for note in history.revisions] == ["Legal review takes longer"]
    assert (history.on_time, history.slips, history.open_commitments) == (1, 0, 2)
    assert history.on_time_rate == 1.0
    assert len(history.weeks) == 8
    assert history.trend is Trend.NOT_ENOUGH_HISTORY


def test_standing_groups_commitments_for_the_digest() -> None:
    at_risk = CheckIn(at=NOW - timedelta(days=1), answer=CheckInAnswer.AT_RISK)
    assert standing(facts(check_ins=[at_risk]), NOW) is Standing.AT_RISK
    # A revised plan agreed after the at-risk answer is a fresh start.
    revised = facts(check_ins=[at_risk], revisions=[revision(NOW - timedelta(hours=2))])
    assert standing(revised, NOW) is Standing.ON_TRACK
    assert standing(facts(CommitmentStatus.MISSED), NOW) is Standing.MISSED
    early_talk = facts(CommitmentStatus.IN_CONVERSATION)
    assert standing(early_talk, NOW) is Standing.AT_RISK
    late_talk = facts(CommitmentStatus.IN_CONVERSATION, due=NOW - timedelta(days=1))
    assert standing(late_talk, NOW) is Standing.MISSED
    assert standing(facts(CommitmentStatus.CLARIFYING), NOW) is Standing.BEING_AGREED


def test_the_digest_covers_only_the_managers_own_reports_and_suggests_questions() -> None:
    blocked = CheckIn(at=NOW - timedelta(days=1), answer=CheckInAnswer.BLOCKED)
    items = [
        facts(check_ins=[blocked]),
        facts(owner=PRIYA),
        facts(
            CommitmentStatus.DONE,
            owner=PRIYA,
            completed_at=NOW - timedelta(days=2),
            events=(("done_on_time", NOW - timedelta(days=2)),),
        ),
        facts(
            CommitmentStatus.DONE,
            owner=PRIYA,
            completed_at=NOW - timedelta(days=20),
            events=(("done_on_time", NOW - timedelta(days=20)),),
        ),
        facts(owner=Person(email="elena@example.com", display_name="Elena Rossi"), manager=OMAR),
    ]
    digest = build_digest(MAYA, items, now=NOW, time_zone="Europe/London")
    assert digest.week == "2026-W48"
    assert [item.owner for item in digest.at_risk] == [SAM]
    assert digest.at_risk[0].blocked
    assert [item.owner for item in digest.on_track] == [PRIYA]
    assert len(digest.done) == 1  # done this week only
    assert [suggestion.person for suggestion in digest.support] == [SAM]
    assert "What is standing in the way" in digest.support[0].question
    assert digest.has_news
    assert sum(week.on_time for week in digest.weeks) == 2
    empty = build_digest(OMAR, items[:2], now=NOW, time_zone="Europe/London")
    assert not empty.has_news


def test_several_revisions_or_a_dip_suggest_a_conversation_about_load() -> None:
    revisions = [revision(NOW - timedelta(days=n)) for n in (1, 2)]
    dip = [
        facts(
            CommitmentStatus.DONE,
            owner=PRIYA,
            completed_at=NOW - timedelta(weeks=n),
            events=((("done_on_time" if n > 3 else "deadline_passed"), NOW - timedelta(weeks=n)),),
        )
        for n in range(1, 7)
    ]
    digest = build_digest(
        MAYA, [facts(revisions=revisions), *dip], now=NOW, time_zone="Europe/London"
    )
    by_person = {suggestion.person: suggestion for suggestion in digest.support}
    assert "2 plans were revised this week" in by_person[SAM].reasons
    assert "look at priorities" in by_person[SAM].question
    assert "workload" in by_person[PRIYA].question


def schedule(
    days: tuple[str, ...], start: time, end: time, zone: str = "Europe/London"
) -> PersonSchedule:
    return PersonSchedule(
        time_zone=zone,
        working_hours=WorkingHours.model_validate(
            {"days_of_week": days, "start_time": start, "end_time": end, "time_zone": zone}
        ),
    )


def test_the_default_send_time_is_monday_morning_when_it_fits() -> None:
    office = schedule(WEEKDAYS[:5], time(8), time(17))
    assert default_timing(office, NOW) == DigestTiming(day="monday", at=time(9))
    late_starter = schedule(WEEKDAYS[:5], time(11), time(19))
    assert default_timing(late_starter, NOW) == DigestTiming(day="monday", at=time(11))
    weekend_worker = schedule(("saturday", "sunday"), time(9), time(17))
    assert default_timing(weekend_worker, NOW) == DigestTiming(day="saturday", at=time(9))


def test_a_send_time_fits_only_inside_working_hours() -> None:
    office = schedule(WEEKDAYS[:5], time(9), time(17))
    assert fits_working_hours(DigestTiming(day="tuesday", at=time(16, 30)), office, NOW)
    assert not fits_working_hours(DigestTiming(day="tuesday", at=time(17)), office, NOW)
    assert not fits_working_hours(DigestTiming(day="sunday", at=time(10)), office, NOW)
