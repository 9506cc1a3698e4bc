"""Adaptive Cards: the email's words without its links, Universal Actions, and kind copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api import teams_bot
from domain.action_links import LinkAction
from domain.cards import (
    PLACEHOLDER_PREFIX,
    CardButton,
    card_paragraphs,
    list_card,
    message_card,
    message_facts,
    outcome_card,
    placeholder_links,
)
from domain.messages import CONTEXT_TYPES, MessageContext, MessageKind, render_message
from tests.domain.test_templates import BLAME_PATTERNS, SAMPLES, commitment


def _cards() -> list[dict[str, object]]:
    cards = []
    for kind, build in SAMPLES.items():
        context = build(commitment())
        if not isinstance(context, MessageContext):
            continue
        links = [name for name in type(context).model_fields if name.endswith("_url")]
        context = type(context).model_validate({**context.model_dump(), **placeholder_links(links)})
        rendered = render_message(kind, context)
        buttons = [CardButton(action=LinkAction.ACCEPT, token="t") for _ in links]
        cards.append(message_card(rendered, facts=message_facts(context), buttons=buttons))
    return cards


def test_every_kind_becomes_a_card_without_links() -> None:
    for card in _cards():
        text = str(card)
        assert PLACEHOLDER_PREFIX not in text and "http://accord" not in text
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"


def test_the_check_in_card_drops_the_line_that_introduced_its_links() -> None:
    context = SAMPLES[MessageKind.CHECK_IN](commitment())
    assert isinstance(context, MessageContext)
    fields = ["on_track_url", "at_risk_url", "blocked_url", "done_url"]
    context = type(context).model_validate({**context.model_dump(), **placeholder_links(fields)})
    paragraphs = card_paragraphs(render_message(MessageKind.CHECK_IN, context))
    assert not any(paragraph.endswith(":") for paragraph in paragraphs)
    assert any("useful answers" in paragraph for paragraph in paragraphs)


def test_buttons_are_universal_actions_carrying_the_token() -> None:
    context = SAMPLES[MessageKind.EXPECTATION](commitment())
    rendered = render_message(MessageKind.EXPECTATION, context)
    card = message_card(
        rendered,
        buttons=[
            CardButton(action=LinkAction.ACCEPT, token="a"),
            CardButton(action=LinkAction.TALK, token="b"),
        ],
    )
    assert card["actions"] == [
        {
            "type": "Action.Execute",
            "title": "Accept",
            "verb": "accept",
            "data": {"token": "a"},
            "style": "positive",
        },
        {"type": "Action.Execute", "title": "Let's talk", "verb": "talk", "data": {"token": "b"}},
    ]


def test_informing_cards_have_no_fact_table_and_asking_ones_do() -> None:
    thanks = SAMPLES[MessageKind.DONE_THANKS](commitment())
    check_in = SAMPLES[MessageKind.CHECK_IN](commitment())
    assert isinstance(thanks, MessageContext) and isinstance(check_in, MessageContext)
    assert message_facts(thanks) == []
    assert [label for label, _ in message_facts(check_in)] == ["What", "Due"]


def test_outcome_and_list_cards_have_no_buttons() -> None:
    assert "actions" not in outcome_card("Thanks", ["Recorded."], title="T", style="good")
    assert "actions" not in list_card("Yours", [("T", "Active")], "None")
    assert "None" in str(list_card("Yours", [], "None"))


def _bot_copy() -> str:
    strings = [teams_bot.HELP, teams_bot.UNKNOWN]
    source = Path(teams_bot.__file__).read_text(encoding="utf-8")
    strings += re.findall(r'"([^"\n]{12,})"', source)
    return "\n".join(strings)


@pytest.mark.parametrize("pattern", BLAME_PATTERNS)
def test_no_blame_words_on_cards_or_in_the_bots_replies(pattern: str) -> None:
    texts = [str(card) for card in _cards()] + [_bot_copy()]
    for text in texts:
        assert not re.search(pattern, text, re.IGNORECASE), pattern


def test_every_message_kind_is_known_to_the_card_builder() -> None:
    assert MessageKind.TEAMS_FALLBACK in CONTEXT_TYPES
