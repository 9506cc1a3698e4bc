"""Adaptive Cards for Teams: Accord's messages as cards people answer in one click.

Pure builders, no I/O. A message card says what the email says: its words come from the same
templates (``domain/templates``, rendered as plain text with placeholder links, whose lines are
then left out because the card's buttons replace them), so both channels stay equally kind
and are checked by the same blame-word test. Buttons are Universal Actions
(``Action.Execute``): the verb is the action-link action and the data carries the signed
action-link token, so a card's answer is verified and applied exactly like the email's link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.action_links import LinkAction
from domain.formatting import describe_instant
from domain.messages import MessageContext, MessageKind, RenderedMessage

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
"""Universal Actions (``Action.Execute``) need 1.4 or later; Teams renders 1.5."""
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
PLACEHOLDER_PREFIX = "https://card.accord.invalid/"
"""Stands in for action links when a template is rendered for a card; those lines are dropped."""

ACTION_LABELS: Mapping[LinkAction, str] = {
    LinkAction.ACCEPT: "Accept",
    LinkAction.TALK: "Let's talk",
    LinkAction.CHECK_IN_ON_TRACK: "On track",
    LinkAction.CHECK_IN_AT_RISK: "At risk",
    LinkAction.CHECK_IN_BLOCKED: "Blocked",
    LinkAction.DONE: "Done",
    LinkAction.ACCEPT_REVISION: "Agree to the change",
    LinkAction.REQUEST_CONVERSATION: "Let's talk",
}

ASKING_KINDS = frozenset(
    {
        MessageKind.EXPECTATION,
        MessageKind.EXPECTATION_REMINDER,
        MessageKind.EXPECTATION_REVISED,
        MessageKind.CHECK_IN,
        MessageKind.DEADLINE_PASSED_OWNER,
        MessageKind.REVISION_PROPOSED,
        MessageKind.MANAGER_HEADS_UP,
    }
)
"""Kinds that ask the reader something (the others only inform)."""
_POSITIVE = frozenset({LinkAction.ACCEPT, LinkAction.CHECK_IN_ON_TRACK, LinkAction.DONE})
_FOOTER = "\n--\n"

Style = Literal["default", "good", "attention", "warning"]


class CardButton(BaseModel):
    """One button of a card: the action it performs and the signed token that allows it."""

    model_config = ConfigDict(frozen=True)

    action: LinkAction
    token: str


def placeholder_links(fields: Sequence[str]) -> dict[str, str]:
    """Return a stand-in URL for each link field, for rendering a template into a card.

    Args:
        fields: the kind's link fields, e.g. ``accept_url``.

    Returns:
        field -> a URL under :data:`PLACEHOLDER_PREFIX`.
    """
    return {field: f"{PLACEHOLDER_PREFIX}{field}" for field in fields}


def card_paragraphs(rendered: RenderedMessage) -> list[str]:
    """Return the paragraphs of a plain-text rendering that belong on a card.

    The footer (why you receive this) and every line that carries a placeholder link are
    left out (with the line that introduced them): on a card, the buttons do what those
    lines offer.

    Args:
        rendered: the message rendered with :func:`placeholder_links`.

    Returns:
        The paragraphs, in order.
    """
    body = rendered.text.split(_FOOTER, 1)[0]
    paragraphs: list[str] = []
    for paragraph in body.split("\n\n"):
        lines = paragraph.strip().splitlines()
        kept = [line for line in lines if PLACEHOLDER_PREFIX not in line]
        if len(kept) < len(lines) and not kept and paragraphs and paragraphs[-1].endswith(":"):
            # "One click is all it takes:" introduced the links the buttons now replace.
            paragraphs.pop()
        if kept:
            paragraphs.append("\n".join(kept))
    return paragraphs


def message_facts(context: MessageContext) -> list[tuple[str, str]]:
    """Return the facts shown in a card's fact table (what, due), for the kinds that ask.

    Args:
        context: the message's context.

    Returns:
        (label, value) pairs; none for messages that only inform.
    """
    if context.kind not in ASKING_KINDS:
        return []
    commitment = context.commitment
    return [
        ("What", commitment.title),
        ("Due", describe_instant(commitment.due, context.zone)),
    ]


def message_card(
    rendered: RenderedMessage,
    *,
    facts: Sequence[tuple[str, str]] = (),
    buttons: Sequence[CardButton] = (),
) -> dict[str, Any]:
    """Build the card for one of Accord's messages.

    Args:
        rendered: the message rendered with :func:`placeholder_links` for its link fields.
        facts: (label, value) pairs shown under the heading.
        buttons: the one-click answers, in the order the message offers them.

    Returns:
        The Adaptive Card (a JSON-ready dict).
    """
    body: list[dict[str, Any]] = [_heading(rendered.subject)]
    if facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in facts],
            }
        )
    body.extend(_text(paragraph) for paragraph in card_paragraphs(rendered))
    return _card(body, [_execute(button) for button in buttons])


def outcome_card(
    heading: str,
    lines: Sequence[str] = (),
    *,
    title: str | None = None,
    style: Style = "default",
) -> dict[str, Any]:
    """Build a card without buttons: what was recorded, or why nothing was.

    It replaces the answered card in the chat (the invoke response), so a second press has
    nothing to press.

    Args:
        heading: one line, e.g. "Thanks — recorded as on track."
        lines: further sentences.
        title: the commitment's title, when known.
        style: the container's colour (good for recorded, attention for refused).

    Returns:
        The Adaptive Card.
    """
    items: list[dict[str, Any]] = [_heading(heading)]
    if title:
        items.append(_text(title, subtle=True))
    items.extend(_text(line) for line in lines)
    return _card([{"type": "Container", "style": style, "items": items}], [])


def list_card(heading: str, rows: Sequence[tuple[str, str]], empty: str) -> dict[str, Any]:
    """Build a card listing commitments (title and where it stands).

    Args:
        heading: what the list is.
        rows: (title, status line) pairs.
        empty: what to say when there are none.

    Returns:
        The Adaptive Card.
    """
    body: list[dict[str, Any]] = [_heading(heading)]
    if not rows:
        body.append(_text(empty))
    for title, status in rows:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [_text(title, bold=True), _text(status, subtle=True)],
            }
        )
    return _card(body, [])


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "weight": "Bolder", "size": "Medium", "wrap": True}


def _text(text: str, *, subtle: bool = False, bold: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if bold:
        block["weight"] = "Bolder"
    return block


def _execute(button: CardButton) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "title": ACTION_LABELS[button.action],
        "verb": button.action.value,
        "data": {"token": button.token},
    }
    if button.action in _POSITIVE:
        action["style"] = "positive"
    return action
