"""Due dates in English, German, French and Spanish: the classes round 7 of issue 18 missed.

A deadline set on another place's clock ("10 h heure de Tokyo", "9 Uhr Londoner Zeit", "a las
9 hora de Lima", "4pm Eastern"), read with that zone's own daylight-saving rules; an event
named by its initials ("before Wednesday's AGM at 2pm"); the French hour written apart from its
"h" ("jeudi 14 h 30"); a time after "antes del"; "tomorrow" closing a request; periods of
working days with their lead-ins ("en un plazo de", "dans un délai de", "in den nächsten");
"first thing" in German ("Montag als Erstes"). The sentences are this file's own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import parse_due
from domain.intake.due_dates.holidays import is_public_holiday
from domain.timezones import resolve_zone

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}  # fmt: skip
_SENDERS = {
    "en": ("Australia/Sydney", "en-AU"),
    "de": ("Europe/Berlin", "de-DE"),
    "fr": ("Europe/Paris", "fr-FR"),
    "es": ("America/Bogota", "es-CO"),
}
# (how each language names the place's clock, the zone): cities, countries and regions.
_CLOCKS = {
    "en": (
        ("{t} Tokyo time", "Asia/Tokyo"),
        ("{t} Chicago time", "America/Chicago"),
        ("{t} Eastern", "America/New_York"),
        ("{t} Pacific time", "America/Los_Angeles"),
        ("{t} CET", "Europe/Berlin"),
        ("{t} (JST)", "Asia/Tokyo"),
        ("{t} Seattle time", "America/Los_Angeles"),
        ("{t} NYC time", "America/New_York"),
    ),
    "de": (
        ("{t} Londoner Zeit", "Europe/London"),
        ("{t} Tokioter Zeit", "Asia/Tokyo"),
        ("{t} Chicagoer Ortszeit", "America/Chicago"),
        ("{t} Ortszeit Seattle", "America/Los_Angeles"),
        ("{t} MEZ", "Europe/Berlin"),
    ),
    "fr": (
        ("{t} heure de Tokyo", "Asia/Tokyo"),
        ("{t} (heure de Chicago)", "America/Chicago"),
        ("{t} heure du Pacifique", "America/Los_Angeles"),
        ("{t} heure de Londres", "Europe/London"),
    ),
    "es": (
        ("{t} hora de Lima", "America/Lima"),
        ("{t} hora de Londres", "Europe/London"),
        ("{t} hora del Este", "America/New_York"),
        ("{t} hora peninsular", "Europe/Madrid"),
    ),
}


def _clock(language: str, hour: int) -> str:
    if language == "en":
        return f"{hour % 12 or 12}{'pm' if hour >= 12 else 'am'}"
    if language == "de":
        return f"{hour} Uhr"
    if language == "fr":
        return f"{hour} h"
    return f"las {hour}:00"


def _sentence(language: str, clock: str, day: date) -> str:
    month = _MONTHS[language][day.month - 1]
    if language == "en":
        return f"Could you file the claim by {clock} on {day.day} {month}?"
    if language == "de":
        return f"Bitte reiche den Antrag bis {day.day}. {month}, {clock} ein."
    if language == "fr":
        return f"Merci de déposer le dossier avant {clock} le {day.day} {month}."
    return f"Envía la solicitud antes de {clock} del {day.day} de {month}."


@settings(max_examples=60, deadline=None)
@given(
    language=st.sampled_from(sorted(_CLOCKS)),
    which=st.integers(0, 7),
    hour=st.integers(7, 20),
    sent_day=st.dates(date(2027, 1, 4), date(2028, 12, 1)),
    ahead=st.integers(2, 40),
)
def test_a_deadline_on_another_clock_is_that_clocks_instant(
    language: str, which: int, hour: int, sent_day: date, ahead: int
) -> None:
    sender_zone, locale = _SENDERS[language]
    pattern, zone = _CLOCKS[language][which % len(_CLOCKS[language])]
    day = sent_day + timedelta(days=ahead)
    text = _sentence(language, pattern.format(t=_clock(language, hour)), day)
    sent = datetime.combine(sent_day, time(9, 0), resolve_zone(sender_zone))
    due = parse_due(text, sent_at=sent, time_zone=sender_zone, locale=locale)
    assert due is not None, text
    # The place's own rules, daylight saving included: never a fixed offset.
    assert due.due == datetime.combine(day, time(hour), ZoneInfo(zone)), text


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        # New York moves its clocks on 14 March 2027, Europe on 28 March: 9 Uhr in New York
        # is 14:00 in Berlin between the two, 15:00 after.
        ("Bitte bis Dienstag, 9 Uhr Bostoner Zeit.", "Europe/Berlin", "2027-03-23 14:00"),
        ("Bitte bis Dienstag, 9 Uhr Bostoner Zeit.", "Europe/Berlin", "2027-03-30 15:00"),
        (
            "Avant 16 h heure de Montréal mercredi, s'il te plaît.",
            "Europe/Paris",
            "2027-03-24 21:00",
        ),
        ("Mándalo antes de las 10 hora de Madrid del martes.", "America/Lima", "2027-03-30 03:00"),
        ("Please sign it by 4pm Eastern on Tuesday.", "Europe/London", "2027-03-23 20:00"),
    ],
)
def test_other_clocks_follow_their_own_daylight_saving(text: str, zone: str, expected: str) -> None:
    sent = {
        "2027-03-23": datetime(2027, 3, 19, 10, tzinfo=UTC),
        "2027-03-24": datetime(2027, 3, 19, 10, tzinfo=UTC),
        "2027-03-30": datetime(2027, 3, 26, 10, tzinfo=UTC),
    }[expected[:10]]
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None
    assert due.due.astimezone(resolve_zone(zone)).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Bitte bis Freitag 9 Uhr ist das erledigt.",  # "ist" is a verb, not India's clock
        "Merci de finir avant vendredi 9 h et de me prévenir.",  # "et" is "and"
    ],
)
def test_words_that_spell_a_zone_in_lower_case_are_words(text: str) -> None:
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday
    due = parse_due(text, sent_at=sent, time_zone="Europe/Berlin")
    assert due is not None
    assert due.due.astimezone(resolve_zone("Europe/Berlin")) == datetime(
        2027, 3, 5, 9, tzinfo=resolve_zone("Europe/Berlin")
    )


@pytest.mark.parametrize(
    ("text", "expected", "event"),
    [
        ("I need the slides before Wednesday's AGM at 2pm.", "2027-03-03 14:00", "AGM"),
        ("Send the pack ahead of Thursday's SteerCo at 9:30am.", "2027-03-04 09:30", "SteerCo"),
        ("Numbers before Friday's MBR (11am), please.", "2027-03-05 11:00", "MBR"),
    ],
)
def test_an_event_named_by_its_initials_sets_its_time(text: str, expected: str, event: str) -> None:
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday
    due = parse_due(text, sent_at=sent, time_zone="Europe/London")
    assert due is not None
    assert due.due.astimezone(resolve_zone("Europe/London")).strftime("%Y-%m-%d %H:%M") == expected
    assert event in due.anchor


def test_a_time_ending_its_sentence_keeps_away_from_the_next_sentences_day() -> None:
    text = "Please have the draft ready before Thursday's review at 10am. Friday's a day off."
    due = parse_due(text, sent_at=datetime(2027, 3, 1, 9, tzinfo=UTC), time_zone="UTC")
    assert due is not None
    assert due.due == datetime(2027, 3, 4, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il me faut le bilan avant la revue de jeudi 14 h.", "2027-03-04 14:00"),
        ("Merci de le rendre pour le mardi 9 mars, 16 h 30.", "2027-03-09 16:30"),
        ("<p>Envoie-le avant le mercredi 3 mars, 8 h</p>", "2027-03-03 08:00"),
    ],
)
def test_a_french_hour_written_apart_from_its_h_joins_its_day(text: str, expected: str) -> None:
    due = parse_due(
        text, sent_at=datetime(2027, 3, 1, 9, tzinfo=UTC), time_zone="Europe/Paris", locale="fr-FR"
    )
    assert due is not None
    assert due.due.astimezone(resolve_zone("Europe/Paris")).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sube el informe mañana antes del mediodía.", "2027-03-02 12:00"),
        ("Déjalo listo el jueves hasta las 18:00.", "2027-03-04 18:00"),
    ],
)
def test_a_spanish_time_after_antes_del_joins_its_day(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=datetime(2027, 3, 1, 9, tzinfo=UTC), time_zone="America/Bogota")
    assert due is not None
    assert due.due.astimezone(resolve_zone("America/Bogota")).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("Could you share the floor plan tomorrow? I see the architect on Wednesday.", "en-GB"),
        (
            "Kannst du mir den Grundriss morgen schicken? Am Mittwoch sehe ich den Architekten.",
            "de-DE",
        ),
        ("Tu peux m'envoyer le plan demain ? Je vois l'architecte le mercredi 3.", "fr-FR"),
    ],
)
def test_tomorrow_closing_a_request_is_its_deadline_even_on_a_sunday(
    text: str, locale: str
) -> None:
    sent = datetime(2027, 2, 28, 19, tzinfo=UTC)  # a Sunday evening
    due = parse_due(text, sent_at=sent, time_zone="Europe/London", locale=locale)
    assert due is not None
    assert due.due == datetime(2027, 3, 1, 17, tzinfo=UTC)


def _working_days_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        count -= day.weekday() < 5
    return day


_WORKING_PERIODS = {
    "es": (
        "Resuélvelo en un plazo de {n} días hábiles.",
        "Hazlo en los próximos {n} días hábiles.",
    ),
    "fr": ("Traite-le dans un délai de {n} jours ouvrés.", "Fais-le dans les {n} jours ouvrés."),
    "de": ("Bitte in den nächsten {n} Arbeitstagen.", "Bitte innerhalb der nächsten {n} Werktage."),
}


@settings(max_examples=40, deadline=None)
@given(
    language=st.sampled_from(sorted(_WORKING_PERIODS)),
    form=st.integers(0, 1),
    count=st.integers(1, 15),
    sent_day=st.dates(date(2027, 1, 4), date(2028, 12, 1)).filter(lambda day: day.weekday() < 5),
)
def test_a_period_of_working_days_counts_from_the_sending_day(
    language: str, form: int, count: int, sent_day: date
) -> None:
    text = _WORKING_PERIODS[language][form].format(n=count)
    sent = datetime.combine(sent_day, time(10), UTC)
    due = parse_due(text, sent_at=sent, time_zone="UTC")
    assert due is not None, text
    assert due.due == datetime.combine(_working_days_after(sent_day, count), time(17), UTC), text


@pytest.mark.parametrize(
    "text",
    ["Ich brauche die Liste Montag als Erstes.", "Schick sie mir am Montag gleich als Erstes."],
)
def test_first_thing_in_german_is_the_start_of_the_day(text: str) -> None:
    sent = datetime(2027, 3, 3, 9, tzinfo=UTC)  # a Wednesday
    due = parse_due(text, sent_at=sent, time_zone="UTC", locale="de-DE")
    assert due is not None
    assert due.due == datetime(2027, 3, 8, 9, tzinfo=UTC)


def test_first_thing_alone_in_german_is_no_deadline() -> None:
    text = "Bitte als Erstes die Belege sortieren."
    assert parse_due(text, sent_at=datetime(2027, 3, 3, 9, tzinfo=UTC), time_zone="UTC") is None


def test_a_time_joined_to_its_day_names_its_clock_too() -> None:
    text = "Envoie-le jeudi 9 h, heure de Tokyo."
    due = parse_due(text, sent_at=datetime(2027, 3, 1, 9, tzinfo=UTC), time_zone="Europe/Paris")
    assert due is not None
    assert due.due == datetime(2027, 3, 4, 9, tzinfo=ZoneInfo("Asia/Tokyo"))


_MONTH_ENDS = {
    "GB": ("Europe/London", "en-GB", "Please close the ledger by the end of the month."),
    "US": ("America/New_York", "en-US", "Please close the ledger by end of month."),
    "ES": ("Europe/Madrid", "es-ES", "Hay que cerrar el libro mayor a fin de mes."),
    "DE": ("Europe/Berlin", "de-DE", "Bitte das Hauptbuch bis Monatsende abschließen."),
    "FR": ("Europe/Paris", "fr-FR", "Merci de clôturer le grand livre d'ici la fin du mois."),
}


@settings(max_examples=40, deadline=None)
@given(
    region=st.sampled_from(sorted(_MONTH_ENDS)),
    sent_day=st.dates(date(2026, 1, 1), date(2029, 12, 20)).filter(lambda day: day.day <= 20),
)
def test_the_end_of_the_month_is_its_last_working_day(region: str, sent_day: date) -> None:
    zone, locale, text = _MONTH_ENDS[region]
    sent = datetime.combine(sent_day, time(9), ZoneInfo(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    day = due.due.astimezone(ZoneInfo(zone)).date()
    assert (day.year, day.month) == (sent_day.year, sent_day.month), text
    assert day.weekday() < 5 and not is_public_holiday(day, region)
    later = [day + timedelta(days=n) for n in range(1, 4)]
    assert all(
        other.weekday() >= 5 or is_public_holiday(other, region)
        for other in later
        if other.month == day.month
    )


@pytest.mark.parametrize(
    ("zone", "locale", "text", "expected"),
    [
        # 31 May 2027 is a bank holiday in England and Memorial Day in the United States.
        ("Europe/London", "en-GB", "Send it by the end of May.", date(2027, 5, 28)),
        ("America/Chicago", "en-US", "Send it by end of month.", date(2027, 5, 28)),
        ("Europe/Berlin", "de-DE", "Bitte bis Ende Mai.", date(2027, 5, 31)),
    ],
)
def test_a_month_ending_on_a_holiday_ends_the_working_day_before(
    zone: str, locale: str, text: str, expected: date
) -> None:
    sent = datetime(2027, 5, 10, 9, tzinfo=ZoneInfo(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None
    assert due.due.astimezone(ZoneInfo(zone)).date() == expected


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@settings(max_examples=40, deadline=None)
@given(
    weekday=st.integers(0, 4),
    sent=st.datetimes(datetime(2027, 1, 1), datetime(2028, 12, 1)),
    place=st.sampled_from(
        [("Pacific time", "America/Los_Angeles"), ("New York time", "America/New_York")]
    ),
    sender_zone=st.sampled_from(["Asia/Tokyo", "Australia/Sydney", "Europe/London"]),
)
def test_a_weekday_set_on_another_clock_is_that_clocks_weekday(
    weekday: int, sent: datetime, place: tuple[str, str], sender_zone: str
) -> None:
    words, zone = place
    text = f"Please have it approved by 5pm {words} on {_WEEKDAY_NAMES[weekday]}."
    sent_at = sent.replace(tzinfo=ZoneInfo(sender_zone))
    due = parse_due(text, sent_at=sent_at, time_zone=sender_zone)
    assert due is not None
    there = due.due.astimezone(ZoneInfo(zone))
    today_there = sent_at.astimezone(ZoneInfo(zone)).date()
    assert there.weekday() == weekday and (there.hour, there.minute) == (17, 0)
    assert 1 <= (there.date() - today_there).days <= 7


def test_tomorrow_on_another_clock_is_still_the_writers_tomorrow() -> None:
    # Monday 08:00 in Sydney is Sunday afternoon in California.
    sent = datetime(2027, 3, 8, 8, tzinfo=ZoneInfo("Australia/Sydney"))
    monday = parse_due("By 5pm Pacific on Monday.", sent_at=sent, time_zone="Australia/Sydney")
    tomorrow = parse_due("By 5pm Pacific tomorrow.", sent_at=sent, time_zone="Australia/Sydney")
    assert monday is not None and tomorrow is not None
    pacific = ZoneInfo("America/Los_Angeles")
    assert monday.due == datetime(2027, 3, 8, 17, tzinfo=pacific)
    assert tomorrow.due == datetime(2027, 3, 9, 17, tzinfo=pacific)


def test_a_time_alone_on_another_clock_is_the_next_time_it_shows() -> None:
    # 08:30 on the 13th in Tokyo is 18:30 on the 12th in New York: "by 7pm New York time" is
    # half an hour away, not a day.
    sent = datetime(2027, 1, 13, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    due = parse_due("Send it by 7pm New York time.", sent_at=sent, time_zone="Asia/Tokyo")
    assert due is not None
    assert due.due == datetime(2027, 1, 12, 19, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("Omar, la revue du week-end passé, demain à la première heure.", "Europe/Paris", 9),
        ("Lina, el resumen del fin de semana, mañana a primera hora.", "Europe/Madrid", 9),
        ("Jo, the figures of the weekend, tomorrow at noon please.", "Europe/London", 12),
    ],
)
def test_a_day_counted_from_today_never_joins_another_date(
    text: str, zone: str, expected: int
) -> None:
    sent = datetime(2027, 1, 12, 18, tzinfo=ZoneInfo(zone))  # a Tuesday evening
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None
    assert not due.ambiguous
    assert due.due == datetime(2027, 1, 13, expected, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Merci de m'envoyer le bilan de fin de mois mardi.", "Europe/Paris"),
        ("Necesito el informe del fin de semana el martes.", "Europe/Madrid"),
        ("Schick mir die Zahlen vom Wochenende am Dienstag.", "Europe/Berlin"),
    ],
)
def test_a_period_naming_what_a_thing_is_about_is_no_deadline(text: str, zone: str) -> None:
    sent = datetime(2027, 1, 13, 9, tzinfo=ZoneInfo(zone))  # a Wednesday
    due = parse_due(text, sent_at=sent, time_zone=zone)
    assert due is not None
    assert due.due == datetime(2027, 1, 19, 17, tzinfo=ZoneInfo(zone))


_END_OF_NEXT_WEEK = {
    "en": ("by the end of next week", "by the end of the following week"),
    "de": (
        "bis Ende nächster Woche",
        "bis Ende der nächsten Woche",
        "bis Ende der kommenden Woche",
    ),
    "fr": ("d'ici la fin de la semaine prochaine", "d'ici la fin de la semaine suivante"),
    "es": ("para el fin de la semana que viene", "para el final de la semana siguiente"),
}
_FIRST_THING_MONDAY = {
    "en": ("first thing Monday", "Monday first thing", "first thing on Monday"),
    "de": ("Montag als Erstes", "am Montag gleich als Erstes", "Montag früh"),
    "fr": ("lundi à la première heure", "lundi dès la première heure", "lundi première heure"),
    "es": ("el lunes a primera hora", "a primera hora del lunes"),
}


@settings(max_examples=40, deadline=None)
@given(
    language=st.sampled_from(sorted(_END_OF_NEXT_WEEK)),
    form=st.integers(0, 2),
    sent_day=st.dates(date(2027, 1, 1), date(2028, 12, 20)).filter(lambda day: day.weekday() > 0),
)
def test_end_of_next_week_and_first_thing_monday_in_every_language(
    language: str, form: int, sent_day: date
) -> None:
    sent = datetime.combine(sent_day, time(10), UTC)
    next_monday = sent_day + timedelta(days=7 - sent_day.weekday())
    period = _END_OF_NEXT_WEEK[language]
    due = parse_due(f"Ok? {period[form % len(period)]}.", sent_at=sent, time_zone="UTC")
    assert due is not None
    assert due.due == datetime.combine(next_monday + timedelta(days=4), time(17), UTC)
    words = _FIRST_THING_MONDAY[language]
    due = parse_due(f"Ok? {words[form % len(words)]}.", sent_at=sent, time_zone="UTC")
    assert due is not None
    assert due.due == datetime.combine(next_monday, time(9), UTC)
