"""One message, rendered once, shown by email and by Teams: the same words, none of them blaming."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.action_links import LinkAction
from domain.intake.models import Mailbox, Missing, Reading
from domain.intake.question import IntakeQuestion, render_question
from domain.messages.cards import CardButton, message_card
from domain.messages.email import EmailBody, email_body
from domain.messages.kinds import MessageKind
from domain.messages.rendered import (
    Callout,
    Facts,
    Heading,
    Image,
    ItemList,
    Paragraph,
    RenderedMessage,
)
from domain.messages.rendering import render_message
from domain.models import Person
from tests.support.message_samples import BLAME_PATTERNS, SAMPLES, commitment

_TAG = re.compile(r"<[^>]+>")
_LIST_MARK = re.compile(r"^(- |\d+\. )")
# People's words: letters, digits, punctuation that means something to HTML or Markdown.
_WRITTEN = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "Zs"), whitelist_characters="<>&\"'*_-#.:;!?()"
    ),
    min_size=1,
    max_size=30,
).filter(lambda value: value.strip() != "")
_LINES = st.lists(_WRITTEN, min_size=1, max_size=3).map("\n".join)


def _buttons(message: RenderedMessage) -> dict[str, CardButton]:
    return {
        action.field: CardButton(action=LinkAction.ACCEPT, token=f"token-{action.field}")
        for action in message.actions
    }


def _card_strings(node: Any) -> list[str]:
    """Every string a card shows: text blocks, facts, button titles."""
    if isinstance(node, list):
        return [text for item in node for text in _card_strings(item)]
    if not isinstance(node, dict):
        return []
    shown = [node[key] for key in ("text", "title", "value") if isinstance(node.get(key), str)]
    for key in ("body", "items", "facts", "actions"):
        shown += _card_strings(node.get(key, []))
    return shown


def _html_words(body: EmailBody) -> str:
    """What an HTML body shows, as text: tags dropped, entities read, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", body.html.split("</head>", 1)[1])).split())


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _words(message: RenderedMessage) -> list[str]:
    """What every channel must show in its body: greeting, every block's words, sign-off."""
    words = [message.greeting, message.signoff]
    for block in message.blocks:
        if isinstance(block, Paragraph | Heading):
            words.append(block.text)
        elif isinstance(block, ItemList):
            words += block.items
        elif isinstance(block, Facts):
            words += [part for fact in block.facts for part in (fact.label, fact.value)]
        elif isinstance(block, Callout):
            words += [block.title, *block.lines]
    words += [action.label for action in message.actions]
    return words


def _assert_same_words(message: RenderedMessage) -> None:
    body = email_body(message)
    card = message_card(message, _buttons(message))
    card_shows = "\n".join(_card_strings(card))
    html_shows = _html_words(body)
    for words in _words(message):
        assert words in body.text, words
        assert _collapsed(words) in html_shows, words
        assert words in card_shows, words
    for image in (block for block in message.blocks if isinstance(block, Image)):
        assert image.alt_text in body.text and image.alt_text in card_shows
        assert f'alt="{html.escape(image.alt_text)}"' in body.html
    # Nothing on the card that the email does not say (a list's marks aside).
    for shown in _card_strings(card["body"][1:]) + [a["title"] for a in card.get("actions", [])]:
        for line in shown.splitlines():
            assert _LIST_MARK.sub("", line) in body.text, line
    # The card's buttons are the email's links, in the same order, with the same labels.
    assert [action["title"] for action in card.get("actions", [])] == [
        action.label for action in message.actions
    ]
    for action in message.actions:
        assert f"{action.label}: {action.url}" in body.text
        assert action.url not in str(card)
        assert html.escape(action.url) in body.html
    # The subject: the email's (Graph sends it; the page's title) and the card's heading.
    assert f"<title>{html.escape(message.subject, quote=False)}</title>" in body.html
    assert card["body"][0]["text"] == message.subject
    # Why an email reaches you is for email; a card lives in the reader's chat with Accord.
    assert message.footer in body.text and message.footer not in card_shows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(SAMPLES)),
    title=_WRITTEN,
    details=_LINES,
    criteria=_LINES,
    manager=_WRITTEN,
)
def test_both_channels_show_the_same_words_for_every_kind(
    kind: MessageKind, title: str, details: str, criteria: str, manager: str
) -> None:
    spec = commitment(title.strip()).model_copy(
        update={
            "description": details.strip(),
            "success_criteria": criteria.strip(),
            "manager": Person(email="sam@example.com", display_name=manager.strip()),
        }
    )
    _assert_same_words(render_message(kind, SAMPLES[kind](spec)))


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_kind_says_the_same_in_both_channels(kind: MessageKind) -> None:
    message = render_message(kind, SAMPLES[kind](commitment()))
    _assert_same_words(message)
    assert message.paragraphs, kind


def test_the_intake_question_says_the_same_in_both_channels() -> None:
    _assert_same_words(_question())


def _question() -> RenderedMessage:
    return render_question(
        IntakeQuestion(
            manager=Person(email="maya@example.com", display_name="Maya Chen"),
            recipient_time_zone="Europe/London",
            original_subject="Q1 budget",
            reading=Reading(
                missing=list(Missing),
                owners=[Mailbox(address="sam@example.com", name="Sam Okafor")],
                title="Draft the Q1 budget",
                notes=["The date 3/4 could be read two ways."],
            ),
        )
    )


def _every_channel_of_every_message() -> list[tuple[str, str]]:
    shown = []
    messages = [
        (str(kind), render_message(kind, build(commitment()))) for kind, build in SAMPLES.items()
    ]
    messages.append(("intake_question", _question()))
    for name, message in messages:
        body = email_body(message)
        card = "\n".join(_card_strings(message_card(message, _buttons(message))))
        shown += [(f"{name} subject", message.subject), (f"{name} email", body.html)]
        shown += [(f"{name} text", body.text), (f"{name} card", card)]
    return shown


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_no_blame_words_in_any_message_in_either_channel(pattern: str) -> None:
    for where, text in _every_channel_of_every_message():
        match = re.search(pattern, text, flags=re.IGNORECASE)
        assert match is None, f"{where}: {match.group(0) if match else ''!r}"
