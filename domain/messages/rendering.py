"""Rendering a message once, from its kind's one template, into a :class:`RenderedMessage`.

Each kind has one template, ``templates/<kind>.jinja``, which writes the small markup that
``templates/_message.jinja`` describes (paragraphs, headings, lists, fact tables, actions,
callouts, an image). Jinja's autoescape escapes every value, so what people wrote (a title, a
note) is always text and never structure; this module reads the markup back into plain-text
blocks. The channel adapters (``domain/messages/email.py``, ``domain/messages/cards.py``)
take it from there, so every channel says the same words. Times appear in the reader's zone,
with the zone named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from domain.messages.formatting import (
    describe_date,
    describe_instant,
    describe_interval,
    describe_slot,
)
from domain.messages.kinds import CONTEXT_TYPES, DigestContext, MessageContext, MessageKind
from domain.messages.rendered import (
    Action,
    Actions,
    Block,
    Callout,
    Fact,
    Facts,
    Heading,
    Image,
    ItemList,
    Paragraph,
    RenderedMessage,
    Tone,
)
from domain.models import CheckInAnswer, TimeSlot

TEMPLATE_SUFFIX = ".jinja"
TEMPLATES = Path(__file__).with_name("templates")
"""One ``<name>.jinja`` per message; names starting with ``_`` are shared parts."""

_ANSWER_LABELS = {
    CheckInAnswer.ON_TRACK: "on track",
    CheckInAnswer.AT_RISK: "at risk",
    CheckInAnswer.BLOCKED: "blocked",
    CheckInAnswer.DONE: "done",
}


class TemplateMarkupError(ValueError):
    """A template wrote markup this module does not read (a template bug, not bad input)."""


def render_message(kind: MessageKind, context: MessageContext | DigestContext) -> RenderedMessage:
    """Render one message from its kind's template.

    Args:
        kind: which message.
        context: the matching context, e.g. :class:`ExpectationContext` for ``expectation``
            (see :data:`CONTEXT_TYPES`).

    Returns:
        The message, ready for a channel adapter.

    Raises:
        TypeError: when the context does not belong to the kind.
    """
    expected = CONTEXT_TYPES[kind]
    if type(context) is not expected:
        raise TypeError(
            f"{kind} is rendered from {expected.__name__}, not {type(context).__name__}"
        )
    return render_template(kind.value, context.template_variables())


def render_fields(kind: MessageKind, fields: Mapping[str, Any]) -> RenderedMessage:
    """Read a kind's context from plain fields (e.g. an activity's JSON input) and render it.

    Args:
        kind: which message.
        fields: the context's fields (see :data:`CONTEXT_TYPES`).

    Returns:
        The message, ready for a channel adapter.

    Raises:
        pydantic.ValidationError: when the fields do not fit the kind.
    """
    return render_message(kind, CONTEXT_TYPES[kind].model_validate(fields))


def render_template(name: str, variables: Mapping[str, Any]) -> RenderedMessage:
    """Render the template ``<name>.jinja``.

    For messages that are not about one commitment too (e.g. intake's question to a manager
    whose email lacked something); they get the same filters and frame.

    Args:
        name: the template's name, e.g. ``intake_question``.
        variables: what the template sees; ``zone`` must be the reader's ``ZoneInfo``. An
            action's ``field`` names the variable holding its link.

    Returns:
        The message, ready for a channel adapter.

    Raises:
        TemplateMarkupError: when the template's markup is not the one described.
    """
    markup = _environment().get_template(f"{name}{TEMPLATE_SUFFIX}").render(dict(variables))
    reader = _MarkupReader(lambda field: _link(name, variables, field))
    reader.feed(markup)
    reader.close()
    return reader.message(name)


def preload_templates() -> None:
    """Load and compile every template now, e.g. when a worker starts.

    Rendering reads template files on first use; Temporal's workflow sandbox forbids file
    access, so preload outside it before rendering inside a workflow. Activities need not.
    """
    environment = _environment()
    for name in environment.list_templates(extensions=[TEMPLATE_SUFFIX.lstrip(".")]):
        environment.get_template(name)


def _link(name: str, variables: Mapping[str, Any], field: str) -> str:
    url = variables.get(field)
    if not isinstance(url, str):
        raise TemplateMarkupError(f"{name}: the action {field!r} has no link")
    return url


_FRAME = frozenset({"subject", "greeting", "signoff", "footer"})
_GROUPS: Mapping[str, frozenset[str]] = {
    "ul": frozenset({"li"}),
    "ol": frozenset({"li"}),
    "facts": frozenset({"fact"}),
    "actions": frozenset({"action"}),
    "callout": frozenset({"li"}),
}
_LEAVES = _FRAME | {"p", "h", "li", "fact", "action"}


class _MarkupReader(HTMLParser):
    """Reads a template's markup into the frame and the blocks of a message."""

    def __init__(self, link: Callable[[str], str]) -> None:
        # Character references (the autoescaped values) come back as the text they stand for.
        super().__init__(convert_charrefs=True)
        self._link = link
        self._frame: dict[str, str] = {}
        self._blocks: list[Block] = []
        self._group: tuple[str, dict[str, str]] | None = None
        self._members: list[Any] = []
        self._leaf: tuple[str, dict[str, str]] | None = None
        self._text: list[str] = []

    def message(self, name: str) -> RenderedMessage:
        missing = _FRAME - set(self._frame)
        if missing or self._group is not None or self._leaf is not None:
            raise TemplateMarkupError(f"{name}: unfinished markup ({', '.join(sorted(missing))})")
        return RenderedMessage(
            # Subjects are one line in every mail client; templates may wrap them.
            subject=" ".join(self._frame["subject"].split()),
            greeting=self._frame["greeting"],
            blocks=tuple(self._blocks),
            signoff=self._frame["signoff"],
            footer=self._frame["footer"],
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A bare attribute (``<action secondary>``) has no value; its presence is what counts.
        attributes = {name: value or "" for name, value in attrs}
        if self._leaf is not None:
            raise TemplateMarkupError(f"<{tag}> inside <{self._leaf[0]}>")
        if tag == "image" and self._group is None:
            self._add_block(
                Image(
                    content_id=attributes["cid"],
                    alt_text=attributes["alt"],
                    width=int(attributes["width"]),
                    height=int(attributes["height"]),
                )
            )
        elif tag in _GROUPS and self._group is None:
            self._group, self._members = (tag, attributes), []
        elif tag in _LEAVES and self._fits(tag):
            self._leaf, self._text = (tag, attributes), []
        else:
            raise TemplateMarkupError(f"<{tag}> is not expected here")

    def handle_endtag(self, tag: str) -> None:
        if tag == "image":
            return
        if self._leaf is not None and tag == self._leaf[0]:
            name, attributes = self._leaf
            self._leaf = None
            # Spaces that end a line show nowhere; dropping them keeps the channels alike.
            text = "\n".join(line.rstrip() for line in "".join(self._text).splitlines())
            self._end_leaf(name, attributes, text.strip())
        elif self._leaf is None and self._group is not None and tag == self._group[0]:
            name, attributes = self._group
            self._group = None
            self._end_group(name, attributes)
        else:
            raise TemplateMarkupError(f"</{tag}> closes nothing")

    def handle_data(self, data: str) -> None:
        if self._leaf is not None:
            self._text.append(data)
        elif data.strip():
            raise TemplateMarkupError(f"text outside an element: {data.strip()[:40]!r}")

    def _fits(self, tag: str) -> bool:
        if self._group is None:
            return tag in _FRAME or tag in {"p", "h"}
        return tag in _GROUPS[self._group[0]]

    def _end_leaf(self, name: str, attributes: dict[str, str], text: str) -> None:
        if name in _FRAME:
            self._frame[name] = text
        elif not text:
            return  # a part left empty by a condition says nothing
        elif name == "p":
            self._add_block(Paragraph(text=text, tone=Tone(attributes.get("tone", "normal"))))
        elif name == "h":
            self._add_block(Heading(text=text))
        elif name == "li":
            self._members.append(text)
        elif name == "fact":
            self._members.append(Fact(label=attributes["label"], value=text))
        else:
            field = attributes["field"]
            primary = "secondary" not in attributes
            self._members.append(
                Action(label=text, field=field, url=self._link(field), primary=primary)
            )

    def _end_group(self, name: str, attributes: dict[str, str]) -> None:
        members = tuple(self._members)
        if not members:
            return
        if name in {"ul", "ol"}:
            self._add_block(ItemList(items=members, numbered=name == "ol"))
        elif name == "facts":
            self._add_block(Facts(facts=members))
        elif name == "actions":
            self._add_block(Actions(actions=members, intro=attributes.get("intro") or None))
        else:
            self._add_block(Callout(title=attributes["title"], lines=members))

    def _add_block(self, block: Block) -> None:
        self._blocks.append(block)


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Every value is escaped, so the markup reader sees people's words as text only.
        autoescape=True,
        undefined=StrictUndefined,
        # Templates ship with the package; not re-checking them keeps rendering free of I/O.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        when=_when,
        day=_day,
        slot=_slot,
        every=describe_interval,
        answer_label=_ANSWER_LABELS.__getitem__,
    )
    return environment


@pass_context
def _when(context: Context, at: datetime) -> str:
    return describe_instant(at, context["zone"])


@pass_context
def _day(context: Context, at: datetime) -> str:
    return describe_date(at, context["zone"])


@pass_context
def _slot(context: Context, slot: TimeSlot) -> str:
    return describe_slot(slot, context["zone"])
