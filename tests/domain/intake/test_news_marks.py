"""A sentence marked as news ("FYI:", "Heads-up:", "Zur Info:", "Pour info :", "Para tu
información:") asks only in words that ask, or by an imperative with its object: a noun that
could be read as a verb ("FYI: review meetings move to Friday") asks nothing. The sentences
are the tests' own."""

import pytest

from domain.intake import Ignored
from tests.support.intake_mail import read


@pytest.mark.parametrize(
    "body",
    [
        "Sam,\n\nFYI: review meetings move to Friday.\n\nMaya",
        "Sam, heads-up: review sessions shift to Thursday afternoon.",
        "FYI - planning calls start at 9 on Monday from now on.",
        "Sam, for your information: update meetings run until Friday.",
    ],
)
def test_news_whose_first_noun_could_be_a_verb_asks_nothing(body: str) -> None:
    reading = read(body)
    assert reading.ignored is Ignored.NOT_A_REQUEST, reading
    assert not reading.drafts


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, FYI: please send me the venue contract by Friday.", "venue"),
        ("Sam, FYI: send me the venue contract by Friday.", "venue"),
        ("Sam, pour info : envoie-moi le contrat de la salle d'ici vendredi.", "contrat"),
    ],
)
def test_news_marks_keep_an_ask_in_words_that_ask(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title
