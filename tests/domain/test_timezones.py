from zoneinfo import ZoneInfo

import pytest

from domain.timezones import resolve_zone, windows_name, zone_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Europe/London", "Europe/London"),
        ("America/Los_Angeles", "America/Los_Angeles"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("GMT Standard Time", "Europe/London"),
        ("India Standard Time", "Asia/Kolkata"),
        ("  pacific standard time ", "America/Los_Angeles"),
        ("UTC", "Etc/UTC"),
    ],
)
def test_resolves_iana_and_windows_names(name: str, key: str) -> None:
    assert resolve_zone(name) == ZoneInfo(key)
    assert zone_key(name) == key


@pytest.mark.parametrize("name", ["", "Mars/Olympus_Mons", "Nowhere Standard Time", "/etc/passwd"])
def test_unknown_names_raise_a_clear_error(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        resolve_zone(name)


def test_windows_name_reverses_the_mapping() -> None:
    assert windows_name(ZoneInfo("America/Los_Angeles")) == "Pacific Standard Time"
    assert windows_name("Europe/London") == "GMT Standard Time"
    assert windows_name("Asia/Kolkata") == "India Standard Time"
    assert windows_name("Pacific Standard Time") == "Pacific Standard Time"


def test_windows_name_of_an_unmapped_zone_raises() -> None:
    with pytest.raises(ValueError, match="no Windows time zone"):
        windows_name("Not/AZone")
