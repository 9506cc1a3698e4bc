"""The API's OpenAPI document, as committed in ``docs/openapi.json``.

Regenerate after changing the API: ``./dev python -m api.openapi_file`` (a test fails while
the committed file differs from what the app describes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

from temporalio.client import Client

from accord.settings import AccordSettings
from api.app import create_app
from api.people import FlatOrgChart
from domain.action_links import LinkKeyRing
from domain.models import Person

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


class _NoDirectory:
    async def find(self, email: str) -> Person | None:
        return None


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document of the app, as built for any deployment.

    The document depends only on the routes and models, so the app is built here without
    connections (nothing is called while describing it).

    Returns:
        The OpenAPI document.
    """
    app = create_app(
        # Defaults only: nothing from this machine's environment may leak into the file.
        settings=AccordSettings.model_construct(),
        temporal=cast(Client, object()),
        links=LinkKeyRing([b"\0" * 32]),
        directory=_NoDirectory(),
        org=FlatOrgChart(),
    )
    return app.openapi()


def render(document: dict[str, Any]) -> str:
    """Return the document as the committed file holds it (stable key order, final newline)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the document to ``docs/openapi.json`` (or the path given)."""
    target = Path(argv[0]) if argv else OPENAPI_PATH
    target.write_text(render(openapi_document()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
