"""The Dockerfile, read statically (no Docker engine runs the tests): what it installs and how."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from tests.deploy.manifests import REPO

COMPILERS = re.compile(r"\b(build-essential|gcc|g\+\+|clang|make|cargo|rustc|python3-dev)\b")


@dataclass
class Stage:
    """One ``FROM`` stage: its name and its instructions (continuation lines joined)."""

    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, instruction: str) -> list[str]:
        """The arguments of every instruction of this kind."""
        return [text for kind, text in self.instructions if kind == instruction]


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


def test_it_builds_in_one_stage_and_runs_in_another() -> None:
    stages = _stages()
    assert len(stages) >= 2
    final = stages[-1]
    copied_from = [a for a in final.args("COPY") if a.startswith("--from=")]
    assert copied_from, "the final stage takes its files from the build stage"


def test_dependencies_come_from_the_lock_with_hashes_as_wheels() -> None:
    build = _stages()[0]
    installs = [run for run in build.args("RUN") if "pip install" in run]
    assert installs
    for install in installs:
        assert "--require-hashes" in install
        assert "--only-binary=:all:" in install
        assert "-r requirements/main.lock" in install


def test_the_final_image_runs_as_a_non_root_user_without_compilers() -> None:
    final = _stages()[-1]
    [user] = final.args("USER")
    uid = user.split(":")[0]
    assert uid.isdigit(), "a numeric uid lets Kubernetes verify runAsNonRoot"
    assert int(uid) >= 10000
    for run in final.args("RUN"):
        assert not COMPILERS.search(run), run
        assert "apt-get install" not in run, "nothing is installed into the final image"
    entrypoint = " ".join(final.args("ENTRYPOINT"))
    assert "accord.cli" in entrypoint


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


def test_the_build_context_holds_every_package_and_nothing_local() -> None:
    ignore = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", "everything is excluded unless listed"
    allowed = {rule.removeprefix("!").rstrip("/") for rule in rules if rule.startswith("!")}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = set(pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["only-include"])
    assert packaged <= allowed
    copied = {
        args.split()[0].rstrip("/")
        for args in _stages()[0].args("COPY")
        if not args.startswith("--")
    }
    assert packaged <= copied
    assert copied <= allowed
