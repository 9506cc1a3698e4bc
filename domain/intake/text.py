"""An email body as plain text: HTML sanitised, quoted history and signatures cut off.

Only the sender's *new* words are read, so a reply never re-parses the thread it quotes. The
quoted part is kept separately, because a forward whose new text is empty carries its ask in
the forwarded message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from domain.intake.models import InboundEmail

MAX_ANALYSED_CHARS = 20_000
"""Only the start of a body is read: an ask sits near the top, and big bodies stay cheap."""
RAW_BODY_READ_CHARS = 150_000
"""Only this much of a raw body (HTML included) is parsed: the sender's new words come first."""

_QUOTE_MARK = "\u2063QUOTED\u2063"
# Elements that never hold anything to read, or that could act (scripts, tracking pixels).
_DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "meta",
        "link",
        "noscript",
        "iframe",
        "object",
        "embed",
        "img",
        "svg",
        "template",
        "form",
        "button",
        "input",
        "select",
        "textarea",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "hr",
        "pre",
        "section",
        "article",
        "blockquote",
        "dt",
        "dd",
    }
)
# Where clients put the message being replied to or forwarded; everything from here is quoted.
_QUOTE_START_IDS = frozenset(
    {"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container"}
)
_QUOTE_START_CLASSES = frozenset(
    {"gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix"}
)
_SIGNATURE_IDS = frozenset({"signature"})
_SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature"})

