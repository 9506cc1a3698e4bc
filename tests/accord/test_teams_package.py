"""``accord teams-package``: the manifest is filled in and zipped with its icons.

The manifest is validated against Microsoft's app-manifest schema for its version
(``teams_schema/MicrosoftTeams.v1.17.schema.json``, as published in the npm package
``@microsoft/app-manifest`` 1.1.2, MIT licence, ``build/json-schemas/teams/v1.17/``).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]  # no stubs installed; schemathesis brings it
import pytest
from PIL import Image

from accord.cli.main import main
from accord.cli.teams_package import PackageError, build_package, render_manifest

BOT = "0b07acc0-0000-4000-8000-00000000b07a"
API_APP = "6a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
GRAPH_APP = "5e3c1a2b-7d4f-4e8a-9b61-acc0acc0acc0"
SCHEMA = json.loads(
    (Path(__file__).parent / "teams_schema" / "MicrosoftTeams.v1.17.schema.json").read_text(
        encoding="utf-8"
    )
)


def _valid(manifest: dict[str, object]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(manifest)


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
    _valid(manifest)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"graph_app_id": GRAPH_APP},
        {"api_app_id": API_APP},
        {"api_app_id": API_APP, "graph_app_id": API_APP, "version": "2.3.4"},
    ],
)
def test_every_manifest_the_command_makes_follows_microsofts_schema(
    options: dict[str, str],
) -> None:
    _valid(render_manifest(bot_id=BOT, public_url="https://accord.contoso.com", **options))


def test_the_schema_check_would_notice_a_broken_tab() -> None:
    manifest = render_manifest(bot_id=BOT, public_url="https://accord.contoso.com")
    tabs = manifest["staticTabs"]
    assert isinstance(tabs, list)
    # A tab without its scopes, as a hand edit might leave it.
    broken = {**manifest, "staticTabs": [{"entityId": "accord-home", "name": "Accord"}]}
    with pytest.raises(jsonschema.ValidationError):
        _valid(broken)


def test_the_personal_tab_is_the_web_app_signed_in_by_teams_sso() -> None:
    manifest = render_manifest(
        bot_id=BOT, public_url="https://accord.contoso.com/", api_app_id=API_APP
    )
    tabs = manifest["staticTabs"]
    assert isinstance(tabs, list)
    home = tabs[0]
    assert home == {
        "entityId": "accord-home",
        "name": "Accord",
        # The page tells Teams (and Outlook and the Microsoft 365 app, which host tabs through
        # the same SDK) from a browser by this parameter.
        "contentUrl": "https://accord.contoso.com/app?host=teams",
        "websiteUrl": "https://accord.contoso.com/app",
        "scopes": ["personal"],
    }
    assert tabs[1] == {"entityId": "about", "scopes": ["personal"]}
    # Teams SSO asks Entra ID for a token for this app: Accord's API registration, whose
    # Application ID URI is api://<host>/<client id>, as the Outlook add-in's.
    assert manifest["webApplicationInfo"] == {
        "id": API_APP,
        "resource": f"api://accord.contoso.com/{API_APP}",
    }
    # The tab's pages, and the sign-in they do, stay on Accord's own host.
    assert manifest["validDomains"] == ["accord.contoso.com"]
    # Personal tabs reach Outlook and the Microsoft 365 app from manifest 1.13 on.
    assert tuple(map(int, str(manifest["manifestVersion"]).split("."))) >= (1, 13)


def test_web_application_info_names_the_app_that_calls_graph() -> None:
    # Teams accepts activity-feed notifications only from the app webApplicationInfo names.
    graph_app = GRAPH_APP
    manifest = render_manifest(
        bot_id=BOT, public_url="https://accord.contoso.com/", graph_app_id=graph_app
    )
    assert manifest["webApplicationInfo"] == {
        "id": graph_app,
        "resource": f"api://accord.contoso.com/{graph_app}",
    }
    with pytest.raises(PackageError, match="--graph-app-id"):
        render_manifest(bot_id=BOT, public_url="https://a.example", graph_app_id="x")
    with pytest.raises(PackageError, match="--api-app-id"):
        render_manifest(bot_id=BOT, public_url="https://a.example", api_app_id="x")


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
    two_apps = ["--api-app-id", API_APP, "--graph-app-id", GRAPH_APP]
    arguments = ["teams-package", "--bot-id", BOT, "--public-url", "https://a.example"]
    assert main([*arguments, *two_apps, "-o", str(out)]) == 0
    assert "activity-feed" in capsys.readouterr().err
