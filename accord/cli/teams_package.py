"""``accord teams-package``: build the Teams app package (the zip an admin uploads).

The zip holds ``manifest.json`` (from ``teams_app/manifest.json`` beside this module, filled in
for a deployment: the bot's app id, Accord's https address, the app's own id, the app that
signs the tab in) and the two icons. The manifest's personal tab (``staticTabs``) is the web
app at ``<public url>/app?host=teams``; Teams, Outlook and the Microsoft 365 app show it from
the same manifest, and its single sign-on asks Entra ID for a token for the app
``webApplicationInfo`` names.
Teams wants the three files at the zip's root. The files are package data, so the command works
from an installed wheel. docs/teams.md describes the upload.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
import zipfile
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import structlog

from accord.cli.running import Commands
from accord.settings import AccordSettings

APP_FILES = files("accord.cli") / "teams_app"
ICONS = ("color.png", "outline.png")
_PLACEHOLDER = re.compile(r"\{\{[A-Z_]+\}\}")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Fixed, so the same inputs always give the same zip.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

log = structlog.get_logger("accord.cli.teams_package")


class PackageError(ValueError):
    """The package cannot be built as asked; the message says which option to fix."""


def add_package_arguments(parser: argparse.ArgumentParser, settings: AccordSettings) -> None:
    """Describe the command's options.

    Args:
        parser: the sub-command's parser.
        settings: where the defaults come from.
    """
    parser.add_argument(
        "--bot-id",
        default=settings.teams_app_id,
        help="The bot's Microsoft App ID (default: ACCORD_TEAMS_APP_ID).",
    )
    parser.add_argument(
        "--public-url",
        default=settings.public_url,
        help="Accord's https address (default: ACCORD_PUBLIC_URL); the bot's endpoint is "
        "<public url>/api/messages.",
    )
    parser.add_argument(
        "--graph-app-id",
        default=settings.graph_client_id,
        help="The app registration that calls Graph, named in webApplicationInfo so that its "
        "activity-feed notifications are accepted (default: ACCORD_GRAPH_CLIENT_ID, else the "
        "bot's id: one registration).",
    )
    parser.add_argument(
        "--api-app-id",
        default=settings.addin_client_id,
        help="Accord's API app registration, named in webApplicationInfo so that the tab signs "
        "in with Teams single sign-on (default: ACCORD_ADDIN_CLIENT_ID, else the Graph app).",
    )
    parser.add_argument(
        "--app-id", help="The Teams app's own id (default: derived from the public URL)."
    )
    parser.add_argument("--version", default="1.0.0", help="The app's version (default 1.0.0).")
    parser.add_argument(
        "--output", "-o", type=Path, default=Path("accord-teams.zip"), help="The zip to write."
    )


def render_manifest(
    *,
    bot_id: str | None,
    public_url: str,
    app_id: str | None = None,
    version: str = "1.0.0",
    graph_app_id: str | None = None,
    api_app_id: str | None = None,
) -> dict[str, object]:
    """Fill in the manifest for a deployment.

    Args:
        bot_id: the bot's Microsoft App ID (a GUID).
        public_url: Accord's https address.
        app_id: the Teams app's id; unset: a stable id derived from the public URL.
        version: the app's version (x.y.z).
        graph_app_id: the registration that calls Graph (Teams accepts activity-feed
            notifications only from the app webApplicationInfo names); unset: the bot's.
        api_app_id: Accord's API registration, whose token the tab's single sign-on asks
            for (webApplicationInfo); unset: the Graph app (one registration for both).

    Returns:
        The manifest.

    Raises:
        PackageError: when an option is missing or not valid.
    """
    if not bot_id or not _GUID.match(bot_id):
        raise PackageError("--bot-id (ACCORD_TEAMS_APP_ID) must be the bot's app id, a GUID")
    parts = urlsplit(public_url)
    if parts.scheme != "https" or not parts.hostname:
        raise PackageError("--public-url must be an https address: Teams calls bots over https")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise PackageError("--version must look like 1.0.0")
    app_id = app_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"accord-teams:{public_url}"))
    if not _GUID.match(app_id):
        raise PackageError("--app-id must be a GUID")
    if graph_app_id is not None and not _GUID.match(graph_app_id):
        raise PackageError("--graph-app-id (ACCORD_GRAPH_CLIENT_ID) must be a GUID")
    if api_app_id is not None and not _GUID.match(api_app_id):
        raise PackageError("--api-app-id (ACCORD_ADDIN_CLIENT_ID) must be a GUID")
    values = {
        "TEAMS_APP_ID": app_id,
        "BOT_APP_ID": bot_id,
        "SSO_APP_ID": api_app_id or graph_app_id or bot_id,
        "PUBLIC_URL": public_url.rstrip("/"),
        "PUBLIC_HOST": parts.hostname,
    }
    text = (APP_FILES / "manifest.json").read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"{{{{{name}}}}}", value)
    leftover = _PLACEHOLDER.search(text)
    if leftover:
        raise PackageError(f"the manifest template has an unknown placeholder {leftover[0]}")
    manifest: dict[str, object] = json.loads(text)
    manifest["version"] = version
    return manifest


def build_package(manifest: dict[str, object], output: Path) -> Path:
    """Write the zip: ``manifest.json`` and the icons at its root.

    Args:
        manifest: the filled-in manifest.
        output: where to write the zip.

    Returns:
        The zip's path.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [("manifest.json", json.dumps(manifest, indent=2).encode() + b"\n")]
        entries += [(icon, (APP_FILES / icon).read_bytes()) for icon in ICONS]
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), data)
    return output


def write_package(args: argparse.Namespace, _settings: AccordSettings) -> int:
    """Build the package from the command's options.

    Returns:
        0 when written, 2 when an option is wrong (the message says which).
    """
    try:
        manifest = render_manifest(
            bot_id=args.bot_id,
            public_url=args.public_url,
            app_id=args.app_id,
            version=args.version,
            graph_app_id=args.graph_app_id,
            api_app_id=args.api_app_id,
        )
    except PackageError as exc:
        sys.stderr.write(f"accord teams-package: {exc}\n")
        return 2
    if args.api_app_id and args.graph_app_id and args.api_app_id != args.graph_app_id:
        # One manifest field serves both: the tab's sign-in wins, the feed is what gives.
        sys.stderr.write(
            "accord teams-package: note: webApplicationInfo names the API app for the tab's "
            "sign-in; Teams accepts activity-feed notifications only from that app, so they "
            "need Graph called by the same registration (ACCORD_GRAPH_CLIENT_ID = "
            "ACCORD_ADDIN_CLIENT_ID). Cards and email are not affected.\n"
        )
    path = build_package(manifest, args.output)
    log.info("teams_package_written", path=str(path))
    return 0


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``teams-package`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for the defaults.
    """
    parser = commands.add_parser(
        "teams-package",
        help="Build the Teams app package (manifest and icons, as a zip) for upload "
        "(docs/teams.md).",
    )
    add_package_arguments(parser, settings)
    parser.set_defaults(handler=write_package)