# Outlook's and webmail's markers in English, German, French, Spanish, Portuguese, Italian
# and Dutch. Every pattern is anchored at the line's start with bounded repetition, and
# lines are capped (MAX_LINE_CHARS), so each costs time linear in the line.
_ORIGINAL_MESSAGE = (
    r"original\s+message|urspr[üu]ngliche\s+nachricht|originalnachricht"
    r"|message\s+d['\u2019]origine|mensaje\s+original|mensagem\s+original"
    r"|messaggio\s+originale|oorspronkelijk\s+bericht|origineel\s+bericht"
)
FORWARDED_MESSAGE = (
    r"forwarded\s+message|weitergeleitete\s+nachricht|message\s+transf[ée]r[ée]"
    r"|mensaje\s+reenviado|mensagem\s+encaminhada|mensagem\s+reencaminhada"
    r"|messaggio\s+inoltrato|doorgestuurd\s+bericht"
)
"""The words of a "---------- Forwarded message ---------" line in the seven languages."""
BEGIN_FORWARDED = (
    r"begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht"
    r"|d[ée]but\s+du\s+message\s+(?:r[ée]exp[ée]di[ée]|transf[ée]r[ée])"
    r"|inicio\s+del\s+mensaje\s+reenviado|in[íi]cio\s+da\s+mensagem\s+(?:re)?encaminhada"
    r"|inizio\s+(?:del\s+)?messaggio\s+inoltrato|begin\s+doorgestuurd\s+bericht"
)
"""Apple Mail's "Begin forwarded message:" in the seven languages."""
_QUOTE_LINE_PATTERNS = (
    re.compile(r"^-{2,}\s*(?:" + _ORIGINAL_MESSAGE + r")\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*(?:" + FORWARDED_MESSAGE + r")\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^(?:" + BEGIN_FORWARDED + r")\s?:?\s*$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),
)
_WROTE_LINE_MAX_CHARS = 400
_FROM_WORDS = r"from|von|de|da|van"
_FOLLOW_WORDS = (
    r"sent|date|to|subject|cc|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|enviado(?:\s+el)?"
    r"|enviada\s+em|enviado\s+em|fecha|para|asunto|assunto|data|inviato|oggetto|verzonden"
    r"|aan|onderwerp|datum"
)
_TO_WORDS = r"to|an|[àa]|para|aan"
_HEADER_BLOCK_START = re.compile(r"^\*?(?:" + _FROM_WORDS + r")\s?:\*?\s+\S", re.IGNORECASE)
_HEADER_BLOCK_FOLLOW = re.compile(r"^\*?(?:" + _FOLLOW_WORDS + r")\s?:\*?\s", re.IGNORECASE)
_QUOTED_TO = re.compile(r"^\*?(?:" + _TO_WORDS + r")\s?:\*?\s", re.IGNORECASE)
_WROTE_OPENING = re.compile(r"^(?:on|am|le|el|em|il|op)\s.{4,200}$", re.IGNORECASE)
_WROTE_START = re.compile(r"(?:on|am|le|el|em|il|op)\s", re.IGNORECASE)
_WROTE_CLOSING = re.compile(
    r"(?:wrote|schrieb|a\s+[ée]crit|escribi[óo]|escreveu|ha\s+scritto|schreef)\s?:$", re.IGNORECASE
)
# German and Dutch put the name after the verb: "Am ... schrieb Maya Chen <maya@...>:".
_WROTE_WORD = re.compile(
    r"\s(?:wrote|schrieb|a\s+[ée]crit|escribi[óo]|escreveu|ha\s+scritto|schreef)(?:\s|:)",
    re.IGNORECASE,
)
MAX_LINE_CHARS = 5_000
"""Longer lines are broken (at a space where there is one) so that no pattern runs over more
than this many characters at once."""


def _is_wrote_line(line: str) -> bool:
    """Whether a line is "On <date>, <name> wrote:" or one of its translations."""
    return (
        len(line) <= _WROTE_LINE_MAX_CHARS
        and line.endswith(":")
        and _WROTE_START.match(line) is not None
        and _WROTE_WORD.search(line) is not None
    )


_SIGNATURE_LINES = (
    re.compile(r"^--\s*$"),
    re.compile(r"^sent from my \w+", re.IGNORECASE),
    re.compile(r"^get outlook for \w+", re.IGNORECASE),
    re.compile(r"^sent from outlook", re.IGNORECASE),
)
_LOCAL_PART_EXTRA = frozenset(".+'-")
MAX_HEADER_LINE_CHARS = 10_000
"""Only this much of a quoted "From:" or "To:" line is searched for addresses."""


@dataclass(frozen=True)
class SplitText:
    """A body split into the sender's new words and what they quoted or forwarded.

    Attributes:
        new: the sender's own text.
        quoted: the quoted or forwarded text (empty when none).
        quoted_from: the "From:" line of the quoted message, as written (empty when none).
        quoted_to: the addresses on the quoted message's "To:" line, lower-cased.
    """

    new: str
    quoted: str
    quoted_from: str
    quoted_to: tuple[str, ...] = ()


def _is_word(char: str) -> bool:
    # The same characters as the regex class \w matches in text.
    return char.isalnum() or char == "_"


def _domain_end(text: str, start: int) -> int:
    """Where a domain such as ``northwind.example`` starting at ``start`` ends (-1: none).

    A domain is a label followed by at least one ``.label``; labels are word characters
    and hyphens.
    """
    end = start
    while end < len(text) and (_is_word(text[end]) or text[end] == "-"):
        end += 1
    if end == start:
        return -1
    dots = 0
    while (
        end + 1 < len(text)
        and text[end] == "."
        and (_is_word(text[end + 1]) or text[end + 1] == "-")
    ):
        end += 1
        while end < len(text) and (_is_word(text[end]) or text[end] == "-"):
            end += 1
        dots += 1
    return end if dots else -1


def _addresses(text: str) -> list[tuple[int, int]]:
    r"""The spans of the email addresses in ``text``, left to right, in linear time.

    Equivalent to ``re.finditer(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", text)``, which
    backtracks quadratically on a long run of address characters without an ``@``: each
    ``@`` is looked at once, and the characters on either side of it once.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    at = text.find("@")
    while at != -1:
        start = at
        while start > position and (
            _is_word(text[start - 1]) or text[start - 1] in _LOCAL_PART_EXTRA
        ):
            start -= 1
        end = _domain_end(text, at + 1) if start < at else -1
        if end != -1:
            spans.append((start, end))
            position = end
        at = text.find("@", max(at + 1, position))
    return spans


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return {value.lower()}
    return {str(item).lower() for item in value or ()}


def _is_quote_start(tag: Tag) -> bool:
    if str(tag.get("id") or "").lower() in _QUOTE_START_IDS:
        return True
    if tag.name == "blockquote" and str(tag.get("type") or "").lower() == "cite":
        return True
    return bool(_classes(tag) & _QUOTE_START_CLASSES)


def _is_signature(tag: Tag) -> bool:
    if str(tag.get("id") or "").lower() in _SIGNATURE_IDS:
        return True
    return bool(_classes(tag) & _SIGNATURE_CLASSES)


def html_to_text(html: str) -> str:
    """Turn HTML into readable plain text without running or fetching anything.

    Scripts, styles, images (tracking pixels included), forms and comments are dropped;
    block elements become line breaks and list items bullets. Quoted history is marked so that
    :func:`split_body` can cut it off. The tree is walked once, without recursion, so deep or
    wide documents cost linear time.

    Args:
        html: an HTML document or fragment, possibly malformed.

    Returns:
        The text, one block per line.
    """
    soup = BeautifulSoup(html, "html.parser")
    parts: list[str] = []
    # A stack of nodes still to visit; a string on it is text to emit after a block closes.
    stack: list[PageElement | str] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)
        elif isinstance(node, NavigableString):
            if type(node) is NavigableString:
                parts.append(str(node))
        elif isinstance(node, Tag):
            name = (node.name or "").lower()
            if name in _DROPPED_TAGS or _is_signature(node):
                continue
            if _is_quote_start(node):
                parts.append(f"\n{_QUOTE_MARK}\n")
            if name == "li":
                parts.append("\n- ")
            elif name in _BLOCK_TAGS:
                parts.append("\n")
            if name in _BLOCK_TAGS:
                stack.append("\n")
            elif name in ("td", "th"):
                stack.append(" ")
            stack.extend(reversed(node.contents))
    return "".join(parts)


def _normalise_lines(text: str) -> list[str]:
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.replace("\xa0", " ").split())
        while len(line) > MAX_LINE_CHARS:
            cut = line.rfind(" ", MAX_LINE_CHARS // 2, MAX_LINE_CHARS)
            cut = cut if cut > 0 else MAX_LINE_CHARS
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if not line:
            # Blank lines start nothing; skipping them keeps a body of empty lines cheap.
            continue
        if (
            line == _QUOTE_MARK.strip()
            or any(p.match(line) for p in _QUOTE_LINE_PATTERNS)
            or _is_wrote_line(line)
        ):
            return index
        # "On Tue, 3 Dec 2026 at 10:00, Maya Chen <maya@...>" wraps before "wrote:".
        if (
            _WROTE_OPENING.match(line)
            and index + 1 < len(lines)
            and len(lines[index + 1]) < 120
            and _WROTE_CLOSING.search(lines[index + 1])
        ):
            return index
        if _HEADER_BLOCK_START.match(line):
            following = [next_line for next_line in lines[index + 1 : index + 5] if next_line]
            if following and _HEADER_BLOCK_FOLLOW.match(following[0]):
                return index
    return None


def _cut_signature(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if line and any(pattern.match(line) for pattern in _SIGNATURE_LINES):
            return lines[:index]
    return lines


def _join(lines: list[str]) -> str:
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split_body(body: str, *, is_html: bool) -> SplitText:
    """Split a body into new text and quoted history.

    Args:
        body: the body as Graph returns it.
        is_html: whether ``body`` is HTML.

    Returns:
        The sender's new text (``>`` quoting and signatures removed) and the quoted part.
    """
    body = body[:RAW_BODY_READ_CHARS]
    text = html_to_text(body) if is_html else body
    lines = _normalise_lines(text)
    start = _quote_start(lines)
    new_lines = lines if start is None else lines[:start]
    quoted_lines = [] if start is None else lines[start:]
    new_lines = [line for line in new_lines if not line.startswith(">")]
    new_lines = _cut_signature(new_lines)
    quoted_from = ""
    quoted_to: tuple[str, ...] = ()
    for line in quoted_lines[:14]:
        if not quoted_from and _HEADER_BLOCK_START.match(line):
            quoted_from = line.split(":", 1)[1].strip(" *")
        elif quoted_from and _QUOTED_TO.match(line):
            header = line[:MAX_HEADER_LINE_CHARS]
            quoted_to = tuple(header[start:end].lower() for start, end in _addresses(header))
            break
    quoted_body = [
        line.lstrip("> ").strip()
        for line in quoted_lines
        if line != _QUOTE_MARK.strip()
        and not _HEADER_BLOCK_START.match(line)
        and not _HEADER_BLOCK_FOLLOW.match(line)
        and not any(p.match(line) for p in _QUOTE_LINE_PATTERNS)
        and not _is_wrote_line(line)
    ]
    if start is None:
        # Plain ">" quoting without a header: the quoted lines are still history.
        quoted_body = [line.lstrip("> ") for line in lines if line.startswith(">")]
    return SplitText(
        new=_join(new_lines)[:MAX_ANALYSED_CHARS],
        quoted=_join(_cut_signature(quoted_body))[:MAX_ANALYSED_CHARS],
        quoted_from=quoted_from,
        quoted_to=quoted_to,
    )


def split_quoted_header(quoted_from: str) -> tuple[str, str]:
    """Split a quoted "From:" value into its address (lower-cased) and display name.

    Args:
        quoted_from: the text after "From:", e.g. ``"Maya Chen <maya@northwind.example>"``.

    Returns:
        ``(address, name)``; either may be empty.
    """
    quoted_from = quoted_from[:MAX_HEADER_LINE_CHARS]
    spans = _addresses(quoted_from)
    address = quoted_from[spans[0][0] : spans[0][1]].lower() if spans else ""
    kept, position = [], 0
    for start, end in spans:
        kept.append(quoted_from[position:start])
        position = end
    kept.append(quoted_from[position:])
    name = "".join(kept).strip(" <>[]()\"'mailto:")
    return address, " ".join(name.split())


def visible_text(email: InboundEmail) -> str:
    """Return what the sender wrote in this email, as plain text.

    HTML is sanitised (scripts, styles and images dropped, nothing fetched or run); quoted
    history (Outlook's ``divRplyFwdMsg``/``appendonsend`` and "From: ... Sent: ..." blocks,
    ``>`` quoting, Gmail quotes, "-----Original Message-----") and signatures ("--") are
    removed; at most :data:`MAX_ANALYSED_CHARS` characters are kept.

    Args:
        email: the message.

    Returns:
        The sender's new text.
    """
    return split_body(email.body, is_html=email.body_is_html).new
