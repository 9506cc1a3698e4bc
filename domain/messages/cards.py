"""Teams as a channel: Adaptive Cards people answer in one click. Pure builders, no I/O.

A message card shows a :class:`RenderedMessage`, the same one email shows, so both channels
say the same words (and the same blame-word test checks both): the subject as the heading,
then the greeting, the blocks in order (fact tables as ``FactSet``), and the sign-off. The
footer (why an email reaches you) and an action's lead-in ("One click is all it takes:") stay
out: the card lives in the reader's chat with Accord, and its buttons stand on their own.
Buttons are Universal Actions (``Action.Execute``): the verb is the action-link action and
the data carries the signed action-link token, so a card's answer is verified and applied
exactly like the email's link. Answers that need words (a promise's what and by when) carry
the email page's fields as inputs (:data:`CARD_INPUTS`), whose values Teams merges into that data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.action_links import LinkAction
from domain.messages.rendered import (
    Actions,
    Block,
    Callout,
    Facts,
    Heading,
    Image,
    ItemList,
    Paragraph,
    RenderedMessage,
    Tone,
)

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
"""Universal Actions (``Action.Execute``) need 1.4 or later; Teams renders 1.5."""
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

CARD_ACTIONS = frozenset(
    {
        LinkAction.ACCEPT,
        LinkAction.TALK,
        LinkAction.CHECK_IN_ON_TRACK,
        LinkAction.CHECK_IN_AT_RISK,
        LinkAction.CHECK_IN_BLOCKED,
        LinkAction.DONE,
        LinkAction.ACCEPT_REVISION,
        LinkAction.REQUEST_CONVERSATION,
        # Asking what would help needs no more than a press (a note is for the email's page).
        LinkAction.REQUEST_SUPPORT,
        # A manager's answers to a request for support: a promise and a "not possible" carry
        # what the email's page asks for as the card's inputs (CARD_INPUTS).
        LinkAction.PROMISE_SUPPORT,
        LinkAction.SUPPORT_TALK,
        LinkAction.SUPPORT_NOT_POSSIBLE,
    }
)
"""The actions a card's button can carry: those the bot applies to a commitment."""

CARD_INPUTS: Mapping[LinkAction, tuple[dict[str, Any], ...]] = {
    # Ids are the email form's field names, so both channels read the same fields. Nothing
    # is marked required: Teams would then refuse the card's other buttons until filled in;
    # the bot checks them and says what is missing.
    LinkAction.PROMISE_SUPPORT: (
        {"type": "Input.Text", "id": "what", "label": "What you'll do", "isMultiline": True},
        {"type": "Input.Date", "id": "by", "label": "By when"},
    ),
    LinkAction.SUPPORT_NOT_POSSIBLE: (
        {
            "type": "Input.Text",
            "id": "note",
            "label": "If it isn't possible, here's why (they'll read it)",
            "isMultiline": True,
        },
    ),
}
"""Per action, the Adaptive Card inputs its answer needs; Teams merges their values into the
pressed ``Action.Execute``'s data."""

Style = Literal["default", "good", "attention", "warning"]


class CardButton(BaseModel):
    """One button of a card: the action it performs and the signed token that allows it."""

    model_config = ConfigDict(frozen=True)

    action: LinkAction
    token: str


def message_card(
    message: RenderedMessage, buttons: Mapping[str, CardButton] | None = None
) -> dict[str, Any]:
    """Build the card for one of Accord's messages.

    Args:
        message: the message, rendered once.
        buttons: per link field (e.g. ``accept_url``), what its button does; each of the
            message's actions needs one. The button's label and emphasis are the message's.

    Returns:
        The Adaptive Card (a JSON-ready dict).

    Raises:
        ValueError: when an action of the message has no button.
    """
    body: list[dict[str, Any]] = [_heading(message.subject), _text(message.greeting)]
    body.extend(block for item in message.blocks if (block := _block(item)) is not None)
    actions = []
    for action in message.actions:
        button = (buttons or {}).get(action.field)
        if button is None:
            raise ValueError(f"the action {action.field!r} has no button")
        body.extend(_inputs(button.action))
        actions.append(_execute(action.label, button, positive=action.primary))
    body.append(_text(message.signoff))
    return _card(body, actions)


def form_card(
    heading: str,
    lines: Sequence[str],
    *,
    label: str,
    button: CardButton,
    values: Mapping[str, str],
    title: str | None = None,
) -> dict[str, Any]:
    """Build a card asking again for an answer's inputs, with what was typed kept.

    It replaces a card whose inputs fell short, so the person can finish there.

    Args:
        heading: what is missing, in one line.
        lines: further sentences.
        label: the button's label.
        button: what the button does (the same signed token as before).
        values: the inputs' values as typed, by input id.
        title: the commitment's title, when known.

    Returns:
        The Adaptive Card.
    """
    items: list[dict[str, Any]] = [_heading(heading)]
    if title:
        items.append(_text(title, subtle=True))
    items.extend(_text(line) for line in lines)
    body: list[dict[str, Any]] = [{"type": "Container", "style": "attention", "items": items}]
    body.extend(_inputs(button.action, values))
    return _card(body, [_execute(label, button, positive=True)])


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


def _block(block: Block) -> dict[str, Any] | None:
    if isinstance(block, Paragraph):
        return _text(block.text, subtle=block.tone is not Tone.NORMAL)
    if isinstance(block, Heading):
        return _text(block.text, bold=True)
    if isinstance(block, ItemList):
        # Teams renders Markdown lists in a TextBlock.
        if block.numbered:
            return _text("\n".join(f"{n}. {item}" for n, item in enumerate(block.items, 1)))
        return _text("\n".join(f"- {item}" for item in block.items))
    if isinstance(block, Facts):
        return {
            "type": "FactSet",
            "facts": [{"title": fact.label, "value": fact.value} for fact in block.facts],
        }
    if isinstance(block, Callout):
        items = [_text(block.title, bold=True), *(_text(line) for line in block.lines)]
        return {"type": "Container", "style": "emphasis", "items": items}
    if isinstance(block, Image):
        # An inline attachment has no address a card could show; its description stands in.
        return _text(block.alt_text, subtle=True)
    if isinstance(block, Actions):
        return None  # the buttons go in the card's actions; their lead-in is left out
    raise TypeError(f"no card block for {type(block).__name__}")


def _inputs(action: LinkAction, values: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    inputs = []
    for spec in CARD_INPUTS.get(action, ()):
        value = (values or {}).get(spec["id"])
        inputs.append({**spec, "value": value} if value else dict(spec))
    return inputs


def _execute(label: str, button: CardButton, *, positive: bool) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "title": label,
        "verb": button.action.value,
        "data": {"token": button.token},
    }
    if positive:
        action["style"] = "positive"
    return action
