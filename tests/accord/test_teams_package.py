"""``accord teams-package``: the manifest is filled in and zipped with its icons."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from accord.cli.main import main
from accord.cli.teams_package import PackageError, build_package, render_manifest

BOT = "0b07acc0-0000-4000-8000-00000000b07a"


def test_the_manifest_names_the_bot_the_domain_and_sso() -> None:
    manifest = render_manifest(bot_id=BOT, public_url="https://accord.contoso.com/")
    text = json.dumps(manifest)
    assert "{{" not in text
    assert manifest["manifestVersion"] == "1.17"
    bots = manifest["bots"]
    assert isinstance(bots, list) and bots[0]["botId"] == BOT
    assert bots[0]["scopes"] == ["personal"]
    assert manifest["validDomains"] == ["accord.contoso.com"]
    assert manifest["webApplicationInfo"] == {
        "id": BOT,
        "resource": f"api://accord.contoso.com/{BOT}",
    }
    again = render_manifest(bot_id=BOT, public_url="https://accord.contoso.com/")
    assert manifest["id"] == again["id"], "the app id is stable for one address"


def test_web_application_info_names_the_app_that_calls_graph() -> None:
    # Teams accepts activity-feed notifications only from the app webApplicationInfo names.
    graph_app = "5e3c1a2b-7d4f-4e8a-9b61-acc0acc0acc0"
    manifest = render_manifest(
        bot_id=BOT, public_url="https://accord.contoso.com/", graph_app_id=graph_app
    )
    assert manifest["webApplicationInfo"] == {
        "id": graph_app,
        "resource": f"api://accord.contoso.com/{graph_app}",
    }
    with pytest.raises(PackageError, match="--graph-app-id"):
        render_manifest(bot_id=BOT, public_url="https://a.example", graph_app_id="x")


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"bot_id": None, "public_url": "https://a.example"}, "--bot-id"),
        ({"bot_id": "not-a-guid", "public_url": "https://a.example"}, "--bot-id"),
        ({"bot_id": BOT, "public_url": "http://a.example"}, "--public-url"),
        ({"bot_id": BOT, "public_url": "https://a.example", "version": "1.0"}, "--version"),
        ({"bot_id": BOT, "public_url": "https://a.example", "app_id": "x"}, "--app-id"),
    ],
)
def test_wrong_options_are_named(options: dict[str, str | None], named: str) -> None:
    with pytest.raises(PackageError, match=named):
        render_manifest(**options)  # type: ignore[arg-type]


def test_the_zip_has_the_manifest_and_icons_at_its_root(tmp_path: Path) -> None:
    manifest = render_manifest(bot_id=BOT, public_url="https://accord.contoso.com")
    path = build_package(manifest, tmp_path / "out" / "accord.zip")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert json.loads(archive.read("manifest.json")) == manifest
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert color.size == (192, 192)
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    colours = {outline.getpixel((x, y)) for x in range(32) for y in range(32)}
    assert {colour[:3] for colour in colours if isinstance(colour, tuple) and colour[3]} == {
        (255, 255, 255)
    }


def test_the_command_writes_the_zip_or_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "accord.zip"
    code = main(
        ["teams-package", "--bot-id", BOT, "--public-url", "https://a.example", "-o", str(out)]
    )
    assert code == 0 and zipfile.is_zipfile(out)
    assert main(["teams-package", "--bot-id", BOT, "--public-url", "http://a.example"]) == 2
    assert "https" in capsys.readouterr().err
