"""Time zone names as Microsoft Graph writes them: IANA or Windows.

mailboxSettings may carry either ("Europe/London" or "GMT Standard Time"), depending on how
the mailbox was set up.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import cache, lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator
from tzlocal.windows_tz import tz_win, win_tz

# CLDR's Windows mapping still names some zones by their pre-rename IANA links; people
# reading "Asia/Calcutta" in a message deserve the name their own systems use.
_RENAMED_ZONES = {
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "Europe/Kiev": "Europe/Kyiv",
}


_SANDBOXED_ZONEINFO = (
    "zoneinfo.ZoneInfo is wrapped by Temporal's workflow sandbox, so its zones are not usable "
    "as tzinfo: import the domain package inside workflow.unsafe.imports_passed_through()"
)


@lru_cache(maxsize=1024)
def resolve_zone(name: str) -> ZoneInfo:
    """Turn an IANA or Windows time zone name into a ``ZoneInfo``.

    Args:
        name: e.g. ``"America/Los_Angeles"`` or ``"Pacific Standard Time"``; Windows names
            match regardless of case.

    Returns:
        The zone.

    Raises:
        ValueError: when the name is neither a known IANA nor a known Windows zone.
        RuntimeError: when ``domain`` was imported inside Temporal's workflow sandbox rather
            than passed through it.
    """
    cleaned = name.strip()
    iana = win_tz.get(cleaned) or _windows_names_by_lower_case().get(cleaned.lower())
    try:
        zone = ZoneInfo(_RENAMED_ZONES.get(iana, iana) if iana else cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        # ZoneInfo raises ValueError for keys shaped like paths; both mean "not a zone".
        raise ValueError(f"unknown time zone: {name!r} (neither IANA nor Windows)") from None
    if not issubclass(type(zone), tzinfo):
        raise RuntimeError(_SANDBOXED_ZONEINFO)
    return zone


def windows_name(zone: ZoneInfo | str) -> str:
    """Return the Windows name of a zone, as Graph and Outlook spell it.

    Args:
        zone: a ``ZoneInfo``, an IANA name, or already a Windows name (returned unchanged).

    Returns:
        The Windows name, e.g. ``"Pacific Standard Time"``.

    Raises:
        ValueError: when the zone has no Windows equivalent.
    """
    key = zone.key if isinstance(zone, ZoneInfo) else zone.strip()
    if key in win_tz:
        return key
    windows = tz_win.get(key)
    if windows is None:
        raise ValueError(f"no Windows time zone corresponds to {key!r}")
    return windows


def zone_key(name: str) -> str:
    """Return the IANA name of a zone given by IANA or Windows name.

    Args:
        name: an IANA or Windows zone name.

    Returns:
        The IANA key, e.g. ``"Asia/Kolkata"`` for ``"India Standard Time"``.

    Raises:
        ValueError: when the name is unknown.
    """
    return resolve_zone(name).key


@cache
def _windows_names_by_lower_case() -> dict[str, str]:
    return {windows.lower(): iana for windows, iana in win_tz.items()}


def _iana_name(value: Any) -> Any:
    return zone_key(value) if isinstance(value, str) else value


ZoneName = Annotated[str, BeforeValidator(_iana_name)]
"""A pydantic field type: a zone given by IANA or Windows name, stored as its IANA name."""
