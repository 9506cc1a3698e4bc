"""The alert rules, checked and unit-tested by promtool as the overlays render them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.manifests import OVERLAYS, Rendered

pytestmark = pytest.mark.processes

RULE_TESTS = Path(__file__).parent / "rules" / "accord_test.yaml"


def _promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: `./dev check` installs Debian's 'prometheus' package")
    return found


def _write_rules(rendered: Rendered, directory: Path) -> Path:
    groups = rendered.named("PrometheusRule", "accord")["spec"]["groups"]
    path = directory / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
    return path


def _promtool_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - promtool of this machine on files of this test
        [_promtool(), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_promtool_accepts_the_rules(
    overlay: str, rendered: dict[str, Rendered], tmp_path: Path
) -> None:
    rules = _write_rules(rendered[overlay], tmp_path)

    done = _promtool_run("check", "rules", rules.name, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_fires_and_stays_quiet_when_it_should(
    rendered: dict[str, Rendered], tmp_path: Path
) -> None:
    _write_rules(rendered["production"], tmp_path)
    shutil.copy(RULE_TESTS, tmp_path / RULE_TESTS.name)

    done = _promtool_run("test", "rules", RULE_TESTS.name, cwd=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_has_a_unit_test(rendered: dict[str, Rendered]) -> None:
    groups = rendered["production"].named("PrometheusRule", "accord")["spec"]["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"]}
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    tested = {
        case["alertname"]
        for test in tests
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }

    assert alerts == tested
