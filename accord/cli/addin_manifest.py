"""``accord addin-manifest``: write the Outlook add-in's manifest for a deployment.

Outlook loads an add-in's pages only over https, so the manifest is made for the address
people reach Accord at (``--public-url``, default ``ACCORD_PUBLIC_URL``) and for the Entra ID
app registration that single sign-on uses (``--client-id``, default
``ACCORD_ADDIN_CLIENT_ID``). docs/addin.md describes the whole installation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import structlog

from accord.cli.running import Commands, report_problem
from accord.settings import AccordSettings


def add_manifest_arguments(parser: argparse.ArgumentParser, settings: AccordSettings) -> None:
    """Describe the command's options.

    Args:
        parser: the sub-command's parser.
        settings: where the defaults come from.
    """
    parser.add_argument(
        "--public-url",
        default=settings.public_url,
        help="The https address of Accord's API, e.g. https://accord.contoso.com "
        "(default: ACCORD_PUBLIC_URL).",
    )
    parser.add_argument(
        "--client-id",
        default=settings.addin_client_id,
        help="The client id of Accord's Entra ID app registration, for single sign-on "
        "(default: ACCORD_ADDIN_CLIENT_ID).",
    )
    parser.add_argument(
        "--resource",
        default=settings.addin_resource,
        help="Its Application ID URI (default: api://<public host>/<client id>).",
    )
    parser.add_argument(
        "--addin-id", help="The add-in's id (default: derived from the public URL)."
    )
    parser.add_argument(
        "--version", default=None, help="The manifest's version, e.g. 1.0.1.0 (default: 1.0.0.0)."
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        help="Where to write it (default: standard output).",
    )


def write_manifest(args: argparse.Namespace, _settings: AccordSettings) -> int:
    """Render the manifest and write it to ``--output`` or standard output.

    Args:
        args: the parsed options.
        _settings: Accord's settings (the defaults were taken from them already).

    Returns:
        0 when written, 2 when an option is invalid (the reason is logged).
    """
    from api.addin_manifest import MANIFEST_VERSION, ManifestOptions, render_manifest

    log = structlog.get_logger("accord.addin")
    if not args.client_id:
        report_problem(
            "addin-manifest",
            "addin_client_id_missing",
            "pass --client-id or set ACCORD_ADDIN_CLIENT_ID: the client id of "
            "Accord's Entra ID app registration",
        )
        return 2
    options = ManifestOptions(
        public_url=args.public_url,
        client_id=args.client_id,
        resource=args.resource,
        addin_id=args.addin_id,
        version=args.version or MANIFEST_VERSION,
    )
    try:
        xml = render_manifest(options)
    except ValueError as exc:
        report_problem("addin-manifest", "addin_manifest_invalid", str(exc))
        return 2
    if args.output is None:
        sys.stdout.write(xml)
    else:
        args.output.write_text(xml, encoding="utf-8")
        log.info("addin_manifest_written", path=str(args.output))
    return 0


def register(commands: Commands, settings: AccordSettings) -> None:
    """Add ``addin-manifest`` to the ``accord`` command line.

    Args:
        commands: the sub-parsers of the ``accord`` parser.
        settings: Accord's settings, for the defaults.
    """
    parser = commands.add_parser(
        "addin-manifest",
        help="Write the Outlook add-in's manifest for Accord's https address (docs/addin.md).",
    )
    add_manifest_arguments(parser, settings)
    parser.set_defaults(handler=write_manifest)
