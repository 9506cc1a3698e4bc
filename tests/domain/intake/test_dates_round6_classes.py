"""Due dates in English, German, French and Spanish: the classes round 6 of issue 18 missed.

A time stated with a weekday or an event ("vor der Sitzung am Montag um 10 Uhr", "lundi
(10h)", "el viernes a mediodía"), "Monday week" in every language ("lundi en huit", "Montag in
einer Woche"), holidays and days off by the sender's country ("antes de Reyes", "avant le
14 juillet"), a day of the month alone ("fällig am 9."), numeric dates when the mailbox
locale and the zone agree, and weekdays that name what recurs ("the Friday lunches").
The sentences are this file's own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import find_due_dates, parse_due
from domain.intake.due_dates.holidays import is_public_holiday, working_day_before
from domain.timezones import resolve_zone

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_ZONES = {
    "en": ("Europe/London", "en-GB"),
    "de": ("Europe/Berlin", "de-DE"),
    "fr": ("Europe/Paris", "fr-FR"),
    "es": ("Europe/Madrid", "es-ES"),
}
# (language, the words before the weekday): deadline words of each language.
_CUES = {
    "en": ("Could you send it by", "Please have it ready for", "I need it before"),
    "de": ("Bitte schick es mir bis", "Kannst du das bis", "Ich brauche es vor"),
    "fr": ("Peux-tu l'envoyer d'ici", "Merci de le finir pour", "J'en ai besoin avant"),
    "es": ("Envíamelo para el", "¿Lo tienes listo antes del", "Necesito el informe hasta el"),
}


def _time_words(language: str, hour: int, minute: int) -> list[str]:
    """Ways of writing hour:minute after a weekday in each language."""
    if language == "en":
        twelve = hour % 12 or 12
        suffix = "pm" if hour >= 12 else "am"
        clock = f"{twelve}:{minute:02d}{suffix}" if minute else f"{twelve}{suffix}"
        return [f"at {clock}", f"at {hour:02d}:{minute:02d}", f"({clock})"]
    if language == "de":
        short = f"{hour}.{minute:02d}" if minute else f"{hour}"
        return [f"um {short} Uhr", f", {hour}:{minute:02d} Uhr", f"({short} Uhr)"]
    if language == "fr":
        short = f"{hour}h{minute:02d}" if minute else f"{hour}h"
        return [f"à {short}", f"({short})", f"à {hour} h {minute:02d}" if minute else "à midi"]
    return [f"a las {hour}:{minute:02d}", f"({hour}:{minute:02d})", f"a las {hour}"]


def _local(due: datetime, zone: str) -> datetime:
    return due.astimezone(resolve_zone(zone))


@settings(max_examples=200, deadline=None)
@given(
    language=st.sampled_from(sorted(_WEEKDAYS)),
    weekday=st.integers(0, 4),
    cue=st.integers(0, 2),
    form=st.integers(0, 2),
    hour=st.integers(8, 18),
    minute=st.sampled_from([0, 15, 30, 45]),
    sent_day=st.dates(date(2026, 1, 5), date(2028, 12, 20)),
)
def test_every_weekday_keeps_its_time_in_every_language(
    language: str, weekday: int, cue: int, form: int, hour: int, minute: int, sent_day: date
) -> None:
    zone, locale = _ZONES[language]
    words = _time_words(language, hour, minute)[form]
    if language == "es" and form == 2:
        minute = 0
    if words in ("à midi",):
        hour, minute = 12, 0
    text = f"{_CUES[language][cue]} {_WEEKDAYS[language][weekday]} {words}."
    sent = datetime.combine(sent_day, time(7, 30), resolve_zone(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    ahead = (weekday - sent_day.weekday()) % 7 or 7
    expected = datetime.combine(sent_day + timedelta(days=ahead), time(hour, minute))
    assert _local(due.due, zone).replace(tzinfo=None) == expected, text
    assert due.strength >= 1, text


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Bitte bis Freitag um 15 Uhr.", "de", "2027-03-05 15:00"),
        ("Bitte bis 15 Uhr am Freitag.", "de", "2027-03-05 15:00"),
        ("Bitte bis Freitag Mittag.", "de", "2027-03-05 12:00"),
        ("Bitte bis Freitag um 3 Uhr nachmittags.", "de", "2027-03-05 15:00"),
        ("Bitte bis Donnerstag, 4.3., um 9 Uhr.", "de", "2027-03-04 09:00"),
        ("Bitte bis kommenden Donnerstag.", "de", "2027-03-04 17:00"),
        ("Merci de le rendre vendredi à midi.", "fr", "2027-03-05 12:00"),
        ("Il me le faut avant 10h le jeudi.", "fr", "2027-03-04 10:00"),
        ("Merci de le rendre vendredi à 10 heures.", "fr", "2027-03-05 10:00"),
        ("Envíalo el viernes a mediodía.", "es", "2027-03-05 12:00"),
        ("Envíalo el viernes a las 4 de la tarde.", "es", "2027-03-05 16:00"),
        ("Envíalo antes de las 11 del jueves.", "es", "2027-03-04 11:00"),
        ("Tenlo listo para el jueves a última hora.", "es", "2027-03-04 17:00"),
        ("Lo necesito hasta las 18 horas del viernes.", "es", "2027-03-05 18:00"),
    ],
)
def test_times_join_their_day_in_each_language(text: str, language: str, expected: str) -> None:
    zone, locale = _ZONES[language]
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    assert _local(due.due, zone).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    ("text", "language", "expected", "event"),
    [
        (
            "Ich brauche die Folien vor der Teamsitzung am Donnerstag um 9 Uhr.",
            "de",
            "2027-03-04 09:00",
            "Teamsitzung",
        ),
        (
            "Il me faut les chiffres avant la réunion d'équipe de jeudi (9h30).",
            "fr",
            "2027-03-04 09:30",
            "réunion",
        ),
        (
            "Necesito el resumen antes de la junta directiva del jueves (9:30).",
            "es",
            "2027-03-04 09:30",
            "junta",
        ),
        (
            "Please send the slides before the steering committee on Thursday at 9am.",
            "en",
            "2027-03-04 09:00",
            "committee",
        ),
        (
            "Can the room be set up for Thursday's supplier visit? They arrive at 2pm.",
            "en",
            "2027-03-04 14:00",
            "visit",
        ),
    ],
)
def test_an_event_named_before_its_day_gives_its_start(
    text: str, language: str, expected: str, event: str
) -> None:
    zone, locale = _ZONES[language]
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    found = find_due_dates(text, sent_at=sent, time_zone=zone, locale=locale)
    assert found, text
    assert _local(found[0].due, zone).strftime("%Y-%m-%d %H:%M") == expected
    if event:
        assert found[0].strength == 2
        assert event in found[0].anchor


def test_an_event_day_without_a_time_is_only_a_weak_deadline() -> None:
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    text = "Bitte vor der Vorstandssitzung am Donnerstag. Spätestens Freitag um 12 Uhr."
    due = parse_due(text, sent_at=sent, time_zone="Europe/Berlin", locale="de-DE")
    assert due is not None
    assert _local(due.due, "Europe/Berlin").strftime("%a %H:%M") == "Fri 12:00"


# "Monday week" in each language: (words around the weekday, weeks after the coming one).
_WEEK_LATER_FORMS = {
    "en": [("by {day} week", 1)],
    "de": [
        ("bis {day} in einer Woche", 1),
        ("bis übernächsten {day}", 1),
        ("bis {day} in acht Tagen", 1),
        ("bis {day} in zwei Wochen", 2),
    ],
    "fr": [("pour {day} en huit", 1), ("d'ici {day} en quinze", 2)],
    "es": [("para el {day} en ocho", 1), ("para el {day} en quince", 2)],
}


@settings(max_examples=100, deadline=None)
@given(
    language=st.sampled_from(sorted(_WEEK_LATER_FORMS)),
    weekday=st.integers(0, 4),
    form=st.integers(0, 3),
    sent_day=st.dates(date(2026, 1, 5), date(2028, 12, 20)),
)
def test_a_weekday_a_week_later_in_every_language(
    language: str, weekday: int, form: int, sent_day: date
) -> None:
    forms = _WEEK_LATER_FORMS[language]
    pattern, weeks = forms[form % len(forms)]
    zone, locale = _ZONES[language]
    text = pattern.format(day=_WEEKDAYS[language][weekday])
    sent = datetime.combine(sent_day, time(10), resolve_zone(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    coming = sent_day + timedelta(days=(weekday - sent_day.weekday()) % 7 or 7)
    assert _local(due.due, zone).date() == coming + timedelta(weeks=weeks), text


def test_next_weeks_weekday_in_spanish() -> None:
    sent = datetime(2027, 3, 3, 9, tzinfo=UTC)  # a Wednesday
    for words in ("el lunes de la semana que viene", "el lunes de la próxima semana"):
        due = parse_due(f"Para {words}.", sent_at=sent, time_zone="Europe/Madrid")
        assert due is not None
        assert _local(due.due, "Europe/Madrid").date() == date(2027, 3, 8)


@pytest.mark.parametrize(
    ("text", "zone", "locale", "sent", "expected"),
    [
        # "before" a holiday: the last working day before it; "by" it: the day itself.
        ("Bitte vor Silvester.", "Europe/Berlin", "de-DE", "2027-12-20", "2027-12-30 17:00"),
        ("Bitte bis Silvester.", "Europe/Berlin", "de-DE", "2027-12-20", "2027-12-31 17:00"),
        ("Por favor antes de Reyes.", "Europe/Madrid", "es-ES", "2027-12-20", "2028-01-05 17:00"),
        ("Para Nochebuena, gracias.", "Europe/Madrid", "es-ES", "2027-12-01", "2027-12-24 17:00"),
        ("Merci de finir avant Noël.", "Europe/Paris", "fr-FR", "2027-12-01", "2027-12-24 17:00"),
        (
            "Please finish before Anzac Day.",
            "Pacific/Auckland",
            "en-NZ",
            "2027-04-01",
            "2027-04-23 17:00",
        ),
        (
            "Please finish before Canada Day.",
            "America/Toronto",
            "en-CA",
            "2027-06-01",
            "2027-06-30 17:00",
        ),
        (
            "Merci de le faire avant le 1er mai.",
            "Europe/Paris",
            "fr-FR",
            "2027-04-01",
            "2027-04-30 17:00",
        ),
        (
            "Bitte vor dem 3. Oktober erledigen.",
            "Europe/Berlin",
            "de-DE",
            "2028-09-01",
            "2028-10-02 17:00",
        ),
        # The same date where it is no holiday: "before" reads as "by".
        (
            "Please finish before 1 May.",
            "America/New_York",
            "en-US",
            "2027-04-01",
            "2027-05-01 17:00",
        ),
        (
            "Please finish before 14 July.",
            "Europe/London",
            "en-GB",
            "2027-06-01",
            "2027-07-14 17:00",
        ),
        # Good Friday and Easter Monday are days off in Germany.
        ("Bitte vor Ostermontag.", "Europe/Berlin", "de-DE", "2027-03-01", "2027-03-25 17:00"),
    ],
)
def test_before_a_day_off_is_the_working_day_before_it(
    text: str, zone: str, locale: str, sent: str, expected: str
) -> None:
    sent_at = datetime.combine(date.fromisoformat(sent), time(9), resolve_zone(zone))
    due = parse_due(text, sent_at=sent_at, time_zone=zone, locale=locale)
    assert due is not None, text
    assert _local(due.due, zone).strftime("%Y-%m-%d %H:%M") == expected


def test_reyes_alone_is_the_holiday_only_as_a_name() -> None:
    sent = datetime(2027, 12, 20, 9, tzinfo=UTC)
    named = parse_due("Antes de Reyes, por favor.", sent_at=sent, time_zone="Europe/Madrid")
    assert named is not None
    assert "Reyes" in named.anchor
    plain = parse_due("antes de los reyes del mambo", sent_at=sent, time_zone="Europe/Madrid")
    assert plain is None


@settings(max_examples=100, deadline=None)
@given(
    region=st.sampled_from(["DE", "AT", "CH", "FR", "BE", "ES", "MX", "GB", "IE", "US", "CA"]),
    day=st.dates(date(2026, 1, 1), date(2030, 12, 31)),
)
def test_the_working_day_before_is_open_and_nothing_open_lies_between(
    region: str, day: date
) -> None:
    before = working_day_before(day, region)
    assert before < day
    assert before.weekday() < 5
    assert not is_public_holiday(before, region)
    between = before + timedelta(days=1)
    while between < day:
        assert between.weekday() >= 5 or is_public_holiday(between, region)
        between += timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("C'est Inès qui prend le dossier, à remettre le 12.", "fr"),
        ("Tobias übernimmt das Angebot, fällig am 12.", "de"),
        ("Bitte bis zum 12. fertig machen.", "de"),
        ("Lucía se encarga del contrato; vence el día 12.", "es"),
        ("Necesito el contrato para el 12.", "es"),
    ],
)
def test_a_day_of_the_month_alone_in_each_language(text: str, language: str) -> None:
    zone, locale = _ZONES[language]
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    assert _local(due.due, zone).strftime("%Y-%m-%d %H:%M") == "2027-03-12 17:00"


@pytest.mark.parametrize(
    "text",
    ["Voir le 12 h du matin.", "Page 12 du rapport.", "Le 12 novembre dernier."],
)
def test_numbers_that_are_no_day_of_the_month(text: str) -> None:
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    found = find_due_dates(text, sent_at=sent, time_zone="Europe/Paris", require_cue=True)
    assert all(item.due.astimezone(UTC).date() != date(2027, 3, 12) for item in found)


def test_a_weekday_settles_a_numeric_date_and_a_disagreeing_one_is_asked_about() -> None:
    sent = datetime(2027, 2, 3, 14, tzinfo=UTC)  # a Wednesday
    london = parse_due("Deck - Tue 9/2", sent_at=sent, time_zone="Europe/London")
    assert london is not None
    assert not london.ambiguous
    assert london.due.date() == date(2027, 2, 9)
    spanish = parse_due("para el jueves 12", sent_at=sent, time_zone="Europe/Madrid")
    assert spanish is not None
    assert spanish.ambiguous  # 12 February is a Friday
    german = parse_due("bis Montag, den 9. Februar", sent_at=sent, time_zone="Europe/Berlin")
    assert german is not None
    assert german.ambiguous  # 9 February is a Tuesday


@pytest.mark.parametrize(
    ("text", "zone", "locale", "expected"),
    [
        ("by 4/3", "America/Chicago", "en-US", date(2027, 4, 3)),
        ("by 04/03", "Europe/London", "en-GB", date(2027, 3, 4)),
        ("by 04/03", "Australia/Sydney", "en-AU", date(2027, 3, 4)),
        ("a más tardar el 4/3", "America/Mexico_City", "es-MX", date(2027, 3, 4)),
    ],
)
def test_numeric_dates_follow_a_locale_the_zone_agrees_with(
    text: str, zone: str, locale: str, expected: date
) -> None:
    sent = datetime(2027, 2, 22, 15, tzinfo=UTC)
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None
    assert not due.ambiguous
    assert _local(due.due, zone).date() == expected


def test_a_locale_the_zone_contradicts_still_asks() -> None:
    sent = datetime(2027, 2, 22, 15, tzinfo=UTC)
    due = parse_due("by 4/3", sent_at=sent, time_zone="Europe/London", locale="en-US")
    assert due is not None
    assert due.ambiguous


def test_a_numeric_date_just_past_is_past_not_next_year() -> None:
    sent = datetime(2027, 4, 7, 15, tzinfo=UTC)
    due = parse_due("by 4/2", sent_at=sent, time_zone="America/New_York", locale="en-US")
    assert due is not None
    assert due.in_past
    assert _local(due.due, "America/New_York").date() == date(2027, 4, 2)


@pytest.mark.parametrize(
    "text",
    [
        "Would you give a talk at one of the Friday lunches?",
        "Could you join the Tuesday standups from now on?",
        "Kannst du jeden Freitag das Protokoll schreiben?",
        "Peux-tu préparer le point chaque lundi ?",
        "¿Puedes enviar el resumen cada viernes?",
    ],
)
def test_a_weekday_that_recurs_is_no_date(text: str) -> None:
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert parse_due(text, sent_at=sent, time_zone="Europe/London") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Could you draft it? Next Wednesday works.", "en"),
        ("Kannst du das entwerfen? Mittwoch passt.", "de"),
        ("Tu peux le rédiger ? Mercredi me convient.", "fr"),
        ("¿Puedes redactarlo? El miércoles me va bien.", "es"),
    ],
)
def test_a_day_offered_as_fine_is_a_deadline(text: str, language: str) -> None:
    zone, locale = _ZONES[language]
    sent = datetime(2027, 3, 1, 9, tzinfo=UTC)
    found = find_due_dates(text, sent_at=sent, time_zone=zone, locale=locale, require_cue=True)
    assert found, text
    assert _local(found[0].due, zone).strftime("%a") == "Wed"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Bitte am Donnerstag, dem 17. Dezember, um 11 Uhr.", "de", "2026-12-17 11:00"),
        ("Bitte bis Anfang Januar.", "de", "2027-01-08 17:00"),
        ("Bitte bis Mitte Januar.", "de", "2027-01-15 17:00"),
        ("Bitte bis Freitagmittag.", "de", "2026-12-11 12:00"),
        ("Bitte bis Montagfrüh.", "de", "2026-12-14 09:00"),
        ("Bitte bis KW 51.", "de", "2026-12-18 17:00"),
        ("Merci de l'envoyer d'ici vendredi 18h.", "fr", "2026-12-11 18:00"),
        ("Il me le faut pour demain matin.", "fr", "2026-12-10 09:00"),
        ("Merci de le boucler d'ici mi-janvier.", "fr", "2027-01-15 17:00"),
        ("Réponse attendue sous huitaine.", "fr", "2026-12-16 17:00"),
        ("Merci de revenir vers moi sous 48h.", "fr", "2026-12-11 11:00"),
        ("Merci de me l'envoyer dans la journée.", "fr", "2026-12-09 17:00"),
        ("Tu peux t'en occuper jusqu'à vendredi.", "fr", "2026-12-11 17:00"),
        ("Prévois 12h de travail pour vendredi.", "fr", "2026-12-11 17:00"),
        ("Lo necesito para mediados de enero.", "es", "2027-01-15 17:00"),
        ("Lo necesito para principios de enero.", "es", "2027-01-08 17:00"),
        ("Mándamelo hoy mismo, por favor.", "es", "2026-12-09 17:00"),
        ("Lo necesito para esta tarde.", "es", "2026-12-09 17:00"),
        ("Please have it by early January.", "en", "2027-01-08 17:00"),
        ("Please have it by late January.", "en", "2027-01-29 17:00"),
    ],
)
def test_more_ways_of_writing_a_deadline(text: str, language: str, expected: str) -> None:
    zone, locale = _ZONES[language]
    sent = datetime(2026, 12, 9, 10, tzinfo=UTC)  # a Wednesday
    found = find_due_dates(text, sent_at=sent, time_zone=zone, locale=locale, require_cue=True)
    assert found, text
    assert _local(found[0].due, zone).strftime("%Y-%m-%d %H:%M") == expected


@pytest.mark.parametrize(
    "text",
    [
        "By week 3 of the project we should have a prototype.",
        "Das hat 48h gedauert.",
        "On a passé 12h de travail dessus.",
    ],
)
def test_counts_that_look_like_dates_are_not_deadlines(text: str) -> None:
    sent = datetime(2026, 12, 9, 10, tzinfo=UTC)
    assert not find_due_dates(text, sent_at=sent, time_zone="Europe/Paris", require_cue=True)


# Holiday names of each language, with its words for "by" and "before".
_HOLIDAY_NAMES = {
    "en": ("Christmas Eve", "New Year's Eve", "Good Friday", "Australia Day", "Canada Day"),
    "de": ("Heiligabend", "Silvester", "Ostermontag", "Pfingsten", "Tag der Arbeit"),
    "fr": ("Noël", "la Saint-Sylvestre", "la Toussaint", "l'Assomption", "la Pentecôte"),
    "es": ("Nochebuena", "Navidad", "Reyes", "la Inmaculada", "Jueves Santo"),
}
_BY_BEFORE = {"en": ("by", "before"), "de": ("bis", "vor"), "fr": ("d'ici", "avant")}
_BY_BEFORE["es"] = ("para", "antes de")


@settings(max_examples=100, deadline=None)
@given(
    language=st.sampled_from(sorted(_HOLIDAY_NAMES)),
    which=st.integers(0, 4),
    before=st.booleans(),
    sent_day=st.dates(date(2026, 1, 1), date(2029, 12, 31)),
)
def test_by_a_holiday_is_its_day_and_before_it_the_working_day_before(
    language: str, which: int, before: bool, sent_day: date
) -> None:
    zone, locale = _ZONES[language]
    name = _HOLIDAY_NAMES[language][which]
    text = f"{_BY_BEFORE[language][before]} {name}"
    sent = datetime.combine(sent_day, time(8), resolve_zone(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None, text
    if due.in_past:
        return  # a holiday just past is a slip to ask about (test_holidays.py)
    day = _local(due.due, zone).date()
    region = locale.split("-")[1]
    if before:
        assert day.weekday() < 5, text
        assert not is_public_holiday(day, region), text
        assert due.anchor.endswith("so the day before"), text
    else:
        assert name.removeprefix("la ").removeprefix("l'") in due.anchor, text
    assert day >= sent_day, text
