"""Vendor the web app's two browser libraries from ``node_modules`` into ``api/static/app/vendor/``.

``npm ci`` (``./dev check`` runs it) installs the versions ``package.json`` pins in its
``devDependencies``; ``./dev python scripts/vendor_app_libs.py`` then copies each package's
minified browser bundle, with the package's name, version and licence put at the top when the
bundle lacks them, and its LICENSE beside it. The files are committed: the pages load nothing
from a CDN, and the app needs no Node.js to run. ``--check`` compares the committed files with
what the installed packages give (run it after changing a pin).

* ``@microsoft/teams-js``: the Teams JavaScript SDK (its UMD bundle, global
  ``microsoftTeams``), for Teams single sign-on in the tab.
* ``@azure/msal-browser``: MSAL.js (its UMD bundle, global ``msal``), for sign-in in a browser.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "api" / "static" / "app" / "vendor"
NODE_MODULES = ROOT / "node_modules"


@dataclass(frozen=True)
class Library:
    """One npm package and the file of it the app serves."""

    package: str
    bundle: str
    output: str
    licence_name: str


LIBRARIES = (
    Library(
        "@microsoft/teams-js",
        "dist/umd/MicrosoftTeams.min.js",
        "teams-js.min.js",
        "LICENSE-teams-js.txt",
    ),
    Library(
        "@azure/msal-browser",
        "lib/msal-browser.min.js",
        "msal-browser.min.js",
        "LICENSE-msal-browser.txt",
    ),
)


def pinned(package: str) -> str:
    """Return the version ``package.json`` pins for ``package`` (its devDependencies)."""
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version: str = manifest["devDependencies"][package]
    return version


def built(library: Library) -> dict[str, bytes]:
    """Return the files to vendor for one library: its bundle and its licence.

    Args:
        library: the package and the bundle to take.

    Returns:
        File name to content.

    Raises:
        SystemExit: when the installed package is missing or not the pinned version.
    """
    installed = NODE_MODULES / library.package
    version = pinned(library.package)
    try:
        found = json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"]
    except OSError:
        raise SystemExit(f"{library.package} is not installed: run npm ci first") from None
    if found != version:
        raise SystemExit(f"{library.package} {found} is installed, {version} is pinned: npm ci")
    bundle = (installed / library.bundle).read_bytes()
    if not bundle.startswith(b"/*!"):
        header = (
            f"/*! {library.package} v{version} | (c) Microsoft Corporation | "
            f"MIT License: {library.licence_name} */\n"
        )
        bundle = header.encode() + bundle
    return {library.output: bundle, library.licence_name: (installed / "LICENSE").read_bytes()}


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the vendored files.

    Returns:
        0 when written or equal, 1 when ``--check`` finds a difference.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    arguments = parser.parse_args(argv)
    VENDOR.mkdir(parents=True, exist_ok=True)
    differ = []
    for library in LIBRARIES:
        for name, content in built(library).items():
            path = VENDOR / name
            if arguments.check:
                if not path.exists() or path.read_bytes() != content:
                    differ.append(name)
                continue
            path.write_bytes(content)
            digest = hashlib.sha256(content).hexdigest()[:16]
            sys.stdout.write(f"{name}: {library.package}@{pinned(library.package)} {digest}\n")
    if differ:
        sys.stderr.write(f"not what the installed packages give: {', '.join(differ)}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
