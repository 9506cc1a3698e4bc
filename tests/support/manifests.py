"""Rendering the kustomize overlays under deploy/ with the kubectl from the environment."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
OVERLAYS = sorted(path.name for path in (DEPLOY / "overlays").iterdir() if path.is_dir())
KUBECTL = Path(sys.executable).parent / "kubectl"

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Rendered:
    """One overlay rendered: its YAML text and its objects."""

    overlay: str
    text: str
    objects: list[Manifest]

    def named(self, kind: str, name: str) -> Manifest:
        """The object of this kind and name (fails when missing)."""
        found = [o for o in self.objects if o["kind"] == kind and o["metadata"]["name"] == name]
        assert found, f"{self.overlay}: no {kind} {name}"
        return found[0]

    def of_kind(self, kind: str) -> list[Manifest]:
        """Every object of one kind."""
        return [o for o in self.objects if o["kind"] == kind]


def render(overlay: str, deploy: Path = DEPLOY) -> Rendered:
    """Render ``overlays/<overlay>`` of ``deploy`` (the repository's) with ``kubectl kustomize``."""
    done = subprocess.run(  # noqa: S603 - a fixed program with a path of this repository
        [str(KUBECTL), "kustomize", str(deploy / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"kustomize failed for {overlay}:\n{done.stderr}"
    objects = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    return Rendered(overlay, done.stdout, objects)


def describe(manifest: Manifest) -> str:
    """``Kind namespace/name``, how failures name an object."""
    metadata = manifest.get("metadata", {})
    return f"{manifest.get('kind')} {metadata.get('namespace', '-')}/{metadata.get('name')}"


def pod_spec(manifest: Manifest) -> Manifest:
    """The pod template's spec of a workload."""
    spec: Manifest = manifest["spec"]["template"]["spec"]
    return spec
