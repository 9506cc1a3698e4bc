"""Asks that round 10 of issue 18 showed read as "not a request", and owners it read too
widely, fixed by grammar: the modal of ability in the second person in any tense and number;
the writer's need in any mood, or with its subject dropped; work handed over by saying whose
it is; a recipient said to be only kept informed (which neither makes them an owner nor
cancels the ask said to the other); a name called in the middle of the ask; terse mobile
mail (weekday names, abbreviations, emoji); a take-on question with its work; and a subject
of filler words, which names no work. The sentences are the tests' own."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import Ignored, Missing
from domain.intake.languages import is_read_language
from tests.support.intake_mail import OMAR, PRIYA, SAM, local, read

FRIDAY = "2026-12-04"
"""The Friday after the default sent time (Wednesday 2 December 2026, London)."""


def _asks(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title
    assert local(reading)[:10] == FRIDAY, reading


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, könnt ihr bis Freitag die Inventurliste für das Lager abgleichen?", "inventurliste"),
        ("Sam, pourras-tu m'envoyer le bilan des ventes d'ici vendredi ?", "bilan des ventes"),
        ("Sam, ¿podéis revisar las facturas del proveedor para el viernes?", "facturas"),
    ],
)
def test_the_modal_of_ability_in_any_tense_and_number_asks(body: str, word: str) -> None:
    _asks(body, word)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, j'aurais besoin du rapport d'incident pour vendredi.", "rapport d'incident"),
        ("Sam, ich bräuchte bis Freitag die Reisekostenabrechnung.", "reisekostenabrechnung"),
        ("Sam, necesitaría el inventario de portátiles para el viernes.", "inventario"),
        ("Sam, need the supplier scorecard by Friday.", "supplier scorecard"),
        (
            "The movers are booked and the keys arrive Monday. The one thing we need from you, "
            "Sam: the seating plan by Friday.",
            "seating plan",
        ),
    ],
)
def test_the_writers_need_in_any_mood_or_without_its_subject_asks(body: str, word: str) -> None:
    _asks(body, word)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, this one's yours: the tender response, due Friday.", "tender response"),
        ("Sam, je te laisse finaliser la convention de stage d'ici vendredi.", "convention"),
        ("Sam, te toca preparar el orden del día para el viernes.", "orden del día"),
    ],
)
def test_work_handed_over_by_saying_whose_it_is_asks(body: str, word: str) -> None:
    _asks(body, word)


@pytest.mark.parametrize(
    "body",
    [
        "Need a hand with the move on Friday? Just shout.",
        "Sam, I'm leaving the office early on Friday.",
        "Sam, nous aurons une réunion vendredi.",
        "Sam, ich brauchte gestern nur fünf Minuten dafür.",
    ],
)
def test_offers_plans_and_past_needs_ask_nothing(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert not reading.drafts


_HANDED = (
    "The vendor contract needs to be renewed by Friday. Sam, that's with you; "
    "Priya, just for visibility.",
    "Der Wartungsvertrag muss bis Freitag verlängert werden. Sam, das übernimmst bitte du "
    "\u2013 Priya ist nur zur Info dabei.",
    "Sam, peux-tu envoyer le planning d'ici vendredi ? Priya, je te mets en copie.",
    "Sam, ¿puedes enviar el calendario para el viernes? Priya, te copio para que estés al tanto.",
)


@pytest.mark.parametrize("body", _HANDED)
def test_a_recipient_only_kept_informed_is_no_owner_and_cancels_nothing(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert reading.is_complete, reading
    assert [owner.address for owner in reading.owners] == [SAM.address], reading
    assert local(reading)[:10] == FRIDAY, reading


@settings(max_examples=20, deadline=None)
@given(body=st.sampled_from(_HANDED), swap=st.booleans())
def test_the_doer_is_the_owner_whatever_the_order_of_the_to_line(body: str, swap: bool) -> None:
    to = [PRIYA, SAM] if swap else [SAM, PRIYA]
    reading = read(body, to=to)
    assert [owner.address for owner in reading.owners] == [SAM.address], reading


def test_a_name_called_inside_the_ask_picks_that_owner_among_the_to_line() -> None:
    body = (
        "A short round-up: the audit went well, Priya, thanks for the binders. "
        "One thing I need from you, Sam: the remediation log by Friday."
    )
    reading = read(body, to=[SAM, PRIYA])
    assert [owner.address for owner in reading.owners] == [SAM.address], reading
    assert "remediation log" in reading.title.lower(), reading.title


@pytest.mark.parametrize(
    "body",
    [
        "Sam, Priya: can you each send me your seating preferences by Friday?",
        "Sam and Priya, please share the rota by Friday.",
    ],
)
def test_an_ask_to_everyone_named_up_front_is_for_all_of_them(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert sorted(owner.address for owner in reading.owners) == sorted(
        [SAM.address, PRIYA.address]
    ), reading


def test_no_action_said_to_everyone_still_asks_nothing() -> None:
    body = "Sam, for information only: the office closes Friday. Priya, just for visibility."
    reading = read(body, to=[SAM, PRIYA])
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


def test_terse_mobile_mail_is_read_by_its_weekday_and_abbreviations() -> None:
    assert is_read_language("Sam rapport Lefèvre pr jeudi stp")
    assert is_read_language("Sam Angebot Kunze bzw Mittwoch asap")
    assert not is_read_language("Sam, kun je het rapport vrijdag afronden, graag")


def test_an_emoji_after_the_deadline_keeps_the_bare_deliverable_an_ask() -> None:
    _asks("Sam, supplier scorecard Friday at the latest \U0001f64f\U0001f3fd", "supplier scorecard")


def test_a_take_on_question_with_its_work_asks_and_waits_for_a_date() -> None:
    body = (
        "Sam, ¿te encargas de renovar el contrato de mantenimiento de las impresoras de la planta?"
    )
    reading = read(body)
    assert reading.ignored is None, reading
    assert reading.missing == [Missing.DUE_DATE], reading


def test_a_subject_of_filler_words_names_no_work() -> None:
    reading = read("Sam, can you sort this by Friday please?", subject="Quick one")
    assert Missing.TITLE in reading.missing, reading
    assert not reading.drafts


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam needs to send the signed minutes to the notary by Friday.", "minutes"),
        ("Il faut que Sam dépose le dossier de subvention au plus tard vendredi.", "dossier"),
        ("Sam muss den Rahmenvertrag bis Freitag unterschreiben.", "rahmenvertrag"),
        ("Queda pendiente que Sam envíe el acta firmada a la notaría para el viernes.", "acta"),
    ],
)
def test_a_recipients_duty_said_by_name_is_theirs_alone(body: str, word: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert reading.is_complete, reading
    assert [owner.address for owner in reading.owners] == [SAM.address], reading
    assert word in reading.title.lower(), reading.title
    assert local(reading)[:10] == FRIDAY, reading


@pytest.mark.parametrize(
    "body",
    [
        "Sam needs to leave early on Friday.",
        "Nadia needs to send the signed minutes to the notary by Friday.",
    ],
)
def test_a_duty_without_an_object_or_of_no_recipient_asks_nothing(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert not reading.drafts, reading


@pytest.mark.parametrize(
    ("body", "subject", "title"),
    [
        (
            "The supplier list needs to be refreshed by Friday. Sam, that's with you; "
            "Priya, just for visibility.",
            "Hello",
            "Refresh the supplier list",
        ),
        (
            "Sam, je te laisse gérer celui-ci. La réponse est à envoyer pour vendredi.",
            "TR: Réclamation client Dupuis",
            "Réclamation client Dupuis",
        ),
    ],
)
def test_a_handover_naming_no_work_is_titled_by_the_work_named_elsewhere(
    body: str, subject: str, title: str
) -> None:
    reading = read(body, to=[SAM, PRIYA], subject=subject)
    assert reading.title == title, reading


def test_the_note_names_everyone_only_kept_informed_in_plain_words() -> None:
    reading = read(
        "Sam, the venue contract is yours, by Friday please. "
        "Priya, just for visibility. Omar, just for visibility too.",
        to=[SAM, PRIYA, OMAR],
    )
    assert [owner.address for owner in reading.owners] == [SAM.address], reading
    assert "You said Priya Raman and Omar Haddad are only kept informed" in " ".join(
        reading.notes
    ), reading.notes
