"""Checkov's Kubernetes policies over every rendered overlay, run once for all of them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.manifests import DEPLOY, REPO, Rendered

pytestmark = pytest.mark.processes

CHECKOV = REPO / ".tools" / "checkov" / "bin" / "checkov"
SKIPS_FILE = DEPLOY / "checkov-skips.yaml"


def _skips() -> list[dict[str, str]]:
    skips: list[dict[str, str]] = yaml.safe_load(SKIPS_FILE.read_text(encoding="utf-8"))["skips"]
    return skips


def test_every_skipped_check_says_why() -> None:
    for skip in _skips():
        assert skip["id"].startswith("CKV"), skip
        assert len(skip.get("reason", "").split()) >= 8, f"{skip['id']} needs a real reason"


def test_checkov_finds_nothing_in_any_overlay(
    rendered: dict[str, Rendered], tmp_path: Path
) -> None:
    if not CHECKOV.exists():
        pytest.fail("checkov is not installed: `./dev check` installs it under .tools/checkov")
    for overlay, objects in rendered.items():
        (tmp_path / f"{overlay}.yaml").write_text(objects.text, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - a fixed program with arguments of this test
        [
            str(CHECKOV),
            "--directory",
            str(tmp_path),
            "--framework",
            "kubernetes",
            "--skip-check",
            ",".join(skip["id"] for skip in _skips()),
            # Offline: no guideline links or severities from Prisma Cloud.
            "--skip-download",
            "--output",
            "json",
            "--quiet",
            "--compact",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    reports: Any = json.loads(done.stdout) if done.stdout.strip() else None
    assert reports is not None, f"checkov gave no report (exit {done.returncode}):\n{done.stderr}"
    if isinstance(reports, dict):
        reports = [reports]
    failures = [
        f"{check['check_id']} on {check['resource']} ({Path(check['file_path']).stem}): "
        f"{check['check_name']}"
        for report in reports
        for check in report.get("results", {}).get("failed_checks", [])
    ]
    assert not failures, "checkov found:\n" + "\n".join(failures)
    assert sum(report["summary"]["passed"] for report in reports) > 0
