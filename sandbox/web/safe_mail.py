"""Showing untrusted mail bodies to a person without running or fetching anything.

An HTML body goes into an iframe's ``srcdoc`` together with a Content-Security-Policy that
refuses scripts and every remote load; the iframe itself is sandboxed without
``allow-scripts``, so either defence alone would stop a script. Links open in a new tab
(``<base target="_blank">``) so Accord's action links stay usable.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The policy inside every shown e-mail: inline styles and data: images, nothing else."""

IFRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox"
"""The iframe's sandbox flags: links may open a tab; no scripts, forms or same-origin."""

_READING_STYLE = (
    "body{margin:16px 20px;font:15px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1f2933;background:#fff;overflow-wrap:anywhere}"
    "img{max-width:100%;height:auto}a{color:#2f6f8f}"
    "table{max-width:100%}"
)
_REMOTE = re.compile(
    r"""(?:\b(?:src|srcset|background|poster|data|action)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:@import\b)""",
    re.IGNORECASE,
)
_URL = re.compile(r"""https?://[^\s<>"']+""")
_TRAILING = ".,;:!?)]}'\""


def email_document(html_body: str) -> str:
    """Wrap an HTML body in a document whose policy blocks scripts and remote content.

    The policy comes first in ``<head>``, before any of the body's markup, so it is in force
    for everything the body contains; the body's own ``<html>``/``<head>`` tags are merged
    away by the parser and cannot relax it (policies only ever add up).

    Args:
        html_body: the message's HTML, untrusted.

    Returns:
        The document, to be put (attribute-escaped) into an iframe's ``srcdoc``.
    """
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{EMAIL_CSP}">'
        '<base target="_blank">'
        f"<style>{_READING_STYLE}</style>"
        f"</head><body>{html_body}</body></html>"
    )


_CID = re.compile(r"""\bcid:([^\s"'<>)]+)""", re.IGNORECASE)
_INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif"})
_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def inline_images(html_body: str, attachments: Any) -> str:
    """Show inline image attachments where the body refers to them (``cid:<contentId>``).

    As a mail client does: each reference to an inline ``fileAttachment``'s ``contentId``
    becomes a ``data:`` URL of its bytes, which the shown e-mail's policy allows (it still
    allows nothing remote). Only PNG, JPEG and GIF images are shown; other references stay
    as they are and show nothing.

    Args:
        html_body: the message's HTML, untrusted.
        attachments: the message's stored ``attachments`` (anything; only sound entries count).

    Returns:
        The body with the inline images resolved.
    """
    images: dict[str, str] = {}
    for item in attachments if isinstance(attachments, list) else []:
        if not isinstance(item, dict) or not item.get("isInline"):
            continue
        content_id, content_type = item.get("contentId"), str(item.get("contentType", ""))
        content = item.get("contentBytes")
        if not isinstance(content_id, str) or not isinstance(content, str):
            continue
        if content_type.lower() not in _INLINE_IMAGE_TYPES or not _BASE64.fullmatch(content):
            continue
        images[content_id.strip("<>").lower()] = f"data:{content_type.lower()};base64,{content}"

    def resolve(match: re.Match[str]) -> str:
        return images.get(match.group(1).lower(), match.group(0))

    return _CID.sub(resolve, html_body) if images else html_body


def has_remote_content(html_body: str) -> bool:
    """Tell whether an HTML body asks for remote images, styles or fonts."""
    return _REMOTE.search(html_body) is not None


def plain_text(text: str) -> Markup:
    """Escape a plain-text body, turning bare http(s) URLs into links that open a new tab.

    Args:
        text: the body, untrusted.

    Returns:
        Safe HTML (to be shown with ``white-space: pre-wrap``).
    """
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts.append(str(escape(text[position : match.start()])))
        parts.append(
            f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{escape(url)}</a>'
        )
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))  # noqa: S704 - every piece above was escaped
