"""Due dates from words: "by Friday", "EOD 3 Dec", "within two weeks", "3/12", "next Tuesday 2pm".

Every phrase is read in the sender's time zone, relative to the moment the email was sent.
A date without a time gets the sender's end of working day. The rules and their reasons are
in docs/intake.md ("Due dates").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from domain.intake.due_dates.calendar_words import MONTH_FIRST_REGIONS, MONTH_FIRST_ZONE_PREFIXES
from domain.intake.due_dates.counted_on import counted_on_spans
from domain.intake.due_dates.date_phrases import date_spans
from domain.intake.due_dates.day_parts import day_part_hour_spans
from domain.intake.due_dates.days_off import days_off_spans
from domain.intake.due_dates.events import event_before_day, event_between
from domain.intake.due_dates.foreign_phrases import foreign_date_spans
from domain.intake.due_dates.holidays import region_for
from domain.intake.due_dates.month_parts import month_part_spans
from domain.intake.due_dates.offsets import offset_day, offsets_in
from domain.intake.due_dates.other_clocks import is_deictic, on_their_clock, time_alone_due
from domain.intake.due_dates.own_plans import follows_from, in_own_plan
from domain.intake.due_dates.period_ends import period_end_clause_spans
from domain.intake.due_dates.spans import DateValue, Kind, Local, Span, TimeValue
from domain.intake.due_dates.time_phrases import time_spans, zone_after
from domain.intake.due_dates.time_ranges import closes_a_range
from domain.intake.due_dates.week_days import week_day_spans
from domain.intake.models import DueParse
from domain.timezones import resolve_zone

# How strongly the words before a date make it a deadline: "by Friday" beats "for January".
_STRONG_CUE = re.compile(
    r"(?:\bby|\bbefore|\bdue(?:\s+(?:on|by|date|at))?:?|\bdeadline(?:\s+(?:is|of))?:?|\buntil"
    r"|\btill|\bno\s+later\s+than|\bnot\s+later\s+than|\bon\s+or\s+before|\bahead\s+of"
    r"|\bprior\s+to|\bneeded|\bdue\s+to\s+\w+(?:\s+\w+)?\s+on|\b(?:target|due|end)\s+date\s*:?"
    r"|\beta\s*:"
    # German, French and Spanish: "bis Freitag", "d'ici vendredi", "para el viernes".
    r"|\bbis(?:\s+(?:zum|zur|spätestens|spaetestens))?|\bspätestens(?:\s+(?:bis|am))?"
    r"|\bvor(?:\s+dem)?|\bd['\u2019]ici(?:\s+(?:à|au))?|\bavant(?:\s+(?:le|la))?"
    r"|\bjusqu['\u2019](?:à|au)"
    r"|\bau\s+plus\s+tard(?:\s+(?:le|pour))?|\bpour(?:\s+le)?|\bpara(?:\s+(?:el|la))?"
    r"|\bantes\s+del?|\ba\s+m[áa]s\s+tardar(?:\s+el)?|\bhasta(?:\s+el)?"
    r"|\bf[äa]llig(?:\s+(?:am|bis))?|\b(?:frist|termin|[ée]ch[ée]ance|plazo|date\s+limite"
    r"|fecha\s+l[íi]mite)\s*:?"
    # "à rendre le 9", "abzugeben am 9.", "vence el día 9": words saying when work is due.
    r"|\bà\s+(?:rendre|remettre|livrer)|\babzugeben(?:\s+(?:am|bis))?|\beinzureichen"
    r"|\bvence|\bvencimiento|\ba\s+entregar|\bse\s+entrega)"
    # "spätestens um 16 Uhr", "by at 3pm": a time's own word may follow the deadline word.
    r"\s*(?:(?:the|le|la|el|den|dem|l['\u2019])\s*)?(?:d[íi]a\s*)?(?:(?:um|at)\s+)?$",
    re.IGNORECASE,
)
# The words that make a span of time a limit: "within", "innerhalb", "sous", "dentro de".
_LIMIT_LEAD = re.compile(
    r"(?:within|inside(?:\s+of)?|innerhalb|innert|binnen|sous|dentro\s+de)\s", re.IGNORECASE
)
_WEAK_CUE = re.compile(
    r"(?:\bfor|\bon|\bready|\bwrapped\s+up|\bdone|\bcomplete[d]?|\bfinished|\bsay|\baim\s+for"
    r"|\btarget(?:ing)?:?|\beta:?|\bgoal:?|\bwithin|\bat\s+some\s+point(?:\s+in)?|\bsome\s*time(?:\s+in)?"
    r"|\bduring|\blater|\b(?:needs?|has|have)\s+to\s+(?:go\s+out|be\s+(?:done|ready|sent|out"
    r"|finished|live)|happen|ship|land)(?:\s+\w+){0,2}|\bam|\ble|\bel|\bf[üu]r|\bfertig)"
    r"\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_AFTER_CUE = re.compile(
    r"^\s*(?:,\s*)?(?:at\s+the\s+latest|latest|sharp|(?:is|as)\s+(?:the|our|a|my)\s+"
    r"(?:deadline|due\s+date|cut-?off)|is\s+when\s+i\s+need|hard\s+stop)\b",
    re.IGNORECASE,
)
# "Next Wednesday works", "Freitag passt", "el jueves me va bien": a date offered as the time.
_WEAK_AFTER_CUE = re.compile(
    r"^\s*(?:works|would\s+work|is\s+fine|would\s+be\s+fine|suits|is\s+ok(?:ay)?|is\s+good"
    r"|passt|reicht|ça\s+(?:marche|me\s+va|ira)|me\s+convient|(?:me\s+)?va\s+bien"
    r"|(?:me\s+)?sirve|est[áa]\s+bien)\b(?!\s+(?:nicht|not|pas|no)\b)",
    re.IGNORECASE,
)
_HARD_LIMIT = re.compile(
    r"^\s*,?\s*(?:at\s+the\s+(?:very\s+)?latest|latest|hard\s+stop|no\s+later"
    r"|(?:aller)?sp[äa]testens|au\s+plus\s+tard|dernier\s+d[ée]lai|a\s+m[áa]s\s+tardar"
    # "como tarde", "a lo más tarde": the Spanish of the Americas for "at the latest".
    r"|como\s+(?:muy\s+)?tarde|a\s+lo\s+m[áa]s\s+tarde"
    r"|sin\s+falta)\b",
    re.IGNORECASE,
)
# "viernes a mediodía. Sin falta.", "Friday noon. No later.": the limit said as a fragment of
# its own, right after the sentence with the date.
_HARD_LIMIT_FRAGMENT = re.compile(
    r"^\s*[.;!]\s*(?:at\s+the\s+(?:very\s+)?latest|no\s+later|(?:aller)?sp[äa]testens"
    r"|au\s+plus\s+tard|dernier\s+d[ée]lai|a\s+m[áa]s\s+tardar|como\s+(?:muy\s+)?tarde"
    r"|a\s+lo\s+m[áa]s\s+tarde|sin\s+falta|sans\s+faute"
    r"|ohne\s+ausnahme)\s*(?:[,.!;]|$)",
    re.IGNORECASE,
)
_SOFT_LIMIT = re.compile(
    r"^\s*,?\s*(?:if\s+(?:possible|you\s+can)|ideally|would\s+be\s+(?:great|nice|ideal)"
    r"|at\s+the\s+earliest)\b",
    re.IGNORECASE,
)
_SENTENCE_CUE = re.compile(
    r"\b(?:deadline|due\s+date|cut-?off|frist|abgabetermin|[ée]ch[ée]ance|date\s+limite|plazo"
    r"|fecha\s+l[íi]mite)\b"
    r"|\bdue\b(?!\s+to\s+(?:the|a|an|our|your|their|this|that|it|an?)\b)",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"[.!?\n]\s*(?=[^.!?\n]*$)")


def _without_overlaps(spans: list[Span]) -> list[Span]:
    # Leftmost-longest wins: "EOD 3 Dec" keeps "3 Dec" whole rather than "3" and "Dec".
    # Sorted by start, a span can only overlap the last one kept.
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda item: (item.start, -(item.end - item.start))):
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return chosen


# The words that tie a time to its date in the four languages: "Friday at 3pm", "Freitag um
# 15 Uhr", "vendredi à midi", "el viernes en la tarde", "lundi (10h)".
_AT = (
    r"(?:at|by|before|around|in|um|gegen|bis|vor|à|vers|avant|dès|en|hacia|sobre|antes\s+del?|para"
    r"|hasta|al)"
)
# Matched in full against a stripped gap: "\s*(...)?\s*$" would backtrack quadratically
# over a long run of spaces.
_JOIN_AFTER_DATE = re.compile(
    r"(?:,|@|-|\(|latest|(?:,\s*)?(?:" + _AT + r"|between|from|entre|zwischen|von)"
    r"(?:\s+(?:the|la|las|el))?"
    # "zwischen 14 und 16 Uhr", "entre 14 et 16h": the range's opening hour written bare.
    r"(?:\s+\d{1,2}(?:[:.h]\d{2})?\s*(?:and|to|et|à|und|bis|y|-|\u2013))?)?",
    re.IGNORECASE,
)
_JOIN_BEFORE_DATE = re.compile(
    r"(?:,|-|(?:,\s*)?(?:on|this|am|le|el|del|de|du|ce|este|diesen|dieser|kommenden))?",
    re.IGNORECASE,
)
# "Tuesday 26 Jan", "Montag, den 12. Januar", "lundi, le 14 décembre", "el lunes, 12 de enero".
_JOIN_DATES = re.compile(r"(?:,|the|(?:,\s*)?(?:den|dem|le|el|the))?", re.IGNORECASE)


def _joins(first: Span, second: Span, text: str) -> bool:
    gap = text[first.end : second.start].strip()
    if len(gap) > 20:
        return False
    kinds = (first.kind, second.kind)
    return bool(
        (
            kinds == (Kind.DATE, Kind.TIME)
            and _JOIN_AFTER_DATE.fullmatch(gap)
            # "la liste du pot de fin d'année avant midi demain": a period naming a thing
            # ("end-of-year drinks") leaves the time to the day after it.
            and not _genitive_period(text, first)
        )
        or (kinds == (Kind.TIME, Kind.DATE) and _JOIN_BEFORE_DATE.fullmatch(gap))
        or (
            kinds == (Kind.DATE, Kind.DATE)
            and _JOIN_DATES.fullmatch(gap)
            # "the weekend's report, tomorrow first thing": a day counted from today is never
            # the same date written twice, as "Tuesday 26 Jan" is.
            and not any(is_deictic(text, part.start, part.end) for part in (first, second))
            and not _genitive_period(text, first)
        )
    )


def _opens_its_own_phrase(spans: list[Span], index: int, text: str) -> bool:
    """Whether a time after a date starts a phrase with the day after it.

    "the notes from the end of the quarter by noon tomorrow": a deadline word before the
    time, and a day right after it, make "by noon tomorrow" one phrase of its own.
    """
    time_span = spans[index]
    if time_span.kind != Kind.TIME or index == 0 or index + 1 >= len(spans):
        return False
    after = spans[index + 1]
    gap_before = text[spans[index - 1].end : time_span.start]
    return (
        after.kind == Kind.DATE
        and not text[time_span.end : after.start].strip()
        and (
            _STRONG_CUE.search(gap_before.rstrip()) is not None
            or _LEADING_CUE.match(text, time_span.start) is not None
        )
    )


def _combine(spans: list[Span], text: str) -> list[Span]:
    """Merge adjacent date and time parts into one span.

    "Friday 3pm", "noon tomorrow", "Tuesday 26 Jan at 3pm" (two dates and a time at most),
    and a date with its event's time ("Monday's board meeting (10am)").
    """
    merged: list[Span] = []
    index = 0
    while index < len(spans):
        group = [spans[index]]
        event = ""
        index += 1
        while index < len(spans):
            following = spans[index]
            dates = sum(1 for part in group if part.kind == Kind.DATE)
            times = sum(1 for part in group if part.kind == Kind.TIME)
            if following.kind == Kind.DATE and dates >= 2:
                break
            if following.kind == Kind.TIME and closes_a_range(text, group[-1], following):
                # "demain entre 14h et 16h": the range's close is the time.
                group[-1] = following
                index += 1
                continue
            if following.kind == Kind.TIME and times >= 1:
                break
            if _opens_its_own_phrase(spans, index, text):
                break
            if _joins(group[-1], following, text):
                group.append(following)
                index += 1
                continue
            found = event_between(group[-1], following, text)
            if found is None:
                break
            event = found
            group.append(following)
            index += 1
        if len(group) == 1:
            merged.append(group[0])
        else:
            merged.append(Span(group[0].start, group[-1].end, "pair", extra=group, event=event))
    return merged


@dataclass
class _Candidate:
    start: int
    end: int
    due: datetime
    alternatives: list[datetime]
    ambiguous: bool
    cue: int
    anchor: str = ""

    @property
    def cued(self) -> bool:
        return self.cue > 0


def _resolve(span: Span, text: str, local: Local) -> _Candidate | None:
    parts = span.extra or [span]
    dates = [part.date_value for part in parts if part.date_value is not None]
    times = [part.time_value for part in parts if part.time_value is not None]
    time_value = times[0] if times else None
    ambiguous = False
    extra_readings: list[date] = []
    if len(dates) == 2:
        # "Friday 4 Dec": the explicit date wins; a weekday that disagrees makes it unclear.
        weekday_value, explicit = dates if dates[0].roll is not None else dates[::-1]
        if explicit.readings and weekday_value.readings:
            weekday = weekday_value.readings[0].weekday()
            agreeing = [day for day in explicit.readings if day.weekday() == weekday]
            if agreeing:
                # "Tue 2/9", "jeudi 17": the weekday confirms the date, so it needs no other
                # cue, and it tells which reading of a numeric date is meant.
                explicit = replace(explicit, readings=agreeing, needs_cue=False, ambiguous=False)
            else:
                ambiguous = True
                extra_readings = weekday_value.readings[:1]
        date_value = explicit
    elif dates:
        date_value = dates[0]
    else:
        date_value = None
    cue = _cue_strength(text, span)
    if cue < 0:
        return None
    if cue < 2 and _cue_before_its_time(text, parts):
        cue = 2
    elif cue == 0 and _day_and_time_closing(text, span, dates, time_value):
        cue = 1
    named = event_before_day(text, span) if date_value is not None else None
    if named is not None:
        # The event's day is the deadline's; with its time given it is the event's start.
        event, strong = named
        cue = max(cue, 2 if strong and time_value is not None else 1)
        if time_value is not None and not span.event:
            span = replace(span, event=event)
    if span.event and time_value is not None and cue > 0:
        # The event's start, given with its time, is as precise as a deadline gets.
        cue = max(cue, 2)
    cued = cue > 0
    if date_value is not None:
        if date_value.self_cued or (time_value is not None and time_value.self_cued):
            cue, cued = max(cue, 1), True
        if date_value.self_cued and _LIMIT_LEAD.match(text, span.start):
            # "within three working days" sets a limit as firmly as "by": it outranks a
            # subject's "before year end".
            cue = 2
        if date_value.needs_cue and not cued:
            return None
        if date_value.weak_only and not span.event:
            # A possessive weekday names an event: weak, unless the event's time is given.
            cue = min(cue, 1)
        if date_value.exact is not None and time_value is None:
            exact = date_value.exact
            return _Candidate(span.start, span.end, exact, [], False, max(cue, 1))
        default = date_value.default_time or local.day_end
        at, zone = (time_value.at, time_value.zone) if time_value else (default, None)
        readings = [_at(reading, at, zone or local.zone) for reading in date_value.readings]
        if date_value.roll is not None and readings[0] <= local.now:
            rolled = date_value.roll(date_value.readings[0])
            readings = [_at(rolled, at, zone or local.zone)]
        readings += [_at(reading, at, zone or local.zone) for reading in extra_readings]
        ambiguous = ambiguous or date_value.ambiguous
        anchor = _anchor(span, text, date_value, time_value)
        if date_value.ambiguous and len(readings) > 1 and not extra_readings:
            year_ahead = local.now + timedelta(days=365)
            plausible = [reading for reading in readings if local.now < reading <= year_ahead]
            if len(plausible) == 1:
                return _Candidate(span.start, span.end, plausible[0], [], False, cue, anchor)
            if all(reading <= local.now for reading in readings):
                # Every reading is past: the date needs fixing whichever was meant.
                return _Candidate(span.start, span.end, readings[0], [], False, cue, anchor)
        return _Candidate(span.start, span.end, readings[0], readings[1:], ambiguous, cue, anchor)
    if time_value is None or time_value.joined_only:
        return None
    # A time alone ("by 3pm", "EOD") is today's, or tomorrow's once it has passed.
    if time_value.self_cued:
        cue = max(cue, 1)
    if not cue:
        return None
    return _Candidate(span.start, span.end, time_alone_due(time_value, local), [], False, cue)


def _zoned_after_day(spans: list[Span], text: str) -> list[Span]:
    """Give a time the clock named after its day: "by midday Friday UK time", "3pm Monday ET"."""
    result: list[Span] = []
    for span in spans:
        times = [part for part in span.extra if part.kind == Kind.TIME]
        found = (
            zone_after(text, span.end) if span.extra and span.extra[-1].kind == Kind.DATE else None
        )
        if found is None or len(times) != 1 or times[0].time_value is None:
            result.append(span)
            continue
        zone, end = found
        if times[0].time_value.zone is None:
            timed = replace(times[0], time_value=replace(times[0].time_value, zone=zone))
            extra = [timed if part is times[0] else part for part in span.extra]
            span = replace(span, end=end, extra=extra)
        result.append(span)
    return result


# What closes a clause right after a phrase; and the words before a day that make it a thing
# named ("the Friday lunch at noon", "our Monday 9am call"), not a time set.
_CLOSES_CLAUSE = re.compile(r"\s*(?:[?!.;]|,\s|$)")
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|our|your|their|his|her|my|this|that|every|each|der|die|das|den|dem|des"
    r"|unser\w*|le|la|les|ce|cette|notre|votre|el|los|las|nuestr\w+|cada|jeden|chaque)\s+$",
    re.IGNORECASE,
)


def _day_and_time_closing(
    text: str, span: Span, dates: list[DateValue], time_value: TimeValue | None
) -> bool:
    """Whether a day with its time closes the clause without a cue ("the figures, Thursday noon").

    Said that way the day and time are when the thing is wanted, a weak deadline; a day named
    after a determiner ("the Friday lunch at noon") is a thing, and one inside the clause
    ("Thursday at 3pm we meet") a mention.
    """
    if not dates or time_value is None or time_value.self_cued or not span.extra:
        return False
    if _DETERMINER_BEFORE.search(text[max(0, span.start - 12) : span.start]):
        return False
    return _CLOSES_CLAUSE.match(text, span.end) is not None


def _cue_before_its_time(text: str, parts: list[Span]) -> bool:
    """Whether a deadline word sits between a day and its time: "tomorrow by 10am"."""
    for previous, part in itertools.pairwise(parts):
        if part.kind != Kind.TIME:
            continue
        gap = text[previous.end : part.start]
        if _STRONG_CUE.search(gap) or _LEADING_CUE.match(text, part.start):
            return True
    return False


def _anchor(span: Span, text: str, date_value: DateValue, time_value: TimeValue | None) -> str:
    """How an event or a holiday set the date, in words for the confirmation."""
    if span.event and time_value is not None:
        date_part = next((part for part in span.extra if part.kind == Kind.DATE), span)
        date_words = " ".join(text[date_part.start : date_part.end].split())
        label = (
            f"{date_words} {span.event}"
            if date_words.endswith(("'s", "\u2019s"))
            else f"{span.event} on {date_words}"
        )
        return f"when {label} starts ({time_value.at:%H:%M})"
    if date_value.anchor:
        return date_value.anchor
    return ""


_SAME_SENTENCE = re.compile(r"[^.!?\n]*")
_SPAN_OF_TIME = re.compile(
    r"\b(?:hours?|days?|weeks?|months?|stunden?|tage?n?|wochen?|monate?n?|heures?|jours?"
    r"|semaines?|mois|horas?|d[íi]as?|semanas?|mes(?:es)?)\W*$",
    re.IGNORECASE,
)
_RANGE_TO = re.compile(
    r"\s*(?:to|till|until|through|-|\u2013|bis|au|jusqu['\u2019]au|al|a|hasta\s+el)\s*",
    re.IGNORECASE,
)


def _apply_offsets(candidates: list[_Candidate], text: str, local: Local) -> list[_Candidate]:
    """Read deadlines set from another date: "two days before the kickoff on Jan 20".

    The other date (the anchor) follows in the same sentence or precedes within 200
    characters ("we present on 12 January, so a draft the Friday before"); it then stays only
    as context.
    """
    result = list(candidates)
    for offset in offsets_in(text):
        inside = [c for c in result if c.start < offset.end and c.end > offset.start]
        others = [c for c in result if c not in inside]
        rest_of_sentence = _SAME_SENTENCE.match(text, offset.end)
        sentence_end = offset.end + (len(rest_of_sentence.group(0)) if rest_of_sentence else 0)
        after = [c for c in others if offset.end <= c.start <= sentence_end]
        before = [c for c in others if offset.start - 200 <= c.end <= offset.start]
        anchor = after[0] if after else (before[-1] if before else None)
        if anchor is None or _SPAN_OF_TIME.search(text, anchor.start, anchor.end):
            # "sometime in the next three weeks, and tell everyone a day ahead": a span of time
            # is no day to count back from.
            continue
        if (
            not after
            and len(before) > 1
            and _RANGE_TO.fullmatch(text[before[-2].end : anchor.start])
        ):
            # "Golden Week (29 April to 5 May) ... a week before it starts": before a span of
            # days is before its first.
            others.remove(anchor)
            anchor = before[-2]
        day = offset_day(anchor.due.astimezone(local.zone).date(), offset)
        if day is None:
            continue
        due = _at(day, local.day_start if offset.first_thing else local.day_end, local.zone)
        demoted = _Candidate(anchor.start, anchor.end, anchor.due, [], anchor.ambiguous, 0)
        result = [demoted if c is anchor else c for c in others]
        end = anchor.end if after else offset.end
        if after:
            result.remove(demoted)
        result.append(_Candidate(offset.start, end, due, [], anchor.ambiguous, 2))
    return sorted(result, key=lambda candidate: candidate.start)


def _own_plans_last(candidates: list[_Candidate], text: str, now: datetime) -> list[_Candidate]:
    """Set no deadline by the writer's own next step ("so I can close it before Friday").

    Only when another date, still to come, falls before the plan's: the work then arrives
    in time for the plan ("send it tomorrow at 3, so I can close the month before Friday").
    A plan naming the only date ("so we can send it to the client by Friday"), or only a
    later or a past one beside it ("thanks for Monday's meeting"), is still the best reading
    of when the work is wanted.
    """
    planned = [in_own_plan(text, candidate.start) for candidate in candidates]
    others = [candidate for candidate, plan in zip(candidates, planned, strict=True) if not plan]
    return [
        replace(candidate, cue=0)
        if plan and any(now < other.due < candidate.due for other in others)
        else candidate
        for candidate, plan in zip(candidates, planned, strict=True)
    ]


def _consequences_first(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """Rank a deadline said as a consequence above the date that causes it.

    "Vence el 15, así que déjalo listo para el viernes 10": the date after "so" is the one
    set for the work; the first (the cause) stays, one step weaker.
    """
    result = sorted(candidates, key=lambda candidate: candidate.start)
    for index, later in enumerate(result):
        if not later.cued:
            continue
        # Only the date just before, in the same sentence, can be the cause.
        earlier_index = index - 1
        if earlier_index < 0:
            continue
        earlier = result[earlier_index]
        if later.cue >= earlier.cue and follows_from(text, earlier.end, later.start):
            # A weaker word after "so" ("..., so please confirm on Monday") leaves it be.
            result[earlier_index] = replace(earlier, cue=max(0, later.cue - 1))
    return result


def _later_of_alternatives(candidates: list[_Candidate], text: str) -> list[_Candidate]:
    """In "tonight or first thing tomorrow" the later time is the deadline."""
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda item: item.start):
        if kept and re.fullmatch(r"\s*,?\s*or\s*", text[kept[-1].end : candidate.start]):
            earlier = kept.pop()
            later = candidate if candidate.due >= earlier.due else earlier
            candidate = _Candidate(
                earlier.start,
                candidate.end,
                later.due,
                later.alternatives,
                later.ambiguous,
                max(earlier.cue, candidate.cue),
            )
        kept.append(candidate)
    return kept


_START_CUE = re.compile(
    r"(?:\bfrom|\bstarting(?:\s+on)?|\bbeginning(?:\s+on)?|\bas\s+of|\beffective(?:\s+on)?"
    r"|\bafter|\bsince|\bab|\bseit|\bà\s+partir\s+d[eu]|\bdès|\bdepuis|\ba\s+partir\s+del?"
    r"|\bdesde)\s*(?:the\s+)?$",
    re.IGNORECASE,
)


# A noun's time, not a deadline: "el informe del fin de semana", "le bilan de fin de mois",
# "der Bericht vom Wochenende", "the weekend's figures": a period's end after a genitive.
_GENITIVE = re.compile(
    r"(?:\w\s+(?:del|de\s+la|du|de|des|vom|von\s+der|of\s+the))\s*$", re.IGNORECASE
)
_PERIOD_END_WORDS = re.compile(r"(?:fin|ende|end|wochenende|week-?end)\b", re.IGNORECASE)


def _genitive_period(text: str, span: Span) -> bool:
    before = text[max(0, span.start - 40) : span.start]
    return bool(_GENITIVE.search(before) and _PERIOD_END_WORDS.match(text, span.start))


_LEADING_CUE = re.compile(r"(?:avant|jusqu['\u2019]à|antes\s+de|hasta|para)(?=\s)", re.IGNORECASE)


def _cue_strength(text: str, span: Span) -> int:
    """How strongly the words around a date make it a deadline.

    2 for a deadline word ("by", "due", "at the latest"), 1 for a weaker one, 0 for none, -1
    for a start ("from next month", "starting Monday"), which is never a deadline.
    """
    # A time may carry its own deadline word: "avant 10h le lundi", "antes de las 10".
    lead = _LEADING_CUE.match(text, span.start)
    before = text[max(0, span.start - 40) : lead.end() if lead else span.start]
    after = text[span.end : span.end + 40]
    if _START_CUE.search(before):
        return -1
    if _HARD_LIMIT.match(after) or _HARD_LIMIT_FRAGMENT.match(after):
        # "By Friday if possible, Monday at the latest": the hard limit is the deadline.
        return 3
    if _SOFT_LIMIT.match(after):
        return 1
    if _STRONG_CUE.search(before) or _AFTER_CUE.match(after):
        return 2
    if _genitive_period(text, span):
        return -1
    sentence = text[max(0, span.start - 200) : span.start]
    boundary = _SENTENCE_START.search(sentence)
    if _SENTENCE_CUE.search(sentence[boundary.end() :] if boundary else sentence):
        return 2
    return 1 if _WEAK_CUE.search(before) or _WEAK_AFTER_CUE.match(after) else 0


def _at(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at, zone)


def _month_first(zone_name: str, locale: str = "") -> tuple[bool, bool]:
    """Whether the writer puts the month first, and whether that is sure.

    A mailbox locale with a region ("en-US", "en-GB") says how its owner writes dates; the
    zone is the fallback. When both say the same (an ``en-US`` mailbox in New York, ``en-GB``
    in London) the order is sure and "3/4" has one reading; a default ``en-US`` mailbox in
    London leaves it open.
    """
    by_zone = zone_name.startswith(MONTH_FIRST_ZONE_PREFIXES)
    parts = locale.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[1]) == 2:
        by_locale = parts[1].upper() in MONTH_FIRST_REGIONS
        return by_locale, by_locale == by_zone
    return by_zone, False


def _local(
    sent_at: datetime,
    time_zone: str,
    working_day_end: time,
    working_day_start: time,
    locale: str = "",
    region: str = "",
) -> Local:
    try:
        zone = resolve_zone(time_zone)
        key = zone.key
    except ValueError:
        zone, key = resolve_zone("UTC"), "UTC"
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    month_first, order_sure = _month_first(key, locale)
    return Local(
        now=sent_at.astimezone(zone),
        zone=zone,
        day_end=working_day_end,
        day_start=working_day_start,
        month_first=month_first,
        region=region_for(region, locale, key),
        order_sure=order_sure,
    )


_CUE_WORDS = re.compile(
    r"(?:\b(?:by|before|due(?:\s+(?:on|by|date|at))?:?|deadline(?:\s+(?:is|of))?:?|until|till"
    r"|no\s+later\s+than|on\s+or\s+before|on|for|at|bis(?:\s+(?:zum|zur))?|spätestens|vor|am"
    r"|d['\u2019]ici|avant|pour|para|antes\s+del?|hasta|el|le|jusqu['\u2019](?:à|au)|vence"
    r"|f[äa]llig(?:\s+am)?)\s+(?:the\s+|le\s+|el\s+|la\s+)?(?:d[ií]a\s+)?)$",
    re.IGNORECASE,
)


def find_due_dates(
    text: str,
    *,
    sent_at: datetime,
    time_zone: str,
    working_day_end: time = time(17, 0),
    working_day_start: time = time(9, 0),
    require_cue: bool = False,
    locale: str = "",
    region: str = "",
) -> list[DueParse]:
    """Return every due date the text mentions, cued ones ("by", "before", "due") first.

    Args:
        text: any text.
        sent_at: when it was written (aware).
        time_zone: the writer's zone, IANA or Windows name (unknown: UTC).
        working_day_end: the time a bare date means.
        working_day_start: the time "first thing" or "by next week" means.
        require_cue: keep only dates introduced by a deadline word or that are deadlines by
            themselves ("EOD", "within two weeks").
        locale: the writer's mailbox locale ("en-US"): month-first numeric dates or not,
            and the region for holiday names.
        region: the writer's country code, for holiday names (default: from the locale,
            then the zone).

    Returns:
        The readings, in order of preference.
    """
    local = _local(sent_at, time_zone, working_day_end, working_day_start, locale, region)
    spans = _without_overlaps(
        [
            *date_spans(text, local),
            *foreign_date_spans(text, local),
            *month_part_spans(text, local),
            *week_day_spans(text, local),
            *counted_on_spans(text, local),
            *days_off_spans(text, local),
            *period_end_clause_spans(text, local),
            *time_spans(text, local),
            *day_part_hour_spans(text),
        ]
    )
    candidates = [
        candidate
        for span in on_their_clock(_zoned_after_day(_combine(spans, text), text), text, local)
        if (candidate := _resolve(span, text, local)) is not None
    ]
    candidates = _later_of_alternatives(_apply_offsets(candidates, text, local), text)
    # "so I can close it before the weekend": the writer's next step is no deadline.
    candidates = _consequences_first(_own_plans_last(candidates, text, local.now), text)
    if require_cue:
        candidates = [candidate for candidate in candidates if candidate.cued]
    candidates.sort(key=lambda candidate: (-candidate.cue, candidate.ambiguous, candidate.start))
    results = []
    for candidate in candidates:
        cue = _CUE_WORDS.search(text[max(0, candidate.start - 30) : candidate.start])
        start = candidate.start - (len(cue.group(0)) if cue else 0)
        end = candidate.end
        if text.count("(", start, end) > text.count(")", start, end) and text[end:].startswith(")"):
            end += 1  # "lundi (10h)": the bracket the time opened closes with it.
        words = " ".join(text[start:end].split()).rstrip(".,;")
        due = candidate.due.astimezone(UTC)
        results.append(
            DueParse(
                due=due,
                text=words,
                ambiguous=candidate.ambiguous,
                alternatives=[other.astimezone(UTC) for other in candidate.alternatives],
                in_past=due <= local.now,
                strength=candidate.cue,
                anchor=candidate.anchor,
            )
        )
    return results


def parse_due(
    text: str,
    *,
    sent_at: datetime,
    time_zone: str,
    working_day_end: time = time(17, 0),
    working_day_start: time = time(9, 0),
    locale: str = "",
    region: str = "",
) -> DueParse | None:
    """Read the due date a text sets, in the writer's zone and relative to when they wrote.

    Understands weekdays ("by Friday", "next Tuesday 2pm"), relative days ("tomorrow noon"),
    period ends ("end of next week", "EOM"), durations ("within two weeks"), day-of-month
    ("by the 15th"), named dates ("EOD 3 Dec", "December 3rd"), ISO dates and numeric dates
    ("3/12", read day- or month-first by the writer's zone; ambiguous unless only one reading
    lies in the coming year). A date without a time means ``working_day_end``.

    Args:
        text: the words, e.g. an email's text or a reply such as "Friday 3pm".
        sent_at: when the words were written (aware; naive is taken as UTC).
        time_zone: the writer's zone, IANA or Windows name; an unknown one reads as UTC.
        working_day_end: the time a bare date means.
        working_day_start: the time "first thing" or "by next week" means.
        locale: the writer's mailbox locale, e.g. ``de-DE`` (see :func:`find_due_dates`).
        region: the writer's country code, for holiday names.

    Returns:
        The preferred reading (a date introduced by "by", "before", "due" and the like wins
        over one merely mentioned), or ``None`` when the text names no date.
    """
    found = find_due_dates(
        text,
        sent_at=sent_at,
        time_zone=time_zone,
        working_day_end=working_day_end,
        working_day_start=working_day_start,
        locale=locale,
        region=region,
    )
    return found[0] if found else None
