"""Courtesy lines (issue 18): "No need to answer tonight" scopes its own sentence only; it
never cancels the request around it, and its "tonight" is no due date."""

import pytest

from domain.intake import Ignored
from tests.support.intake_mail import local, read

ASK = "Could you review the pricing memo by Friday?"


@pytest.mark.parametrize(
    "courtesy",
    [
        "No need to answer tonight.",
        "No need to reply tonight, tomorrow is fine.",
        "No rush to reply.",
        "No reply needed today.",
        "Don't reply tonight.",
        "Keine Antwort nötig.",
        "Pas besoin de répondre ce soir.",
        "No hace falta responder hoy.",
    ],
)
@pytest.mark.parametrize("before", [True, False], ids=["courtesy first", "courtesy last"])
def test_a_courtesy_line_never_cancels_the_request(courtesy: str, before: bool) -> None:
    body = f"{courtesy}\n{ASK}" if before else f"{ASK} {courtesy}"
    reading = read(f"Hi Sam,\n\n{body}\n\nThanks,\nMaya")
    assert reading.is_complete, reading
    assert reading.title == "Review the pricing memo"
    assert local(reading) == "2026-12-04 17:00"


def test_the_courtesy_date_is_not_the_due_date() -> None:
    reading = read("Could you review the pricing memo? No need to answer tonight.")
    assert reading.due is None
    assert reading.missing == ["due_date"]


@pytest.mark.parametrize(
    "body",
    [
        "FYI, the deck is attached. No action needed.",
        "For information only: the Q1 figures are in.",
        "Nur zur Information: die Zahlen sind da.",
        "Pour information seulement : les chiffres sont arrivés.",
    ],
)
def test_no_action_still_rules_out_an_ask(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST
