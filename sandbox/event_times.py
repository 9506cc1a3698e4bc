"""Graph's ``dateTimeTimeZone`` and the ``Prefer: outlook.timezone`` header.

Events keep their times in UTC; a response renders them in the zone the request prefers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from domain.timezones import resolve_zone
from sandbox.errors import GraphError

_LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S.0000000"
_PREFER_ZONE = re.compile(r'outlook\.timezone\s*=\s*"?([^",;]+)"?', re.IGNORECASE)


def _zone_error(name: object) -> GraphError:
    return GraphError(
        400,
        "TimeZoneNotSupportedException",
        "A valid TimeZone value must be specified. The following TimeZone value is not "
        f"supported: '{name}'.",
    )


def _parse_local(text: str) -> datetime:
    # Graph writes seven fractional digits; Python reads at most six.
    whole, dot, fraction = text.strip().partition(".")
    if dot:
        digits = "".join(ch for ch in fraction if ch.isdigit())
        text = f"{whole}.{digits[:6].ljust(6, '0')}{fraction[len(digits) :]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def to_utc(value: object, where: str) -> datetime:
    """Read Graph's ``dateTimeTimeZone`` as an aware UTC instant.

    Args:
        value: ``{"dateTime": "...", "timeZone": "..."}``; a missing zone means UTC.
        where: the property's name, for error messages.

    Returns:
        The instant in UTC.

    Raises:
        GraphError: 400 for a missing or unreadable date-time or an unknown zone.
    """
    if not isinstance(value, dict) or not value.get("dateTime"):
        raise GraphError(
            400, "ErrorInvalidRequest", f"Your request can't be completed. {where} is required."
        )
    zone_name = value.get("timeZone") or "UTC"
    try:
        zone = resolve_zone(str(zone_name))
    except ValueError:
        raise _zone_error(zone_name) from None
    try:
        parsed = _parse_local(str(value["dateTime"]))
    except ValueError:
        raise GraphError(
            400,
            "ErrorInvalidRequest",
            f"The value '{value['dateTime']}' of {where}.dateTime is not a valid date and time.",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def in_zone(at: datetime, zone_name: str | None) -> dict[str, str]:
    """Write an instant as Graph's ``dateTimeTimeZone`` in a zone (UTC when ``None``)."""
    if zone_name is None:
        return {"dateTime": at.astimezone(UTC).strftime(_LOCAL_FORMAT), "timeZone": "UTC"}
    return {
        "dateTime": at.astimezone(resolve_zone(zone_name)).strftime(_LOCAL_FORMAT),
        "timeZone": zone_name,
    }


def preferred_zone(prefer: str | None) -> str | None:
    """Return the zone a ``Prefer: outlook.timezone="..."`` header asks for, if it is known."""
    match = _PREFER_ZONE.search(prefer or "")
    if match is None:
        return None
    name = match.group(1).strip()
    try:
        resolve_zone(name)
    except ValueError:
        return None
    return name


def event_interval(event: dict[str, Any]) -> tuple[datetime, datetime]:
    """Return a stored event's start and end as UTC instants."""
    return to_utc(event["start"], "start"), to_utc(event["end"], "end")


def render(event: dict[str, Any], zone_name: str | None) -> dict[str, Any]:
    """Return an event as Graph answers it, with its times in the asked-for zone."""
    shown = {"@odata.etag": f'W/"{event["changeKey"]}"', **event}
    for field in ("start", "end"):
        if isinstance(event.get(field), dict):
            shown[field] = in_zone(to_utc(event[field], field), zone_name)
    return shown
