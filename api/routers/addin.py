"""``/addin``: the Outlook add-in's task pane, its assets, its manifest and its pre-fill.

The task pane is static (no build step, nothing from a CDN except Office.js itself, which
Microsoft requires to be loaded from its own CDN). It is served with a Content-Security-Policy
that allows scripts from Accord and from Office.js's origin only, and lets only Outlook's
origins frame it. ``POST /addin/prefill`` reads the open or composed email; creating happens
through ``POST /commitments``, as any other client does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import structlog
from fastapi import APIRouter, Response
from fastapi.responses import FileResponse, HTMLResponse

from api.addin_manifest import ManifestOptions, render_manifest
from api.addin_prefill import AddinItem, AddinPrefill, MailAddress, prefill
from api.auth import AUTH_RESPONSES, PrincipalDep
from api.dependencies import ClockDep, ConfigDep
from api.problems import PROBLEM_RESPONSES, ProblemError, problem_doc
from api.reading import TOO_SLOW_RESPONSE, ReadingDep, too_slow_problem
from api.templating import api_templates
from integrations.reading_pool import ReadingTooSlowError

log = structlog.get_logger("accord.api.addin")

OFFICE_JS_ORIGIN: Final = "https://appsforoffice.microsoft.com"
# Outlook on the web and the new Outlook host the pane in an iframe on these origins; the
# desktop clients show it in a web view, where frame-ancestors does not apply.
OUTLOOK_FRAME_ANCESTORS: Final = (
    "https://outlook.office.com",
    "https://outlook.office365.com",
    "https://outlook.live.com",
    "https://*.outlook.com",
    "https://*.office.com",
    "https://*.office365.com",
    "https://*.microsoft365.com",
)
TASKPANE_CSP: Final = (
    "default-src 'none'; "
    f"script-src 'self' {OFFICE_JS_ORIGIN}; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'none'; base-uri 'none'; "
    f"frame-ancestors 'self' {' '.join(OUTLOOK_FRAME_ANCESTORS)}"
)
_STATIC = Path(__file__).resolve().parents[1] / "static" / "addin"
_ASSETS: Final = {
    "functions.html": "text/html; charset=utf-8",
    "taskpane.js": "text/javascript; charset=utf-8",
    "taskpane-check.js": "text/javascript; charset=utf-8",
    "taskpane.css": "text/css; charset=utf-8",
    "icon-16.png": "image/png",
    "icon-32.png": "image/png",
    "icon-64.png": "image/png",
    "icon-80.png": "image/png",
    "icon-128.png": "image/png",
}
_ASSET_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Short: a new release reaches open panes quickly, yet Outlook need not re-fetch each time.
    "Cache-Control": "public, max-age=300",
}

_ENVELOPE_BYTES = 8 * 1024

router = APIRouter(prefix="/addin", tags=["outlook add-in"])


@router.get("/manifest.xml", response_class=Response)
async def manifest(config: ConfigDep) -> Response:
    """The add-in's manifest for this deployment (its pages at `ACCORD_PUBLIC_URL`).

    Outlook accepts only https pages, so a deployment whose public URL is plain http gets
    a 409 explaining why.
    """
    try:
        xml = render_manifest(ManifestOptions.from_config(config))
    except ValueError as exc:
        raise ProblemError(
            409, "manifest-unavailable", "No add-in manifest for this deployment", str(exc)
        ) from None
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": 'attachment; filename="accord-manifest.xml"'},
    )


@router.get("/taskpane.html", response_class=HTMLResponse, include_in_schema=False)
async def taskpane(config: ConfigDep) -> HTMLResponse:
    """The task pane Outlook opens next to an email."""
    html = (
        api_templates()
        .get_template("addin_taskpane.html")
        .render(
            agent_mailbox=config.agent_mailbox,
            # Room for the other fields and JSON escaping within the API's body limit.
            max_body_bytes=max(config.max_body_bytes * 3 // 4 - _ENVELOPE_BYTES, 1024),
        )
    )
    return HTMLResponse(
        html,
        headers={
            **_ASSET_HEADERS,
            "Content-Security-Policy": TASKPANE_CSP,
            "Cache-Control": "no-cache",
        },
    )


@router.get("/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    """Serve the task pane's script, style sheet and icons (nothing else from the folder)."""
    media_type = _ASSETS.get(name)
    if media_type is None:
        raise ProblemError(404, "not-found", "No such file")
    headers = dict(_ASSET_HEADERS)
    if name.endswith(".html"):
        headers["Content-Security-Policy"] = TASKPANE_CSP
    return FileResponse(_STATIC / name, media_type=media_type, headers=headers)


@router.post(
    "/prefill",
    responses={
        **PROBLEM_RESPONSES,
        **AUTH_RESPONSES,
        **problem_doc(400, "The body cannot be read as JSON."),
        **problem_doc(413, "The body is larger than the API accepts; send the text, trimmed."),
        **TOO_SLOW_RESPONSE,
    },
)
async def prefill_commitments(
    item: AddinItem,
    principal: PrincipalDep,
    config: ConfigDep,
    clock: ClockDep,
    reading: ReadingDep,
) -> AddinPrefill:
    """Read the open or composed email into commitments to pre-fill; starts nothing.

    Send what Office.js gives about the item. The answer has one draft per owner (To
    recipients other than you; for an email someone sent you, its sender), due dates in your
    time zone, and what is missing or ambiguous in words.
    """
    manager = MailAddress(address=principal.email, name=principal.display_name)
    # Reading is CPU work on untrusted text: in a worker process with a time budget, so the
    # event loop keeps answering other requests whatever the email holds.
    try:
        return await reading.run(
            prefill, item, manager=manager, agent_mailbox=config.agent_mailbox, now=clock()
        )
    except ReadingTooSlowError:
        log.warning("addin_prefill_over_time_limit")
        raise too_slow_problem() from None
