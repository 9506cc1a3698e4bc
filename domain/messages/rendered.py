"""A message rendered once, for any channel: what it says, in order, as plain text.

:func:`domain.messages.rendering.render_message` builds it from the kind's one template; one
channel adapter then shows it: :func:`domain.messages.email.email_body` (an HTML and a
plain-text body from one layout) or :func:`domain.messages.cards.message_card` (an Adaptive
Card). Nothing here is markup: each adapter escapes the text for its medium. A line break
inside a text is the writer's own (a note of several lines) and is kept.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.models import DomainModel


class Tone(StrEnum):
    """How loudly a paragraph speaks: most do normally; asides are subtle or small."""

    NORMAL = "normal"
    SUBTLE = "subtle"
    SMALL = "small"


class Paragraph(DomainModel):
    """A paragraph of prose."""

    type: Literal["paragraph"] = "paragraph"
    text: str
    tone: Tone = Tone.NORMAL


class Heading(DomainModel):
    """A short title over what follows (a list, a callout)."""

    type: Literal["heading"] = "heading"
    text: str


class ItemList(DomainModel):
    """Items in a list, numbered when their order matters (an agenda)."""

    type: Literal["list"] = "list"
    items: tuple[str, ...]
    numbered: bool = False


class Fact(DomainModel):
    """One row of a fact table, e.g. ``Due``: ``Friday 27 November 2026, 17:00 (...)``."""

    label: str
    value: str


class Facts(DomainModel):
    """A fact table."""

    type: Literal["facts"] = "facts"
    facts: tuple[Fact, ...]


class Action(DomainModel):
    """One thing the reader can do in one click.

    ``field`` names the context's link field (e.g. ``accept_url``): Teams finds the button's
    verb and signed token by it; ``url`` is the signed link email uses.
    """

    label: str
    field: str
    url: str
    primary: bool = True


class Actions(DomainModel):
    """The message's one-click answers, where the message offers them.

    ``intro`` leads into them ("One click is all it takes:"); a card, whose buttons stand
    on their own, leaves it out.
    """

    type: Literal["actions"] = "actions"
    actions: tuple[Action, ...]
    intro: str | None = None


class Callout(DomainModel):
    """A highlighted note about someone or something: ``title``, then its lines."""

    type: Literal["callout"] = "callout"
    title: str
    lines: tuple[str, ...]


class Image(DomainModel):
    """An inline picture sent with the message (an attachment named by its content id)."""

    type: Literal["image"] = "image"
    content_id: str
    alt_text: str
    width: int
    height: int


Block = Annotated[
    Paragraph | Heading | ItemList | Facts | Actions | Callout | Image, Field(discriminator="type")
]


class RenderedMessage(DomainModel):
    """A message ready for a channel: its frame (subject, greeting, sign-off, footer) and body.

    ``footer`` says why the reader receives the message; email shows it, a card in the
    reader's chat with Accord does not need to.
    """

    subject: str
    greeting: str
    blocks: tuple[Block, ...]
    signoff: str
    footer: str

    @property
    def paragraphs(self) -> list[str]:
        """The prose paragraphs, in order."""
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def facts(self) -> list[Fact]:
        """Every fact of every fact table, in order."""
        return [fact for block in self.blocks if isinstance(block, Facts) for fact in block.facts]

    @property
    def actions(self) -> list[Action]:
        """Every one-click answer, in order."""
        return [
            action
            for block in self.blocks
            if isinstance(block, Actions)
            for action in block.actions
        ]
