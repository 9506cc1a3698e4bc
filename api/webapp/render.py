"""Rendering the web app's pages, with the headers every one of them carries.

The Content-Security-Policy allows scripts and styles from Accord only (no inline script, no
CDN), forms back to Accord only, and framing by Accord itself, Teams and Outlook (and, for a
local deployment, the sandbox's pages on the same machine, whose Teams view frames the tab).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.routers.addin import OUTLOOK_FRAME_ANCESTORS
from api.templating import api_templates

TEAMS_FRAME_ANCESTORS: Final = (
    "https://teams.microsoft.com",
    "https://*.teams.microsoft.com",
    "https://*.cloud.microsoft",
)
APP_FRAME_ANCESTORS: Final = (*TEAMS_FRAME_ANCESTORS, *OUTLOOK_FRAME_ANCESTORS)
"""Who may frame the app: Teams, and Outlook and the Microsoft 365 app (the add-in's list)."""
# A deployment on this machine is a development one: its sandbox (on another local port)
# plays Teams and frames the tab.
_LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_LOCAL_FRAME_ANCESTORS: Final = ("http://127.0.0.1:*", "http://localhost:*")
THEMES: Final = ("light", "dark", "contrast")
THEME_COOKIE = "accord_app_theme"


def is_local(public_url: str) -> bool:
    """Say whether the deployment runs on this machine (development with the sandbox).

    Args:
        public_url: the API's public URL.

    Returns:
        Whether its host is a loopback name.
    """
    return (urlsplit(public_url).hostname or "") in _LOCAL_HOSTS


def app_csp(public_url: str, *, connect: tuple[str, ...] = ()) -> str:
    """Return the web app's Content-Security-Policy.

    Args:
        public_url: the API's public URL (a local one also lets the sandbox frame the app).
        connect: further origins scripts may call (sign-in's identity provider).

    Returns:
        The header's value.
    """
    ancestors = list(APP_FRAME_ANCESTORS)
    if is_local(public_url):
        ancestors += _LOCAL_FRAME_ANCESTORS
    sources = " ".join(("'self'", *connect))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {sources}; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors 'self' {' '.join(ancestors)}"
    )


def theme_of(request: Request) -> str | None:
    """Return the theme the page was asked for (Teams passes its own), if any.

    Args:
        request: the request (``?theme=`` or the cookie it left).

    Returns:
        ``light``, ``dark`` or ``contrast``; ``None``: follow the browser's preference.
    """
    hint = request.query_params.get("theme") or request.cookies.get(THEME_COOKIE)
    if hint == "default":
        return "light"
    return hint if hint in THEMES else None


def render_app_page(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    connect: tuple[str, ...] = (),
    **context: Any,
) -> HTMLResponse:
    """Render a page of the web app.

    Args:
        request: the request (for the deployment's URL and the theme).
        template: the template's path under ``api/templates`` (``app/...``).
        status_code: the HTTP status.
        connect: further origins the page's scripts may call.
        **context: the template's variables.

    Returns:
        The page, not cached, with the app's Content-Security-Policy.
    """
    public_url: str = request.app.state.accord.config.public_url
    theme = theme_of(request)
    html = api_templates().get_template(template).render(theme=theme, **context)
    response = HTMLResponse(
        html,
        status_code=status_code,
        headers={
            "Content-Security-Policy": app_csp(public_url, connect=connect),
            "Cache-Control": "no-store",
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
        },
    )
    if request.query_params.get("theme") and theme is not None:
        # Kept for the pages that follow, which Teams opens without the hint.
        response.set_cookie(THEME_COOKIE, theme, path="/app", httponly=True, samesite="lax")
    return response
