"""Requests and due dates in German, French and Spanish (issue 18): the text chooses the
language, with the sender's mailbox language as a hint; numeric dates follow the sender's
locale; weekdays, months, relative phrases, "end of ..." and working days are read alike."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.intake import Ignored, parse_due
from domain.intake.languages import detect_language
from domain.timezones import resolve_zone
from tests.support.intake_mail import CONTEXT, local, read

WEDNESDAY = datetime(2026, 12, 2, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "language", "title", "due"),
    [
        (
            "Hallo Sam, kannst du bitte den Bericht bis Freitag fertigstellen? Danke, Maya",
            "de",
            "bericht",
            "2026-12-04 17:00",
        ),
        (
            "Sam, bitte schick mir das Angebot bis zum 4. Dezember. Danke!",
            "de",
            "angebot",
            "2026-12-04 17:00",
        ),
        (
            "Bonjour Sam, peux-tu envoyer le rapport d'ici vendredi ? Merci",
            "fr",
            "rapport",
            "2026-12-04 17:00",
        ),
        (
            "Sam, merci de préparer la présentation pour le 10 décembre à 14h.",
            "fr",
            "présentation",
            "2026-12-10 14:00",
        ),
        (
            "Hola Sam, ¿puedes preparar la presentación para el viernes? Gracias.",
            "es",
            "presentación",
            "2026-12-04 17:00",
        ),
        (
            "Sam, por favor revisa el contrato en 3 días hábiles.",
            "es",
            "contrato",
            "2026-12-07 17:00",
        ),
    ],
)
def test_requests_in_german_french_and_spanish(
    body: str, language: str, title: str, due: str
) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert reading.language == language
    assert title in reading.title.lower()
    assert local(reading) == due


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bis Freitag", "2026-12-04 17:00"),
        ("bis nächste Woche", "2026-12-07 09:00"),
        ("bis Ende des Monats", "2026-12-31 17:00"),
        ("bis Monatsende", "2026-12-31 17:00"),
        ("innerhalb von 3 Arbeitstagen", "2026-12-07 17:00"),
        ("bis morgen 15 Uhr", "2026-12-03 15:00"),
        ("bis nächsten Dienstag", "2026-12-08 17:00"),
        ("d'ici vendredi", "2026-12-04 17:00"),
        ("avant la fin de mois", "2026-12-31 17:00"),
        ("fin de mois", "2026-12-31 17:00"),
        ("la semaine prochaine", "2026-12-11 17:00"),
        ("sous 48 heures", "2026-12-04 11:00"),
        ("pour demain midi", "2026-12-03 12:00"),
        ("para el viernes", "2026-12-04 17:00"),
        ("en 3 días hábiles", "2026-12-07 17:00"),
        ("para finales de mes", "2026-12-31 17:00"),
        ("antes del 4 de diciembre a las 15:00", "2026-12-04 15:00"),
        ("para el próximo lunes", "2026-12-07 17:00"),
    ],
)
def test_foreign_date_phrases(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=WEDNESDAY, time_zone="Europe/Berlin")
    assert due is not None, text
    assert due.due.astimezone(resolve_zone("Europe/Berlin")).strftime("%Y-%m-%d %H:%M") == expected


def test_numeric_dates_follow_the_senders_locale() -> None:
    # Both readings lie in the coming year, so the date is asked about; the locale decides
    # which reading is shown first.
    def day(locale: str, zone: str) -> date | None:
        due = parse_due("by 2/11/2027", sent_at=WEDNESDAY, time_zone=zone, locale=locale)
        assert due is not None
        assert due.ambiguous
        return due.due.astimezone(resolve_zone(zone)).date()

    assert day("", "America/New_York") == date(2027, 2, 11)
    assert day("en-GB", "America/New_York") == date(2027, 11, 2)
    # A de-DE mailbox in Berlin: locale and zone agree, so it is not asked about (see
    # test_dates_round6_classes.py).
    assert day("en-US", "Europe/London") == date(2027, 2, 11)


def test_the_text_chooses_the_language_and_the_mailbox_hints() -> None:
    assert detect_language("Kannst du bitte den Bericht bis Freitag fertigstellen?") == "de"
    assert detect_language("Could you send it by Friday?", "de-DE") == "en"
    assert detect_language("Merci !", "fr-FR") == "fr"
    assert detect_language("Danke!", "") in ("de", "en")
    assert detect_language("", "es-ES") == "es"


def test_the_mailbox_language_is_optional_and_kept() -> None:
    assert CONTEXT.language == ""
    context = CONTEXT.model_copy(update={"language": "fr-FR"})
    assert read("Sam, peux-tu finaliser le budget d'ici vendredi ?", context).language == "fr"


@pytest.mark.parametrize(
    "body",
    [
        "Hoi Sam, kun je de planning voor maandag afronden? Groetjes",
        "Ciao Sam, la deadline per il report è venerdì. Grazie!",
        "Olá Sam, pode enviar o orçamento até sexta-feira? Obrigada",
        "Danke für die Präsentation gestern, sie war großartig!",
        "Merci pour ton aide hier, c'était parfait.",
        "Bitte beachte, dass das Büro am Freitag geschlossen ist.",
    ],
)
def test_other_languages_and_non_requests_start_nothing(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert reading.drafts == []


WEEKDAYS = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes"),
}
CUES = {"de": "bis {}", "fr": "d'ici {}", "es": "para el {}"}
ZONES = ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "America/Mexico_City", "UTC")


@given(
    language=st.sampled_from(sorted(WEEKDAYS)),
    weekday=st.integers(min_value=0, max_value=4),
    zone=st.sampled_from(ZONES),
    days=st.integers(min_value=0, max_value=730),
)
def test_weekdays_in_each_language_are_the_coming_one(
    language: str, weekday: int, zone: str, days: int
) -> None:
    sent = datetime(2026, 1, 1, 11, tzinfo=UTC) + timedelta(days=days)
    text = CUES[language].format(WEEKDAYS[language][weekday])
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None
    local_due = due.due.astimezone(resolve_zone(zone))
    today = sent.astimezone(resolve_zone(zone)).date()
    assert local_due.weekday() == weekday
    assert 1 <= (local_due.date() - today).days <= 7
    assert due.strength >= 2
