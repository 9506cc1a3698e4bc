"""Adaptive Cards: the message's words without its links, Universal Actions, and kind copy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api import teams_bot
from domain.action_links import LinkAction
from domain.messages.cards import (
    CARD_ACTIONS,
    CardButton,
    list_card,
    message_card,
    outcome_card,
)
from domain.messages.kinds import CONTEXT_TYPES, MessageContext, MessageKind
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_message
from tests.support.message_samples import BLAME_PATTERNS, LINK, SAMPLES, commitment
from tests.support.teams import card_text


def _buttons(rendered: RenderedMessage) -> dict[str, CardButton]:
    return {
        action.field: CardButton(action=LinkAction.ACCEPT, token="t") for action in rendered.actions
    }


def _card(kind: MessageKind) -> dict[str, object]:
    rendered = render_message(kind, SAMPLES[kind](commitment()))
    return message_card(rendered, _buttons(rendered))


def _cards() -> list[dict[str, object]]:
    return [
        _card(kind)
        for kind, build in SAMPLES.items()
        if isinstance(build(commitment()), MessageContext)
    ]


def test_every_kind_becomes_a_card_without_links() -> None:
    for card in _cards():
        text = str(card)
        assert LINK.split("?")[0] not in text and "http://accord" not in text
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"


def test_the_check_in_card_drops_the_line_that_introduced_its_links() -> None:
    text = card_text(_card(MessageKind.CHECK_IN))
    assert "One click is all it takes" not in text
    assert not any(line.endswith(":") for line in text.splitlines())
    assert "useful answers" in text


def test_buttons_are_universal_actions_carrying_the_token() -> None:
    context = SAMPLES[MessageKind.EXPECTATION](commitment())
    rendered = render_message(MessageKind.EXPECTATION, context)
    card = message_card(
        rendered,
        {
            "accept_url": CardButton(action=LinkAction.ACCEPT, token="a"),
            "talk_url": CardButton(action=LinkAction.TALK, token="b"),
        },
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


def _fact_sets(card: dict[str, object]) -> list[list[str]]:
    body = card["body"]
    assert isinstance(body, list)
    return [[fact["title"] for fact in item["facts"]] for item in body if item["type"] == "FactSet"]


def test_informing_cards_have_no_fact_table_and_asking_ones_say_what_and_when() -> None:
    assert _fact_sets(_card(MessageKind.DONE_THANKS)) == []
    assert _fact_sets(_card(MessageKind.EXPECTATION)) == [
        ["What", "Details", "Success looks like", "Due", "Support offered"]
    ]
    due = "Friday 27 November 2026, 09:00 (PST, America/Los_Angeles)"
    for kind in (MessageKind.CHECK_IN, MessageKind.DEADLINE_PASSED_OWNER):
        text = card_text(_card(kind))
        assert "Quarterly revenue report" in text and due in text, kind


def test_a_message_action_without_a_button_is_refused() -> None:
    rendered = render_message(MessageKind.CHECK_IN, SAMPLES[MessageKind.CHECK_IN](commitment()))
    with pytest.raises(ValueError, match="on_track_url"):
        message_card(rendered, {})


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


def test_the_support_request_card_asks_what_its_answers_need() -> None:
    rendered = render_message(
        MessageKind.SUPPORT_REQUEST, SAMPLES[MessageKind.SUPPORT_REQUEST](commitment())
    )
    actions = {
        "promise_url": LinkAction.PROMISE_SUPPORT,
        "talk_url": LinkAction.SUPPORT_TALK,
        "not_possible_url": LinkAction.SUPPORT_NOT_POSSIBLE,
    }
    assert set(actions.values()) <= CARD_ACTIONS
    buttons = {field: CardButton(action=action, token=field) for field, action in actions.items()}
    card = message_card(rendered, buttons)
    body = card["body"]
    assert isinstance(body, list)
    inputs = {item["id"]: item for item in body if item["type"].startswith("Input.")}
    assert inputs["what"]["type"] == "Input.Text" and inputs["what"]["label"] == "What you'll do"
    assert inputs["by"]["type"] == "Input.Date" and inputs["by"]["label"] == "By when"
    assert inputs["note"]["type"] == "Input.Text"
    assert not any(spec.get("isRequired") for spec in inputs.values())
    assert [action["data"] for action in card["actions"]] == [{"token": field} for field in actions]
