"""``uniqueBody``: the part of a message's body that is new, as Exchange gives it.

Exchange computes a message's ``uniqueBody`` from the conversation: the body without the text
of earlier messages of the same conversation that the mailbox holds (the quoted history, and
the header block Outlook writes above it). Replies made through Graph's ``reply`` know their
new part exactly; for other mail this module finds where the earliest quoted message begins,
whatever the client's quoting looks like, and drops the header lines just above it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

_TAGS = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|hr)[^>]*>", re.IGNORECASE)
_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Lines a client writes between the new text and the quoted message: a header block
# ("From: ...", "De : ...", "Gesendet: ..."), a rule, "-----Original Message-----", or an
# attribution ("On Monday, Maya wrote:", "Le lundi, Maya a écrit :").
_HEADER_LINE = re.compile(r"^\s*[*>]?\s*[^\W\d][\w .'-]{0,30}\s?:\*?(?:\s|$)", re.UNICODE)
_RULE_LINE = re.compile(r"^\s*(?:[-_=*~]{4,}.*|.*-{3,}\s*)$")
_ATTRIBUTION = re.compile(r".{4,200}:\s*$")
_PROBE_CHARS = 40


def plain_lines(body: dict[str, Any] | None) -> list[str]:
    """Return an itemBody's text as lines (HTML reduced to its text)."""
    content = str((body or {}).get("content") or "")
    if str((body or {}).get("contentType", "text")).lower() == "html":
        content = _HIDDEN.sub(" ", content)
        content = _BREAKS.sub("\n", content)
        content = html.unescape(_TAGS.sub("", content))
    return content.replace("\r\n", "\n").split("\n")


def _normal(text: str) -> str:
    return " ".join(text.replace(">", " ").split()).lower()


def _probe(lines: list[str]) -> str:
    text = _normal(" ".join(lines))
    return text[:_PROBE_CHARS] if len(text) >= 8 else ""


def unique_body(
    body: dict[str, Any] | None, earlier: Iterable[dict[str, Any] | None]
) -> dict[str, Any]:
    """Return the new part of ``body``, given the bodies of earlier messages of its thread.

    Args:
        body: the message's ``body`` (itemBody).
        earlier: the new parts (``uniqueBody``, else ``body``) of the conversation's earlier
            messages in the same mailbox.

    Returns:
        An itemBody: the whole body when nothing earlier is quoted in it, else the lines
        above the first quoted message (and its header block), as text.
    """
    whole = dict(body or {"contentType": "text", "content": ""})
    lines = plain_lines(body)
    normal_lines = [_normal(line) for line in lines]
    cut: int | None = None
    for previous in earlier:
        probe = _probe(plain_lines(previous))
        if not probe:
            continue
        for index in range(1, len(lines)):
            # The quoted message starts on this line when its first words follow from here.
            following = " ".join(part for part in normal_lines[index : index + 8] if part)
            if following.startswith(probe):
                if cut is None or index < cut:
                    cut = index
                break
    if cut is None:
        return whole
    while cut > 0 and (
        not lines[cut - 1].strip()
        or _HEADER_LINE.match(lines[cut - 1])
        or _RULE_LINE.match(lines[cut - 1])
        or (_ATTRIBUTION.match(lines[cut - 1]) and cut - 1 > 0 and not lines[cut - 2].strip())
    ):
        cut -= 1
    return {"contentType": "text", "content": "\n".join(lines[:cut]).strip()}
