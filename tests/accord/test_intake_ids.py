"""The key email intake makes its ids with: set, or derived from the oldest payload key."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from accord.keys.secrets import KeyFileError, intake_id_key, local_key
from accord.settings import AccordSettings, load_settings

OLD_PAYLOAD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_PAYLOAD_KEY = base64.b64encode(b"n" * 32).decode()
ID_KEY = "an intake id key of at least thirty-two bytes"


def test_a_configured_key_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACCORD_INTAKE_ID_KEY", ID_KEY)
    monkeypatch.setenv("ACCORD_DATA_DIR", str(tmp_path))

    assert intake_id_key(load_settings()) == ID_KEY.encode()


def test_a_short_configured_key_is_refused(tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path, intake_id_key="too short")

    with pytest.raises(KeyFileError, match="ACCORD_INTAKE_ID_KEY"):
        intake_id_key(settings)


def test_unset_it_comes_from_the_oldest_payload_key_and_survives_rotation(
    tmp_path: Path,
) -> None:
    before = AccordSettings(data_dir=tmp_path / "a", payload_keys=[OLD_PAYLOAD_KEY])
    # Rotation puts the new payload key first; conversations in flight keep their ids.
    after = AccordSettings(data_dir=tmp_path / "b", payload_keys=[NEW_PAYLOAD_KEY, OLD_PAYLOAD_KEY])

    key = intake_id_key(before)

    assert key == intake_id_key(after)
    assert key != base64.b64decode(OLD_PAYLOAD_KEY)  # derived, not the payload key itself
    assert len(key) == 32
    assert key != intake_id_key(AccordSettings(data_dir=tmp_path, payload_keys=[NEW_PAYLOAD_KEY]))


def test_on_a_laptop_it_comes_from_the_local_payload_key(tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path)

    key = intake_id_key(settings)

    assert key == intake_id_key(settings)
    assert key != local_key(tmp_path, "payload.key")
    assert key != intake_id_key(AccordSettings(data_dir=tmp_path / "elsewhere"))
