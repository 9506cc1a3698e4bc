"""The sign-in page's libraries are Accord's own files, pinned, with their licences."""

from __future__ import annotations

import json
import re
from pathlib import Path

API = Path(__file__).resolve().parents[3] / "api"
VENDOR = API / "static" / "app" / "vendor"
PINS = {
    "teams-js.min.js": ("@microsoft/teams-js", "2.58.0", "LICENSE-teams-js.txt"),
    "msal-browser.min.js": ("@azure/msal-browser", "4.30.0", "LICENSE-msal-browser.txt"),
}


def test_each_bundle_is_the_pinned_version_with_its_licence() -> None:
    pins = json.loads((API.parent / "package.json").read_text(encoding="utf-8"))
    for name, (package, version, licence) in PINS.items():
        head = (VENDOR / name).read_bytes()[:200].decode()
        assert head.startswith(f"/*! {package} v{version}"), name
        assert "MIT License" in (VENDOR / licence).read_text(encoding="utf-8")
        # package.json pins the same version, which the vendoring script copies.
        assert pins["devDependencies"][package] == version


def test_the_sign_in_page_loads_nothing_from_outside_accord() -> None:
    page = (API / "templates" / "app" / "signin.html").read_text(encoding="utf-8")
    script = (API / "static" / "app" / "signin.js").read_text(encoding="utf-8")
    sources = re.findall(r'src="([^"]+)"', page) + re.findall(r'load\("([^"]+)"\)', script)
    assert sources == [
        "/app/static/signin.js",
        "/app/static/vendor/teams-js.min.js",
        "/app/static/vendor/msal-browser.min.js",
    ]
