"""Email as a channel: a rendered message as an HTML body and a plain-text body, one layout.

Each block of a :class:`RenderedMessage` is written both ways side by side here, so the two
bodies cannot drift apart: the HTML shows actions as buttons, the text as ``Label: link``
lines. Graph mail carries the HTML; meeting invitations carry it as the event's body. HTML
text is escaped here (people's words are never markup) and a writer's line breaks are kept.
"""

from __future__ import annotations

import re
from html import escape

from domain.messages.rendered import (
    Action,
    Actions,
    Block,
    Callout,
    Facts,
    Heading,
    ItemList,
    Paragraph,
    RenderedMessage,
    Tone,
)
from domain.models import DomainModel

_PAGE_START = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>{subject}</title>\n</head>\n"
    '<body style="margin:0;padding:24px;background-color:#f5f5f3;'
    "font-family:'Segoe UI',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424;\">\n"
    '<div style="max-width:600px;margin:0 auto;padding:24px;background-color:#ffffff;'
    'border-radius:8px;">'
)
_PAGE_END = "</div>\n</body>\n</html>"
_GREETING = '<p style="margin:0 0 16px 0;">{}</p>'
_SIGNOFF = '<p style="margin:24px 0 0 0;">{}</p>'
_FOOTER = '<p style="margin:24px 0 0 0;font-size:12px;color:#6b6b6b;">{}</p>'
_PARAGRAPH = {
    Tone.NORMAL: "<p>{}</p>",
    Tone.SUBTLE: '<p style="color:#6b6b6b;">{}</p>',
    Tone.SMALL: '<p style="font-size:13px;color:#6b6b6b;">{}</p>',
}
_HEADING = '<p style="margin:16px 0 4px 0;"><strong>{}</strong></p>'
_LIST = '<{tag} style="margin:0 0 8px 0;padding-left:20px;">\n{items}\n</{tag}>'
_TABLE = (
    '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px 0;">\n{}\n</table>'
)
_FACT = (
    '<tr><td style="padding:4px 12px 4px 0;vertical-align:top;color:#6b6b6b;'
    'white-space:nowrap;">{label}</td><td style="padding:4px 0;vertical-align:top;">{value}</td>'
    "</tr>"
)
_BUTTON = (
    '<a href="{url}" style="display:inline-block;margin:0 8px 8px 0;padding:10px 18px;'
    'border-radius:6px;text-decoration:none;font-weight:600;{colours}">{label}</a>'
)
_PRIMARY = "background-color:#2f6f5e;color:#ffffff;"
_SECONDARY = "background-color:#ffffff;color:#2f6f5e;border:1px solid #2f6f5e;"
_CALLOUT = (
    '<div style="margin:0 0 12px 0;padding:10px 14px;background-color:#f0f6f4;'
    'border-left:4px solid #2f6f5e;border-radius:4px;">\n{}\n</div>'
)
_CALLOUT_FIRST = '<p style="margin:0;"><strong>{title}</strong>: {line}</p>'
_CALLOUT_LINE = '<p style="margin:4px 0 0 0;">{}</p>'
_IMAGE = (
    '<img src="cid:{cid}" alt="{alt}" width="{width}" height="{height}" '
    'style="display:block;max-width:100%;height:auto;border:0;">'
)
_TEXT_FOOTER = "--"
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


class EmailBody(DomainModel):
    """A message as email: the HTML body it is sent with, and the same words as plain text."""

    html: str
    text: str


def email_body(message: RenderedMessage) -> EmailBody:
    """Lay a rendered message out as email.

    Args:
        message: the message, rendered once.

    Returns:
        The HTML body (a whole document, styled inline for mail clients) and the plain text.
    """
    html = [
        _PAGE_START.format(subject=_text(message.subject)),
        _GREETING.format(_text(message.greeting)),
        *(_html(block) for block in message.blocks),
        _SIGNOFF.format(_text(message.signoff)),
        _FOOTER.format(_text(message.footer)),
        _PAGE_END,
    ]
    text = [message.greeting]
    for block, previous in zip(message.blocks, (None, *message.blocks), strict=False):
        written = _plain(block)
        # A heading sits right above what it names, as in the HTML.
        text.append(f"\n{written}" if isinstance(previous, Heading) else f"\n\n{written}")
    text.append(f"\n\n{message.signoff}\n\n{_TEXT_FOOTER}\n{message.footer}\n")
    return EmailBody(html="\n".join(html) + "\n", text=_TRAILING_SPACE.sub("\n", "".join(text)))


def _html(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _PARAGRAPH[block.tone].format(_lines(block.text))
    if isinstance(block, Heading):
        return _HEADING.format(_text(block.text))
    if isinstance(block, ItemList):
        items = "\n".join(f"<li>{_lines(item)}</li>" for item in block.items)
        return _LIST.format(tag="ol" if block.numbered else "ul", items=items)
    if isinstance(block, Facts):
        rows = (
            _FACT.format(label=_text(fact.label), value=_lines(fact.value)) for fact in block.facts
        )
        return _TABLE.format("\n".join(rows))
    if isinstance(block, Actions):
        buttons = "<p>" + "".join(_button(action) for action in block.actions) + "</p>"
        return f"<p>{_text(block.intro)}</p>\n{buttons}" if block.intro else buttons
    if isinstance(block, Callout):
        first, *more = block.lines
        lines = [_CALLOUT_FIRST.format(title=_text(block.title), line=_lines(first))]
        lines += [_CALLOUT_LINE.format(_lines(line)) for line in more]
        return _CALLOUT.format("\n".join(lines))
    return _IMAGE.format(
        cid=_attribute(block.content_id),
        alt=_attribute(block.alt_text),
        width=block.width,
        height=block.height,
    )


def _plain(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Heading):
        return f"{block.text}:"
    if isinstance(block, ItemList):
        if block.numbered:
            return "\n".join(f"{number}. {item}" for number, item in enumerate(block.items, 1))
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Facts):
        return "\n".join(f"{fact.label}: {fact.value}" for fact in block.facts)
    if isinstance(block, Actions):
        links = "\n".join(f"{action.label}: {action.url}" for action in block.actions)
        return f"{block.intro}\n\n{links}" if block.intro else links
    if isinstance(block, Callout):
        first, *more = block.lines
        return "\n".join([f"- {block.title}: {first}", *(f"  {line}" for line in more)])
    return block.alt_text


def _button(action: Action) -> str:
    colours = _PRIMARY if action.primary else _SECONDARY
    return _BUTTON.format(url=_attribute(action.url), colours=colours, label=_text(action.label))


def _text(value: str) -> str:
    # Quotes need no escaping outside attributes; leaving them keeps the words as written.
    return escape(value, quote=False)


def _attribute(value: str) -> str:
    return escape(value, quote=True)


def _lines(value: str) -> str:
    """Keep the writer's line breaks in HTML, escaping each line."""
    return "<br>\n".join(_text(line) for line in value.splitlines())
