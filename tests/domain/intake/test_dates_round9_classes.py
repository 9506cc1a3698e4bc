"""Due dates in English, German, French and Spanish: the classes round 9 of issue 18 missed.

A bare hour beside its day ("tomorrow by 10", "el jueves a las 4"), read on office hours; the
English "3:30" and the German "16 Uhr 30"; a range of hours ("entre 14h et 16h"); a weekday
named with its week ("nächste Woche Mittwoch", "mercredi de la semaine prochaine"); the
feminine "la próxima semana"; a day word after a word ending in an article's letters ("la
planilla mañana"); a time with its own deadline word between two days ("avant midi demain");
a period said to end in a clause ("antes de que acabe el mes") or by its last working day;
numeric dates after a German, French or Spanish word, day first wherever the writer is;
deadlines counted back from an event in the four languages ("la veille", "zwei Werktage
vor", "el viernes anterior", "the morning of"); the writer's own next step after the ask ("so
I can close it before the weekend"); a deadline said as the consequence of another date ("it
expires on the 15th, so have it renewed by the 10th"). The sentences are this file's own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import find_due_dates, parse_due

_ZONE = "Europe/Madrid"
_SENT = datetime(2027, 3, 8, 9, 0, tzinfo=ZoneInfo(_ZONE))  # a Monday; Thursday is 11 March
_THURSDAY = date(2027, 3, 11)


def _local(due: datetime) -> datetime:
    return due.astimezone(ZoneInfo(_ZONE))


def _office(hour: int) -> int:
    # An hour from one to seven without a part of the day is the afternoon's.
    return hour + 12 if 1 <= hour <= 7 else hour


# A request with a day, a word that sets a time and a bare hour ({h}), in each language.
_BARE_HOURS = (
    "Could you return the signed lease on Thursday by {h}?",
    "Could you get the tenancy forms back to me Thursday at {h}?",
    "Kannst du mir die Mietunterlagen Donnerstag um {h} zurückschicken?",
    "Bitte die Mietunterlagen Donnerstag bis {h}.",
    "¿Me devuelves el contrato firmado el jueves a las {h}?",
    "¿Me devuelves el contrato firmado el jueves antes de las {h}?",
)


@settings(max_examples=60, deadline=None)
@given(pattern=st.sampled_from(_BARE_HOURS), hour=st.integers(min_value=1, max_value=12))
def test_a_bare_hour_beside_its_day_is_that_hour_on_office_time(pattern: str, hour: int) -> None:
    text = pattern.format(h=hour)
    if hour == 1:
        text = text.replace("las 1", "la 1")  # "a la una"
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due) == datetime.combine(_THURSDAY, time(_office(hour)), ZoneInfo(_ZONE)), (
        text
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can you send the lab results back tmrw by 9? ta", "2027-03-09 09:00"),
        ("Send the lab results back by 4 tomorrow please.", "2027-03-09 16:00"),
        ("Send the lab results back by 3 o'clock Thursday.", "2027-03-11 15:00"),
        ("Send the lab results back tomorrow by 04:30.", "2027-03-09 04:30"),
        ("Schick mir die Laborwerte heute gegen 4.", "2027-03-08 16:00"),
        ("Mándame los resultados hoy a las 7 de la mañana.", "2027-03-08 07:00"),
    ],
)
def test_bare_hours_with_their_day_part_or_leading_zero(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Could you print the handouts on Thursday by 40 copies?",
        "Bitte Donnerstag bis 4 Ordner sortieren.",
        "The shuttle to the depot leaves at 3.",
    ],
)
def test_a_number_that_counts_is_no_hour(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is None or _local(due.due).time() == time(17, 0), text


@settings(max_examples=40, deadline=None)
@given(hour=st.integers(min_value=1, max_value=11), minute=st.integers(min_value=0, max_value=59))
def test_an_english_clock_without_am_or_pm_is_read_on_office_hours(hour: int, minute: int) -> None:
    text = f"Can you upload the site photos Thursday at {hour}:{minute:02d}?"
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due).time() == time(_office(hour), minute), text


@settings(max_examples=40, deadline=None)
@given(hour=st.integers(min_value=8, max_value=20), minute=st.integers(min_value=1, max_value=59))
def test_german_minutes_after_uhr_are_kept(hour: int, minute: int) -> None:
    text = f"Bitte lade die Baustellenfotos bis Donnerstag, {hour} Uhr {minute:02d} hoch."
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due) == datetime.combine(_THURSDAY, time(hour, minute), ZoneInfo(_ZONE))


_WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes"),
}
# (the words, weeks after this one) with {d} for the weekday: the week before or after it.
_WEEK_PHRASES = {
    "en": (("by {d} of next week", 1), ("next week {d}", 1), ("by {d} this week", 0),
           ("on {d} the week after next", 2)),
    "de": (("bis nächste Woche {d}", 1), ("am {d} nächste Woche", 1),
           ("bis {d} in der nächsten Woche", 1), ("bis {d} dieser Woche", 0),
           ("bis {d} übernächste Woche", 2)),
    "fr": (("pour {d} de la semaine prochaine", 1), ("la semaine prochaine, le {d}", 1),
           ("d'ici {d} de cette semaine", 0)),
    "es": (("para el {d} de la próxima semana", 1), ("la semana que viene, el {d}", 1),
           ("antes del {d} de esta semana", 0)),
}  # fmt: skip
_WEEK_REQUESTS = {
    "en": "Could you book the courier {w}?",
    "de": "Kannst du den Kurier {w} buchen?",
    "fr": "Tu peux réserver le coursier {w} ?",
    "es": "¿Puedes reservar el mensajero {w}?",
}


@settings(max_examples=80, deadline=None)
@given(
    language=st.sampled_from(sorted(_WEEK_REQUESTS)),
    sent_day=st.dates(date(2027, 1, 4), date(2028, 12, 1)),
    weekday=st.integers(min_value=0, max_value=4),
    data=st.data(),
)
def test_a_weekday_named_with_its_week_is_that_week_day(
    language: str, sent_day: date, weekday: int, data: st.DataObject
) -> None:
    words, weeks = data.draw(st.sampled_from(_WEEK_PHRASES[language]))
    phrase = words.format(d=_WEEKDAY_NAMES[language][weekday])
    text = _WEEK_REQUESTS[language].format(w=phrase)
    sent = datetime.combine(sent_day, time(8, 30), ZoneInfo(_ZONE))
    expected = sent_day - timedelta(days=sent_day.weekday()) + timedelta(weeks=weeks, days=weekday)
    due = parse_due(text, sent_at=sent, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due).date() == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sent on a Monday: next week's Friday, never this week's.
        ("¿Puedes cerrar el inventario la próxima semana?", "2027-03-19 17:00"),
        ("¿Puedes cerrar el inventario antes de fin de la próxima semana?", "2027-03-19 17:00"),
        # A word ending in an article's letters is no article: "planilla", "Team".
        ("¿Me mandas la planilla mañana?", "2027-03-09 17:00"),
        ("Kannst du das Team morgen informieren?", "2027-03-09 17:00"),
        # A time with its own deadline word belongs to the day after it.
        ("Tu peux m'envoyer le bilan de fin de mois avant midi demain ?", "2027-03-09 12:00"),
        (
            "Can you send me the notes from the end of the quarter by noon tomorrow?",
            "2027-03-09 12:00",
        ),
        ("¿Me mandas el acta de la reunión del lunes antes de las 10 mañana?", "2027-03-09 10:00"),
    ],
)
def test_next_week_feminine_article_letters_and_a_time_between_two_days(
    text: str, expected: str
) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected, text
    assert not due.ambiguous, text


# The ask with its day and time, then the writer's own next step with a stronger-looking date.
_OWN_PLANS = (
    "Can you send me the stock count tomorrow at 2pm? That way I can close the books before "
    "Friday.",
    "Could you send me the stock count tomorrow at 2pm, so I can close the books by Friday.",
    "Kannst du mir morgen um 14 Uhr die Inventur schicken? Dann kann ich bis Freitag abschließen.",
    "Tu m'envoies l'inventaire demain à 14h ? Comme ça je clôture avant vendredi.",
    "¿Me mandas el inventario mañana a las 2? Así lo cierro antes del viernes.",
)


@pytest.mark.parametrize("text", _OWN_PLANS)
def test_the_writers_own_next_step_is_no_deadline(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == "2027-03-09 14:00", text
    cued = find_due_dates(text, sent_at=_SENT, time_zone=_ZONE, require_cue=True)
    assert all(_local(item.due).date() != date(2027, 3, 12) for item in cued), text


@pytest.mark.parametrize(
    "text",
    [
        "So that I can plan the week, please send it by Friday.",
        "Please send the count by Friday, so I'd like a draft on Thursday too.",
    ],
)
def test_a_wish_or_a_plan_before_the_ask_keeps_the_deadline(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert due.strength == 2, text


# A date that is the cause, then ", so" and the instruction with its deadline (12 March).
_CONSEQUENCES = (
    "The parking permit expires on the 20th, so renew it by Friday the 12th.",
    "Die Parkgenehmigung gilt bis 20. März, also bitte bis Freitag, den 12. März verlängern.",
    "Le badge parking expire le 20 mars, donc renouvelle-le avant le vendredi 12.",
    "El permiso de aparcamiento vence el 20 de marzo, así que renuévalo para el viernes 12.",
)


@pytest.mark.parametrize("text", _CONSEQUENCES)
def test_a_deadline_said_as_a_consequence_wins_over_its_cause(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == "2027-03-12 17:00", text


def test_a_consequence_stated_with_its_own_subject_sets_no_deadline() -> None:
    text = "Send the permit by Thursday, so the warden has it before Monday."
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None
    assert _local(due.due).date() == _THURSDAY


# Sent on Monday 8 March 2027: this week ends on Friday 12 March, the month on Wednesday 31
# March, the quarter on the same day.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could you settle the supplier invoices before the week is out?", "2027-03-12"),
        (
            "Kannst du die Lieferantenrechnungen begleichen, bevor der Monat vorbei ist?",
            "2027-03-31",
        ),
        ("Tu peux régler les factures avant que la semaine se termine ?", "2027-03-12"),
        ("¿Puedes pagar las facturas antes de que acabe el trimestre?", "2027-03-31"),
        ("¿Puedes pagar las facturas antes de que la semana termine?", "2027-03-12"),
        ("Could you settle the invoices by the last business day of the month?", "2027-03-31"),
        ("Bitte die Rechnungen bis zum letzten Werktag des Monats begleichen.", "2027-03-31"),
        ("Merci de régler les factures d'ici le dernier jour ouvré du mois.", "2027-03-31"),
        ("Paga las facturas antes del último día hábil del mes, por favor.", "2027-03-31"),
    ],
)
def test_a_period_said_to_end_in_a_clause_is_its_last_working_day(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == f"{expected} 17:00", text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tu peux déposer le dossier jeudi en fin de matinée ?", "2027-03-11 12:00"),
        ("Could you drop the file off by Thursday late morning?", "2027-03-11 12:00"),
        ("Kannst du die Akte bis Donnerstag Vormittag abgeben?", "2027-03-11 09:00"),
        ("Could you drop the file off Thursday by 2 at the latest?", "2027-03-11 14:00"),
    ],
)
def test_the_end_of_a_morning_and_a_limit_after_a_bare_hour(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected, text


def test_a_plan_naming_the_only_date_still_gives_the_deadline() -> None:
    text = "Please check the slides so we can send them to the client by Thursday."
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None
    assert _local(due.due).date() == _THURSDAY
    assert due.strength == 2


_RANGES = {
    "en": "Could you ring the caterer tomorrow between {a}:00 and {b}:00?",
    "de": "Kannst du den Caterer morgen zwischen {a} und {b} Uhr anrufen?",
    "fr": "Tu peux appeler le traiteur demain entre {a}h et {b}h ?",
}


@settings(max_examples=30, deadline=None)
@given(
    language=st.sampled_from(sorted(_RANGES)),
    start=st.integers(min_value=8, max_value=14),
    length=st.integers(min_value=1, max_value=4),
)
def test_a_range_of_hours_is_due_when_it_closes(language: str, start: int, length: int) -> None:
    text = _RANGES[language].format(a=start, b=start + length)
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due) == datetime.combine(
        date(2027, 3, 9), time(start + length), ZoneInfo(_ZONE)
    ), text


@pytest.mark.parametrize(
    ("text", "expected", "strength"),
    [
        ("Kannst du die Akte spätestens um 16 Uhr morgen abgeben?", "2027-03-09 16:00", 2),
        ("Kannst du die Akte bis Donnerstag in der Früh abgeben?", "2027-03-11 09:00", 2),
    ],
)
def test_a_limit_before_um_and_the_morning_in_der_frueh(
    text: str, expected: str, strength: int
) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected, text
    assert due.strength == strength, text


_DAY_FIRST_REQUESTS = (
    "Kannst du die Quartalszahlen bis {d}/{m} schicken?",
    "Tu peux envoyer les chiffres du trimestre pour le {d}/{m} ?",
    "¿Me mandas las cifras del trimestre para el {d}/{m}?",
)


@settings(max_examples=40, deadline=None)
@given(
    pattern=st.sampled_from(_DAY_FIRST_REQUESTS),
    day=st.integers(min_value=1, max_value=12),
    month=st.integers(min_value=1, max_value=12),
)
def test_german_french_and_spanish_write_the_day_first_wherever_the_writer_is(
    pattern: str, day: int, month: int
) -> None:
    text = pattern.format(d=day, m=month)
    sent = datetime(2027, 3, 8, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    due = parse_due(text, sent_at=sent, time_zone="America/New_York")
    assert due is not None, text
    reading = due.due.astimezone(ZoneInfo("America/New_York")).date()
    assert (reading.day, reading.month) == (day, month), text
    assert not due.ambiguous, text


# An offset before an event on a date ({o}: the offset, {d}: the date, 24 May 2027, a Monday).
_OFFSET_REQUESTS = {
    "de": "Kannst du die Teilnehmerliste {o} dem Audit am {d} schicken?",
    "fr": "Tu peux envoyer la liste des participants {o} l'audit du {d} ?",
    "es": "¿Puedes mandar la lista de asistentes {o} la auditoría del {d}?",
}
_OFFSET_DATES = {"de": "24. Mai", "fr": "24 mai", "es": "24 de mayo"}
_COUNT_WORDS = {
    "de": ("einen", "zwei", "drei", "vier", "fünf"),
    "fr": ("un", "deux", "trois", "quatre", "cinq"),
    "es": ("un", "dos", "tres", "cuatro", "cinco"),
}
_UNITS = {
    # (unit for one, for more, working days' words, the word for "before" and what follows).
    "de": ("Tag", "Tage", "Werktag", "Werktage", "vor"),
    "fr": ("jour", "jours", "jour ouvré", "jours ouvrés", "avant"),
    "es": ("día", "días", "día hábil", "días hábiles", "antes de"),
}
_AUDIT = date(2027, 5, 24)


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        count -= day.weekday() < 5
    return day


@settings(max_examples=60, deadline=None)
@given(
    language=st.sampled_from(sorted(_OFFSET_REQUESTS)),
    count=st.integers(min_value=1, max_value=5),
    working=st.booleans(),
)
def test_days_counted_back_from_an_event_are_the_deadline(
    language: str, count: int, working: bool
) -> None:
    one, many, one_working, many_working, before = _UNITS[language]
    unit = (one_working if working else one) if count == 1 else (many_working if working else many)
    offset = f"{_COUNT_WORDS[language][count - 1]} {unit} {before}"
    text = _OFFSET_REQUESTS[language].format(o=offset, d=_OFFSET_DATES[language])
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    expected = _working_days_before(_AUDIT, count) if working else _AUDIT - timedelta(days=count)
    assert _local(due.due).date() == expected, text
    assert due.strength == 2, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kannst du die Liste am Vortag des Audits am 24. Mai schicken?", "2027-05-23"),
        ("Tu peux envoyer la liste la veille de l'audit du 24 mai ?", "2027-05-23"),
        ("¿Me mandas la lista el día anterior a la auditoría del 24 de mayo?", "2027-05-23"),
        ("Das Audit ist am 24. Mai; schick mir die Liste bitte am Donnerstag davor.", "2027-05-20"),
        ("L'audit a lieu le 24 mai ; envoie-moi la liste le jeudi d'avant.", "2027-05-20"),
        ("La auditoría es el 24 de mayo; mándame la lista el jueves anterior.", "2027-05-20"),
        ("Das Audit ist am 24. Mai, die Liste brauche ich eine Woche vorher.", "2027-05-17"),
    ],
)
def test_the_day_or_weekday_before_an_event(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d}" == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Tu peux envoyer la veille technologique vendredi ?",
        "Tu peux l'envoyer vendredi avant 10h ?",
    ],
)
def test_words_like_an_offset_that_are_none(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due).date() == date(2027, 3, 12), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Counted back from the first day of a span of days.
        (
            "Please book cover for the trade fair (19 April to 23 April) a week before it opens.",
            "2027-04-12 17:00",
        ),
        # Said after the date, without naming it again.
        (
            "The auditors arrive on Thursday 22 April; please prepare the room two days ahead.",
            "2027-04-20 17:00",
        ),
        (
            "Die Prüfer kommen am 22. April, bitte den Raum zwei Tage im Voraus vorbereiten.",
            "2027-04-20 17:00",
        ),
        (
            "Les auditeurs arrivent le 22 avril, prépare la salle deux jours à l'avance.",
            "2027-04-20 17:00",
        ),
        (
            "Los auditores llegan el 22 de abril; prepara la sala con dos días de antelación.",
            "2027-04-20 17:00",
        ),
        # The morning of an event's day.
        (
            "The auditors arrive on 22 April; I need the room plan by the morning of their visit.",
            "2027-04-22 09:00",
        ),
        ("Kannst du mir den Raumplan am Morgen des 22. April schicken?", "2027-04-22 09:00"),
        ("Tu peux m'envoyer le plan de salle le matin du 22 avril ?", "2027-04-22 09:00"),
        ("¿Me mandas el plano de la sala la mañana del 22 de abril?", "2027-04-22 09:00"),
    ],
)
def test_deadlines_counted_from_an_event_said_around_it(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected, text


def test_a_span_of_time_is_no_day_to_count_back_from() -> None:
    text = "Please run the drill sometime in the next two weeks and warn everyone a day ahead."
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None
    assert _local(due.due).date() == date(2027, 3, 22)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for planning Monday's session. Send the notes so I can review them by Friday.",
        "About the workshop on 1 March: please send the notes so I can review them before Friday.",
    ],
)
def test_a_plan_with_only_a_later_or_past_date_beside_it_keeps_its_deadline(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None, text
    assert _local(due.due).date() == date(2027, 3, 12), text


def test_a_weaker_date_after_so_leaves_the_deadline_before_it() -> None:
    text = "Please send the permit by Thursday, so also check in with me on Monday."
    due = parse_due(text, sent_at=_SENT, time_zone=_ZONE)
    assert due is not None
    assert _local(due.due).date() == _THURSDAY
