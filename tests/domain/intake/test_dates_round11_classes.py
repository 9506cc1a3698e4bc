"""Due dates in English, German, French and Spanish: the classes round 11 of issue 18 missed.

An event whose start a relative clause gives is an event whatever its noun ("the CODIR",
"el pleno"), and so is what a day owns with an hour of its own ("Thursday's deploy at 8am");
an hour in words after its part of the day ("morgen früh um sieben"); "10 a. m." written with
a space; an hour "this morning" ("ce matin", "esta mañana") is today's, already past or not,
while "as agreed this morning" sets nothing; the Swiss "innert"; "during" a month in the other
three languages ("courant mai", "im Laufe des Mai", "durante mayo") is ambiguous; holidays of
a region ("Buß- und Bettag", "Mariä Empfängnis", "Día de Andalucía"); a long weekend named by
its holiday or month ("le pont de la Pentecôte", "el puente de diciembre"), one working day
between days off bridged; Holy Thursday in Spain; "within" as firm a limit as "by". The
sentences are this file's own.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import parse_due
from domain.intake.due_dates.holidays import holiday_date


def _parse(text: str, sent: datetime, locale: str = "") -> tuple[str, bool, bool] | None:
    zone = str(sent.tzinfo)
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    if due is None:
        return None
    return f"{due.due.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}", due.in_past, due.ambiguous


def _read(text: str, sent: datetime, locale: str = "") -> str | None:
    parsed = _parse(text, sent, locale)
    return None if parsed is None else parsed[0]


def _sent(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


# Monday 4 March 2030; Thursday is the 7th.
@pytest.mark.parametrize(
    ("text", "zone", "locale", "expected"),
    [
        ("Could you circulate the figures before the steering group on Thursday, which starts "
         "at 2pm?", "Europe/London", "en-GB", "2030-03-07 14:00"),
        ("Merci de m'envoyer les chiffres avant le CODIR de jeudi, qui commence à 10 h.",
         "Europe/Paris", "fr-FR", "2030-03-07 10:00"),
        ("Mándame las cifras antes del pleno del jueves, que empieza a las 10:30.",
         "Europe/Madrid", "es-ES", "2030-03-07 10:30"),
        ("Please patch the login bug before Thursday's deploy at 8am.", "Europe/London", "en-GB",
         "2030-03-07 08:00"),
        ("Can you check the overtime sheet ahead of Thursday's payroll run at 11am?",
         "Europe/London", "en-GB", "2030-03-07 11:00"),
    ],
)  # fmt: skip
def test_an_events_start_sets_the_time_whatever_the_events_noun(
    text: str, zone: str, locale: str, expected: str
) -> None:
    assert _read(text, _sent(zone, 2030, 3, 4, 10), locale) == expected


def test_a_verb_between_day_and_hour_is_no_event() -> None:
    sent = _sent("Europe/London", 2030, 3, 4, 10)
    assert _read("Please send the notes by Thursday and ring Sam at 3pm.", sent) == (
        "2030-03-07 17:00"
    )


# Monday 4 March 2030, 16:00: tomorrow is the 5th.
@pytest.mark.parametrize(
    ("text", "zone", "locale", "expected"),
    [
        ("Kannst du morgen früh um sieben die Schichtliste schicken?", "Europe/Berlin", "de-DE",
         "2030-03-05 07:00"),
        ("Could you send the shift list tomorrow morning at seven?", "Europe/London", "en-GB",
         "2030-03-05 07:00"),
        ("¿Puedes mandar la lista de turnos mañana por la mañana a las siete?", "Europe/Madrid",
         "es-ES", "2030-03-05 07:00"),
        ("Informe de caja, viernes 10 a. m., por favor.", "America/Bogota", "es-CO",
         "2030-03-08 10:00"),
        ("Cash report on my desk Friday 10 a. m. please.", "Europe/London", "en-GB",
         "2030-03-08 10:00"),
        ("Please ring the depot by half past six a. m. on Friday.", "Europe/London", "en-GB",
         "2030-03-08 06:30"),
    ],
)  # fmt: skip
def test_an_hour_in_words_after_its_part_of_the_day_or_with_a_spaced_am(
    text: str, zone: str, locale: str, expected: str
) -> None:
    assert _read(text, _sent(zone, 2030, 3, 4, 16), locale) == expected


_THIS_MORNING = (
    ("Could you post the rota by 10 this morning?", "Europe/London", "en-GB"),
    ("Pourrais-tu publier le planning avant 10 h ce matin ?", "Europe/Paris", "fr-FR"),
    ("¿Puedes publicar el cuadrante antes de las 10 esta mañana?", "Europe/Madrid", "es-ES"),
)


@pytest.mark.parametrize(("text", "zone", "locale"), _THIS_MORNING)
def test_an_hour_this_morning_is_todays_even_once_past(text: str, zone: str, locale: str) -> None:
    # Tuesday 5 March 2030: at 11:30 the hour has passed, at 8:00 it is still to come.
    assert _parse(text, _sent(zone, 2030, 3, 5, 11, 30), locale) == (
        "2030-03-05 10:00",
        True,
        False,
    )
    assert _parse(text, _sent(zone, 2030, 3, 5, 8), locale) == ("2030-03-05 10:00", False, False)


@pytest.mark.parametrize(
    "text",
    [
        "As agreed this morning, could you post the rota?",
        "Comme convenu ce matin, peux-tu publier le planning ?",
        "Como quedamos esta mañana, ¿puedes publicar el cuadrante?",
    ],
)
def test_this_morning_alone_sets_no_date(text: str) -> None:
    assert _read(text, _sent("Europe/Paris", 2030, 3, 5, 11, 30)) is None


def test_innert_counts_working_days_as_innerhalb_does() -> None:
    sent = _sent("Europe/Zurich", 2030, 3, 4, 9)
    text = "Bitte prüf den Mietvertrag innert fünf Arbeitstagen."
    assert _read(text, sent, "de-CH") == "2030-03-11 17:00"


@pytest.mark.parametrize(
    "text",
    [
        "Pourrais-tu organiser l'atelier courant mai ?",
        "Pourrais-tu organiser l'atelier dans le courant du mois de mai ?",
        "Könntest du den Workshop im Laufe des Mai organisieren?",
        "¿Podrías organizar el taller durante mayo?",
        "¿Podrías organizar el taller a lo largo de mayo?",
    ],
)
def test_during_a_month_is_ambiguous_in_every_language(text: str) -> None:
    parsed = _parse(text, _sent("Europe/Paris", 2030, 3, 4, 10))
    assert parsed is not None and parsed[2], text
    assert parsed[0].startswith("2030-05-")


@settings(max_examples=20, deadline=None)
@given(year=st.integers(min_value=2025, max_value=2060))
def test_buss_und_bettag_is_the_wednesday_before_23_november(year: int) -> None:
    day = holiday_date("Buß- und Bettag", today=date(year, 1, 1), region="DE")
    assert (
        day is not None and day.weekday() == 2 and date(year, 11, 16) <= day <= date(year, 11, 22)
    )


@pytest.mark.parametrize(
    ("text", "sent", "locale", "expected"),
    [
        # Buß- und Bettag 2030 is Wednesday 20 November.
        ("Bitte schick mir die Abrechnung vor dem Buß- und Bettag.",
         _sent("Europe/Berlin", 2030, 11, 11, 9), "de-DE", "2030-11-19 17:00"),
        # 8 December 2031 is a Monday: the Friday before.
        ("Kannst du das Konzept noch vor Mariä Empfängnis abschließen?",
         _sent("Europe/Vienna", 2031, 12, 1, 9), "de-AT", "2031-12-05 17:00"),
        # 28 February 2030 is a Thursday.
        ("Envíame el plan de formación antes del Día de Andalucía.",
         _sent("Europe/Madrid", 2030, 2, 20, 9), "es-ES", "2030-02-27 17:00"),
    ],
)  # fmt: skip
def test_a_regions_own_holiday_by_its_name(
    text: str, sent: datetime, locale: str, expected: str
) -> None:
    assert _read(text, sent, locale) == expected


@pytest.mark.parametrize(
    ("text", "sent", "locale", "expected"),
    [
        # Whit Monday 10 June 2030: the days off start on Saturday the 8th.
        ("Merci de livrer la maquette avant le pont de la Pentecôte.",
         _sent("Europe/Paris", 2030, 4, 23, 9), "fr-FR", "2030-06-07 17:00"),
        ("Bitte liefere das Modell vor dem langen Wochenende an Pfingsten.",
         _sent("Europe/Berlin", 2030, 3, 4, 9), "de-DE", "2030-06-07 17:00"),
        # August's bank holiday is Monday 26 August 2030.
        ("Could you finish the migration before the bank holiday weekend of August?",
         _sent("Europe/London", 2030, 3, 4, 9), "en-GB", "2030-08-23 17:00"),
        # 6 December 2034 is a Wednesday, the 8th a Friday: the Thursday between is bridged.
        ("Necesito el cierre antes del puente de diciembre.",
         _sent("Europe/Madrid", 2034, 11, 20, 9), "es-ES", "2034-12-05 17:00"),
    ],
)  # fmt: skip
def test_a_long_weekend_named_by_its_holiday_or_month(
    text: str, sent: datetime, locale: str, expected: str
) -> None:
    assert _read(text, sent, locale) == expected


def test_spanish_working_days_skip_holy_thursday() -> None:
    # Tuesday 16 April 2030: Holy Thursday the 18th and Good Friday the 19th are days off.
    sent = _sent("Europe/Madrid", 2030, 4, 16, 9)
    text = "¿Puedes cerrar el expediente en dos días hábiles?"
    assert _read(text, sent, "es-ES") == "2030-04-22 17:00"


def test_within_is_as_firm_a_limit_as_before() -> None:
    # Thursday 12 December 2030: three working days on is Tuesday the 17th.
    sent = _sent("Europe/London", 2030, 12, 12, 10)
    text = "Please settle the open invoices within three working days, well before year end."
    assert _read(text, sent, "en-GB") == "2030-12-17 17:00"
