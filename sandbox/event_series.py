"""A recurring event's occurrences, exceptions and cancelled occurrences, as Exchange keeps them.

The store holds the series master (``type: seriesMaster``, with its ``recurrence``) and, in
their own collection, the occurrences that were changed (``type: exception``). Plain
occurrences are never stored: they are made from the master for each date the pattern
gives, at the master's wall-clock start in the recurrence's zone. A cancelled occurrence is
named in the master's ``cancelledOccurrences`` (``OID.<master id>.<date>``, as Graph does) and
no longer appears. Each occurrence has an id of its own that names its master and date, so
``GET``, ``PATCH`` and ``DELETE`` on it work as they do in Graph.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.timezones import resolve_zone
from sandbox.event_times import event_interval, in_zone
from sandbox.recurrence import occurrence_dates

EXCEPTIONS = "eventExceptions"
_ID_PREFIX = "OCC"
ExceptionLookup = Callable[[str], dict[str, Any] | None]


def occurrence_id(master_id: str, day: date) -> str:
    """Return the id of a series' occurrence on a local date (opaque and URL-safe)."""
    raw = f"{master_id}|{day.isoformat()}".encode()
    return _ID_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_occurrence_id(event_id: str) -> tuple[str, date] | None:
    """Return the master id and local date an occurrence id names, or ``None``."""
    if not event_id.startswith(_ID_PREFIX):
        return None
    encoded = event_id[len(_ID_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        master_id, _, day = text.rpartition("|")
        return master_id, date.fromisoformat(day)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def cancelled_name(master_id: str, day: date) -> str:
    """Return how ``cancelledOccurrences`` names a cancelled occurrence."""
    return f"OID.{master_id}.{day.isoformat()}"


def series_zone(master: dict[str, Any]) -> str:
    """Return the zone a series repeats in (its recurrence's, else its start's)."""
    recurrence = master.get("recurrence") or {}
    zone = (recurrence.get("range") or {}).get("recurrenceTimeZone")
    return str(zone or master.get("originalStartTimeZone") or "UTC")


class _Timing:
    """A series' zone, wall-clock start and length, read once for all its occurrences."""

    def __init__(self, master: dict[str, Any]) -> None:
        self.zone = resolve_zone(series_zone(master))
        start, end = event_interval(master)
        self.wall_clock = start.astimezone(self.zone).time()
        self.length = end - start

    def start_on(self, day: date) -> datetime:
        return datetime.combine(day, self.wall_clock, tzinfo=self.zone).astimezone(UTC)


def occurrence_start(master: dict[str, Any], day: date) -> datetime:
    """Return when the series' occurrence on a local date starts, in UTC."""
    return _Timing(master).start_on(day)


def occurrence_of(
    master: dict[str, Any], day: date, timing: _Timing | None = None
) -> dict[str, Any]:
    """Make the plain occurrence of a series on a local date, as Graph answers it."""
    timing = timing or _Timing(master)
    begins = timing.start_on(day)
    occurrence = copy.deepcopy(master)
    occurrence.pop("cancelledOccurrences", None)
    occurrence.update(
        {
            "id": occurrence_id(str(master["id"]), day),
            "type": "occurrence",
            "seriesMasterId": master["id"],
            "recurrence": None,
            "originalStart": begins.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "iCalUId": f"{master['iCalUId']}{day:%Y%m%d}",
            "start": in_zone(begins, None),
            "end": in_zone(begins + timing.length, None),
        }
    )
    return occurrence


def expand(
    master: dict[str, Any],
    window_start: datetime,
    window_end: datetime,
    exceptions: ExceptionLookup,
) -> list[dict[str, Any]]:
    """List a series' occurrences and exceptions that overlap a window, earliest first.

    Args:
        master: the stored series master.
        window_start: the window's start (UTC).
        window_end: the window's end (UTC).
        exceptions: finds a changed occurrence by its id.

    Returns:
        The occurrences, cancelled ones left out.
    """
    timing = _Timing(master)
    # An exception may have moved up to a day either way; look a little past the window.
    until = (window_end + timedelta(days=2)).astimezone(timing.zone).date()
    cancelled = set(master.get("cancelledOccurrences") or [])
    found = []
    for day in occurrence_dates(master["recurrence"], until):
        if cancelled_name(str(master["id"]), day) in cancelled:
            continue
        if timing.start_on(day) + timing.length + timedelta(days=2) < window_start:
            continue
        changed = exceptions(occurrence_id(str(master["id"]), day))
        occurrence = changed if changed is not None else occurrence_of(master, day, timing)
        begins, ends = event_interval(occurrence)
        if begins < window_end and ends > window_start:
            found.append(occurrence)
    found.sort(key=lambda item: event_interval(item)[0])
    return found


def is_occurrence_of(master: dict[str, Any], day: date) -> bool:
    """Whether the series has a (not cancelled) occurrence on a local date."""
    if cancelled_name(str(master["id"]), day) in set(master.get("cancelledOccurrences") or []):
        return False
    return any(found == day for found in occurrence_dates(master["recurrence"], day))
