"""bench.bytecode compiles the sources as the image does, whatever PYTHONDONTWRITEBYTECODE says."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bytecode import PACKAGES, compile_sources


def test_every_package_and_the_worker_get_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "worker.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert compile_sources(tmp_path)
    for package in PACKAGES:
        assert list((tmp_path / package / "__pycache__").glob("module.*.pyc"))
    assert list((tmp_path / "__pycache__").glob("worker.*.pyc"))


def test_a_file_that_does_not_compile_is_reported(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "workflows" / "broken.py").write_text("def (:\n", encoding="utf-8")
    (tmp_path / "worker.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert not compile_sources(tmp_path)
