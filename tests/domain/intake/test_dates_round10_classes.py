"""Due dates in English, German, French and Spanish: the classes round 10 of issue 18 missed.

Working days counted past the public holidays of the sender's region; a day counted in weeks
from a named day ("a fortnight today", "de hoy en ocho", "lundi en huit", "heute in acht
Tagen"); the moment of writing a day on ("this time tomorrow", "mañana a esta hora"); hours in
words (the 24-hour "quinze heures trente", "neun Uhr", "three o'clock", "midi et demi" after
its day); an hour after its part of the day ("Thursday morning at 8", "früh um 8"); an event
whose start is said in a relative clause ("which starts at 9", "die beginnt um 9 Uhr", "que
empieza a las 12"); "como tarde" as "at the latest"; the next holiday or long weekend named by
its kind ("before the bank holiday", "vor dem Feiertag", "antes del feriado") or by a name of
the region's own ("the Fourth", "Fiestas Patrias"); a time alone that has passed today, read on
the next working day; "bis morgen, 16 Uhr" (a farewell "bis morgen," has no time after it). The
sentences are this file's own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import parse_due
from domain.intake.due_dates.holidays import is_public_holiday


def _read(text: str, sent: datetime, *, locale: str = "") -> str | None:
    zone = str(sent.tzinfo)
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    return None if due is None else f"{due.due.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def _sent(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))


# Thursday 29 March 2029: Good Friday is the 30th, Easter Monday 2 April.
@pytest.mark.parametrize(
    ("text", "zone", "locale", "expected"),
    [
        # London keeps both: Tuesday, Wednesday, Thursday.
        ("Please file the lease summary within three working days.", "Europe/London", "en-GB",
         "2029-04-05 17:00"),
        ("Bitte reich die Mietübersicht innerhalb von drei Arbeitstagen ein.", "Europe/Berlin",
         "de-DE", "2029-04-05 17:00"),
        # France keeps Easter Monday only; Spain Good Friday only.
        ("Merci de déposer le récapitulatif sous trois jours ouvrés.", "Europe/Paris", "fr-FR",
         "2029-04-04 17:00"),
        ("Entrega el resumen del alquiler en tres días hábiles, por favor.", "Europe/Madrid",
         "es-ES", "2029-04-04 17:00"),
    ],
)  # fmt: skip
def test_working_days_skip_the_regions_public_holidays(
    text: str, zone: str, locale: str, expected: str
) -> None:
    assert _read(text, _sent(zone, 2029, 3, 29, 10, 0), locale=locale) == expected


_REGIONS = (("Europe/London", "en-GB"), ("Europe/Berlin", "de-DE"), ("Europe/Paris", "fr-FR"),
            ("Europe/Madrid", "es-ES"), ("America/Chicago", "en-US"),
            ("Australia/Sydney", "en-AU"), ("Europe/Luxembourg", "fr-LU"))  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    day=st.dates(min_value=date(2027, 1, 1), max_value=date(2031, 12, 31)),
    count=st.integers(min_value=1, max_value=12),
    where=st.sampled_from(_REGIONS),
)
def test_n_working_days_on_lands_on_the_nth_working_day(
    day: date, count: int, where: tuple[str, str]
) -> None:
    zone, locale = where
    sent = datetime.combine(day, time(9, 30), ZoneInfo(zone))
    reading = _read(f"Please send the audit log within {count} working days.", sent, locale=locale)
    assert reading is not None
    due = date.fromisoformat(reading[:10])
    region = locale[-2:]
    between = [due - timedelta(days=offset) for offset in range((due - day).days)]
    working = [d for d in between if d.weekday() < 5 and not is_public_holiday(d, region)]
    assert len(working) == count and due in working


# Monday 8 October 2029, 10:15 in Madrid.
_MONDAY = _sent("Europe/Madrid", 2029, 10, 8, 10, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please have the stock count back a fortnight today.", "2029-10-22 17:00"),
        ("Send me the stock count a week tomorrow.", "2029-10-16 17:00"),
        ("Could you get the stock count to me tomorrow week?", "2029-10-16 17:00"),
        ("I need the stock count a week on Thursday.", "2029-10-18 17:00"),
        ("I need the stock count by Thursday fortnight.", "2029-10-25 17:00"),
        ("Schick mir die Inventurliste heute in acht Tagen.", "2029-10-15 17:00"),
        ("Die Inventurliste brauche ich heute in vierzehn Tagen.", "2029-10-22 17:00"),
        ("Envoie-moi l'inventaire d'aujourd'hui en huit.", "2029-10-15 17:00"),
        ("J'ai besoin de l'inventaire demain en quinze.", "2029-10-23 17:00"),
        ("J'ai besoin de l'inventaire jeudi en huit.", "2029-10-18 17:00"),
        ("Pásame el inventario de hoy en quince.", "2029-10-22 17:00"),
        ("Necesito el inventario el jueves en ocho.", "2029-10-18 17:00"),
    ],
)
def test_a_day_counted_in_weeks_from_a_named_day(text: str, expected: str) -> None:
    assert _read(text, _MONDAY) == expected


_SAME_TIME = (
    "Please get the corrected invoice to the client by this time tomorrow.",
    "Could you have the corrected invoice out by the same time tomorrow?",
    "Bitte schick die korrigierte Rechnung morgen um diese Zeit raus.",
    "Peux-tu envoyer la facture corrigée demain à la même heure ?",
    "¿Puedes mandar la factura corregida mañana a esta misma hora?",
)


@settings(max_examples=40, deadline=None)
@given(
    text=st.sampled_from(_SAME_TIME),
    minutes=st.integers(min_value=8 * 60, max_value=18 * 60 - 1),
)
def test_this_time_tomorrow_is_the_moment_of_writing_a_day_on(text: str, minutes: int) -> None:
    sent = _MONDAY.replace(hour=minutes // 60, minute=minutes % 60)
    expected = sent + timedelta(days=1)
    assert _read(text, sent) == f"{expected:%Y-%m-%d %H:%M}", text


_FRENCH_HOURS = ("treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
                 "vingt")  # fmt: skip
_MINUTES = {"": 0, " quinze": 15, " trente": 30, " quarante-cinq": 45}


@settings(max_examples=40, deadline=None)
@given(index=st.integers(min_value=0, max_value=7), minutes=st.sampled_from(sorted(_MINUTES)))
def test_french_afternoon_hours_in_words(index: int, minutes: str) -> None:
    hour = _FRENCH_HOURS[index]
    text = f"Peux-tu m'envoyer le bon de livraison mardi avant {hour} heures{minutes} ?"
    assert _read(text, _MONDAY) == f"2029-10-09 {13 + index}:{_MINUTES[minutes]:02d}", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Confirme la salle avant demain midi et demi, merci.", "2029-10-09 12:30"),
        ("Bitte schick mir den Lieferschein morgen bis neun Uhr.", "2029-10-09 09:00"),
        ("Bitte den Lieferschein morgen bis siebzehn Uhr dreißig.", "2029-10-09 17:30"),
        ("Please send the delivery note by three o'clock tomorrow.", "2029-10-09 15:00"),
        ("Mándame el albarán mañana antes de las diecisiete horas.", "2029-10-09 17:00"),
    ],
)
def test_hours_said_in_words(text: str, expected: str) -> None:
    assert _read(text, _MONDAY) == expected


_PARTS = {
    "morning": ("Please send the rota by Wednesday morning at {h}.",
                "Bitte schick den Dienstplan bis Mittwoch früh um {h} an mich.",
                "Envoie le planning avant mercredi matin à {h}h, merci.",
                "Mándame el turno antes del miércoles por la mañana a las {h}."),
    "later": ("Please send the rota by Wednesday evening at {h}.",
              "Bitte schick den Dienstplan bis Mittwoch abends um {h} an mich.",
              "Envoie le planning avant mercredi soir à {h}h, merci.",
              "Mándame el turno antes del miércoles por la tarde a las {h}."),
}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    part=st.sampled_from(sorted(_PARTS)),
    language=st.integers(min_value=0, max_value=3),
    hour=st.integers(min_value=1, max_value=11),
)
def test_an_hour_after_its_part_of_the_day_is_read_in_it(
    part: str, language: int, hour: int
) -> None:
    text = _PARTS[part][language].format(h=hour)
    expected = hour if part == "morning" else hour + 12
    assert _read(text, _MONDAY) == f"2029-10-10 {expected:02d}:00", text


@pytest.mark.parametrize(
    "text",
    [
        "I need the figures before the steering meeting on Thursday, which starts at 9.",
        "Ich brauche die Zahlen vor der Lenkungssitzung am Donnerstag, die beginnt um 9 Uhr.",
        "Ich brauche die Zahlen vor der Lenkungssitzung am Donnerstag, die um 9 Uhr beginnt.",
        "Il me faut les chiffres avant le comité de jeudi, qui commence à 9h.",
        "Necesito las cifras antes del simulacro del jueves, que empieza a las 9:00.",
    ],
)
def test_an_event_start_said_in_a_relative_clause_is_the_deadline(text: str) -> None:
    assert _read(text, _MONDAY) == "2029-10-11 09:00"


def test_como_tarde_is_at_the_latest() -> None:
    text = "Mándame las actas hoy a las seis de la tarde como tarde. Mañana viajo."
    assert _read(text, _MONDAY) == "2029-10-08 18:00"


@pytest.mark.parametrize(
    ("text", "sent", "locale", "expected"),
    [
        # Late summer bank holiday: Monday 27 August 2029.
        ("Could you send the rota before the bank holiday?",
         _sent("Europe/London", 2029, 8, 21, 9, 0), "en-GB", "2029-08-24 17:00"),
        ("Could you send the rota before the long weekend?",
         _sent("Europe/London", 2029, 8, 21, 9, 0), "en-GB", "2029-08-24 17:00"),
        # Labor Day: Monday 3 September 2029; 4 July 2029 is a Wednesday.
        ("Please close out the audit items before the holiday weekend.",
         _sent("America/Chicago", 2029, 8, 28, 9, 0), "en-US", "2029-08-31 17:00"),
        ("Please close out the audit items before the Fourth.",
         _sent("America/New_York", 2029, 6, 27, 9, 0), "en-US", "2029-07-03 17:00"),
        # Tag der Deutschen Einheit: Wednesday 3 October 2029.
        ("Bitte die Abrechnung noch vor dem Feiertag.",
         _sent("Europe/Berlin", 2029, 9, 28, 9, 0), "de-DE", "2029-10-02 17:00"),
        # Toussaint: Thursday 1 November 2029, bridged to the Friday.
        ("Merci de m'envoyer le tableau avant le pont.",
         _sent("Europe/Paris", 2029, 10, 24, 9, 0), "fr-FR", "2029-10-31 17:00"),
        ("Merci de m'envoyer le tableau avant le jour férié.",
         _sent("Europe/Paris", 2029, 10, 24, 9, 0), "fr-FR", "2029-10-31 17:00"),
        # Chile's Fiestas Patrias: Tuesday 18 September 2029.
        ("¿Me mandas la planilla antes del feriado?",
         _sent("America/Santiago", 2029, 9, 10, 9, 0), "es-CL", "2029-09-17 17:00"),
        ("¿Me mandas la planilla antes de Fiestas Patrias?",
         _sent("America/Santiago", 2029, 9, 10, 9, 0), "es-CL", "2029-09-17 17:00"),
    ],
)  # fmt: skip
def test_the_next_day_off_by_its_kind_or_the_regions_name(
    text: str, sent: datetime, locale: str, expected: str
) -> None:
    assert _read(text, sent, locale=locale) == expected


@pytest.mark.parametrize(
    ("text", "sent", "expected"),
    [
        # Saturday morning, after ten: Monday's ten, not Sunday's.
        ("When you are in, please post the invoices by 10am.",
         _sent("Europe/Berlin", 2029, 10, 13, 11, 0), "2029-10-15 10:00"),
        ("Bitte die Rechnungen buchen, bis 10 Uhr.",
         _sent("Europe/Berlin", 2029, 10, 13, 11, 0), "2029-10-15 10:00"),
        # Friday evening: Monday's.
        ("Merci de valider les factures avant 9h.",
         _sent("Europe/Paris", 2029, 10, 12, 19, 0), "2029-10-15 09:00"),
        # A working day before the hour: today's, as before.
        ("Bitte die Rechnungen buchen, bis 10 Uhr.",
         _sent("Europe/Berlin", 2029, 10, 12, 8, 0), "2029-10-12 10:00"),
    ],
)  # fmt: skip
def test_a_time_alone_once_passed_is_the_next_working_days(
    text: str, sent: datetime, expected: str
) -> None:
    assert _read(text, sent) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The long weekend was lovely, thanks for asking.",
        "We moved the archive to the fourth floor last year.",
        "Les ateliers ont duré trois heures.",
        "Der Feiertag war ruhig.",
        "We spent a fortnight in Lisbon.",
    ],
)
def test_no_due_date_where_none_is_set(text: str) -> None:
    assert _read(text, _MONDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bitte den Dienstplan bis morgen, 16 Uhr.", "2029-10-09 16:00"),
        ("Bitte den Dienstplan bis morgen, 11:45.", "2029-10-09 11:45"),
        ("Alles klar. Bis morgen, Jana", None),
        ("Bis morgen, 4 Kollegen fehlen noch.", None),
    ],
)
def test_tomorrow_before_a_comma_is_a_day_only_with_its_time(
    text: str, expected: str | None
) -> None:
    assert _read(text, _sent("Europe/Berlin", 2029, 10, 8, 10, 15)) == expected
