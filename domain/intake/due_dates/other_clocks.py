"""Days read on the clock a deadline names: "by 5pm Pacific on Monday", "9 Uhr Tokioter Zeit".

When the time is set in another zone, so is its day: written on Monday morning in Sydney,
"5pm Pacific on Monday" is Monday in California (still Sunday there), not the Monday a week on
that "Monday" alone would mean in Sydney. Days said from the writer's own day ("tomorrow",
"morgen", "demain", "mañana") stay the writer's: "tomorrow" is the day after theirs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from domain.intake.due_dates.date_phrases import date_spans
from domain.intake.due_dates.foreign_phrases import foreign_date_spans
from domain.intake.due_dates.holidays import is_public_holiday
from domain.intake.due_dates.month_parts import month_part_spans
from domain.intake.due_dates.spans import Kind, Local, Span, TimeValue

# Days counted from the writer's today, in the four languages.
_DEICTIC = re.compile(
    r"\b(?:to(?:day|night|morrow)|tmrw?|tmr|heute|morgen|[üu]bermorgen|demain|aujourd|ce\s+soir"
    r"|ma[ñn]ana|hoy|esta\s+noche)",
    re.IGNORECASE,
)


def is_deictic(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a day counted from the writer's today ("tomorrow")."""
    return _DEICTIC.search(text, start, end) is not None


def _same_clock(first: tzinfo, second: tzinfo) -> bool:
    return str(first) == str(second)


def named_zone(parts: list[Span]) -> tzinfo | None:
    """The zone a merged phrase's time names, when it names one."""
    for part in parts:
        if part.time_value is not None and part.time_value.zone is not None:
            return part.time_value.zone
    return None


def on_their_clock(spans: list[Span], text: str, local: Local) -> list[Span]:
    """Read again, on the named zone's calendar, the days joined to a time in another zone.

    Args:
        spans: the merged phrases (a date with its time in ``extra``).
        text: the text they were found in.
        local: the sender's moment and zone.

    Returns:
        The phrases, their days read where the time is set.
    """
    result: list[Span] = []
    for span in spans:
        zone = named_zone(span.extra)
        dated = any(part.kind == Kind.DATE for part in span.extra)
        if zone is None or not dated or _same_clock(zone, local.zone):
            result.append(span)
            continue
        there = replace(local, now=local.now.astimezone(zone), zone=zone)
        found = {
            (other.start, other.end): other
            for other in (
                *date_spans(text, there),
                *foreign_date_spans(text, there),
                *month_part_spans(text, there),
            )
            if other.kind == Kind.DATE
        }
        parts = [
            found.get((part.start, part.end), part)
            if part.kind == Kind.DATE and not is_deictic(text, part.start, part.end)
            else part
            for part in span.extra
        ]
        result.append(replace(span, extra=parts))
    return result


def time_alone_due(time_value: TimeValue, local: Local) -> datetime:
    """A time without a day ("by 10am New York time"): the next time that clock shows it.

    Once today's has passed it is the next working day's: "bis 10 Uhr" written on a
    Saturday, or on a Friday evening, is Monday's 10:00, since nobody sets a deadline for a
    day off they do not name.
    """
    zone = time_value.zone or local.zone
    today = local.now.astimezone(zone).date()
    due = datetime.combine(today, time_value.at, zone)
    if due <= local.now:
        day = today + timedelta(days=1)
        while day.weekday() >= 5 or is_public_holiday(day, local.region):
            day += timedelta(days=1)
        due = datetime.combine(day, time_value.at, zone)
    return due
