"""The API's OpenAPI document, as committed in ``docs/openapi.json``.

Regenerate after changing the API: ``./dev python -m api.openapi_file`` (a test fails while
the committed file differs from what the app describes).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

from jwt import PyJWK
from temporalio.client import Client

from api.app import create_app
from api.auth import TokenValidator
from api.config import ApiConfig
from domain.action_links import LinkKeyRing
from domain.models import Person
from integrations.entra.keys import KeysUnavailableError
from integrations.graph.people import FlatOrgChart

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


class _NoDirectory:
    async def find(self, email: str) -> Person | None:
        return None


class _NoKeys:
    async def issuer(self) -> str:
        raise KeysUnavailableError("nobody signs in to a described API")

    async def key(self, key_id: str) -> PyJWK | None:
        return None


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document of the app, as built for any deployment.

    The document depends only on the routes and models, so the app is built here without
    connections and for a made-up deployment (nothing is called while describing it, and
    nothing from this machine's environment may leak into the file).

    Returns:
        The OpenAPI document.
    """
    app = create_app(
        config=ApiConfig(
            public_url="http://127.0.0.1:8000",
            task_queue="accord-commitments",
            agent_mailbox="accord@example.com",
            max_body_bytes=1024 * 1024,
        ),
        temporal=cast(Client, object()),
        links=LinkKeyRing([b"\0" * 32]),
        directory=_NoDirectory(),
        validator=TokenValidator(
            _NoKeys(),
            audience="api://accord",
            tenant_id="organizations",
        ),
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
