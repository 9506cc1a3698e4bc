"""The small HTML pages people see after clicking an action link in an email.

Templates live in ``api/templates`` and are autoescaped. Pages load nothing from elsewhere;
the Content-Security-Policy allows only their own inline styles and the one inline script
that carries a per-response nonce.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.responses import HTMLResponse

from api.templating import api_templates


def render_page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render one of the link pages.

    Args:
        template: the template's file name in ``api/templates``.
        status_code: the HTTP status.
        **context: the template's variables.

    Returns:
        The response, marked not to be cached, indexed or to leak its URL as a referrer.
    """
    nonce = secrets.token_urlsafe(16)
    html = api_templates().get_template(template).render(nonce=nonce, **context)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; "
                f"script-src 'nonce-{nonce}'; form-action 'self'; base-uri 'none'; "
                "frame-ancestors 'none'"
            ),
            # The URL holds the link's token: keep it out of caches and Referer headers.
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex, nofollow",
            "X-Content-Type-Options": "nosniff",
        },
    )
