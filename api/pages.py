"""The small HTML pages people see after clicking an action link in an email.

Templates live in ``api/templates`` and are autoescaped. Pages load nothing from elsewhere
and run no script at all: the Content-Security-Policy allows only their own inline styles.
Nothing a page could do by itself (a script posting its form) can then act for a person,
so a mail scanner that opens a link in a real browser changes nothing; only a press does.
"""

from __future__ import annotations

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
    html = api_templates().get_template(template).render(**context)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Content-Security-Policy": (
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; "
                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
            ),
            # The URL holds the link's token: keep it out of caches and Referer headers.
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex, nofollow",
            "X-Content-Type-Options": "nosniff",
        },
    )
