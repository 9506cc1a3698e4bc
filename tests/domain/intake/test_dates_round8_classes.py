"""Due dates in English, German, French and Spanish: the classes round 8 of issue 18 missed.

Clock times said with a fraction of the hour ("half past four", "halb fünf", "cinq heures moins
le quart", "las dos y cuarto"); a deadline word between a day and its time ("tomorrow by
9am"); another place's clock named after the day ("noon Tuesday Paris time"); a country's own
independence day; a day the month lacks ("30 February") and a month alone after "sometime in";
a month just over naming a period ("the invoices for March"); a day and time closing a clause
without a cue word; a hard limit said as a fragment ("Sin falta."). The sentences are this
file's own.
"""

from __future__ import annotations

import time as time_module
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import parse_due

_HOUR_WORDS = {
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
    "de": ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
           "elf", "zwölf"),
    "fr": ("une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
           "onze", "douze"),
    "es": ("una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
           "once", "doce"),
}  # fmt: skip
# (how each language says a fraction of the hour named, the minutes it moves that hour).
_FRACTIONS = {
    "en": (("half past {h}", 30), ("quarter past {h}", 15), ("a quarter to {h}", -15)),
    "de": (("halb {h}", -30), ("viertel nach {h}", 15), ("viertel vor {h}", -15),
           ("dreiviertel {h}", -15)),
    "fr": (("à {h} heures et demie", 30), ("à {h} heures et quart", 15),
           ("à {h} heures moins le quart", -15)),
    "es": (("a las {h} y media", 30), ("a las {h} y cuarto", 15), ("a las {h} menos cuarto", -15)),
}  # fmt: skip
# A request with a day and the time after it, in each language.
_REQUESTS = {
    "en": "Could you send me the venue contract on Thursday, {t}?",
    "de": "Kannst du mir den Mietvertrag bis Donnerstag {t} schicken?",
    "fr": "Peux-tu m'envoyer le contrat de la salle pour jeudi {t} ?",
    "es": "¿Me mandas el contrato del local para el jueves {t}?",
}
_SENT = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)  # a Monday; Thursday is 11 March


def _local(due: datetime, zone: str = "UTC") -> datetime:
    return due.astimezone(ZoneInfo(zone))


def _expected(hour_named: int, minutes: int) -> time:
    # Office hours: an hour from one to seven without "am"/"pm" is the afternoon's.
    hour = hour_named + 12 if 1 <= hour_named <= 7 else hour_named
    total = (hour * 60 + minutes) % (24 * 60)
    return time(total // 60, total % 60)


@settings(max_examples=60, deadline=None)
@given(
    language=st.sampled_from(sorted(_REQUESTS)),
    hour_named=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_a_fraction_of_the_hour_keeps_its_minutes(
    language: str, hour_named: int, data: st.DataObject
) -> None:
    words, minutes = data.draw(st.sampled_from(_FRACTIONS[language]))
    if language == "es" and hour_named == 1:
        words = words.replace("las", "la")  # "a la una y media"
    phrase = words.format(h=_HOUR_WORDS[language][hour_named - 1])
    text = _REQUESTS[language].format(t=phrase)
    due = parse_due(text, sent_at=_SENT, time_zone="UTC")
    assert due is not None, text
    local = _local(due.due)
    assert (local.date().isoformat(), local.time()) == (
        "2027-03-11",
        _expected(hour_named, minutes),
    ), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please have the floor plan with me by half past two tomorrow.", "2027-03-09 14:30"),
        ("Please send it by quarter to ten in the morning on Friday.", "2027-03-12 09:45"),
        ("Please send it by half past 4 on Friday.", "2027-03-12 16:30"),
        ("Please send it by half five on Friday.", "2027-03-12 17:30"),
        ("Please send it Friday at a quarter past eight pm.", "2027-03-12 20:15"),
        ("Schick es bitte bis Freitag um halb 3 Uhr.", "2027-03-12 14:30"),
        ("Schick es bitte bis Freitag um halb neun morgens.", "2027-03-12 08:30"),
        ("Envoie-le avant vendredi 17h moins le quart.", "2027-03-12 16:45"),
        ("Envoie-le pour vendredi à 11 h et demie.", "2027-03-12 11:30"),
        ("Envíalo antes del viernes a las 5 y media de la tarde.", "2027-03-12 17:30"),
    ],
)
def test_fractions_with_digits_and_parts_of_the_day(text: str, expected: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone="UTC")
    assert due is not None
    assert f"{_local(due.due):%Y-%m-%d %H:%M}" == expected


@pytest.mark.parametrize(
    "text",
    [
        "The workshop took half past nothing.",
        "Das dauert halb drei Stunden länger.",
        "Una de las tres propuestas nos gusta.",
        "Ça prend en trois heures et demie de route.",
    ],
)
def test_words_that_only_look_like_a_clock_set_no_time(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone="UTC")
    assert due is None or _local(due.due).minute not in (15, 30, 45)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A day mentioned earlier with a weak cue loses to "tomorrow" with its deadline word.
        ("Sorry for the Saturday mail. Book the van tomorrow by 9am, please.", "2027-03-07 09:00"),
        ("Zum Samstag nur kurz: schick es morgen vor 11 Uhr.", "2027-03-07 11:00"),
        ("Désolé de t'écrire ce samedi. Envoie-le demain avant 10h.", "2027-03-07 10:00"),
    ],
)
def test_a_deadline_word_between_a_day_and_its_time_makes_it_the_deadline(
    text: str, expected: str
) -> None:
    sent = datetime(2027, 3, 6, 18, 0, tzinfo=UTC)  # a Saturday evening
    due = parse_due(text, sent_at=sent, time_zone="UTC")
    assert due is not None
    assert (f"{_local(due.due):%Y-%m-%d %H:%M}", due.strength) == (expected, 2)


@pytest.mark.parametrize(
    ("text", "zone", "expected_utc"),
    [
        ("Please lodge the filing by noon Tuesday Paris time.", "Europe/Paris", "2027-03-09 11:00"),
        ("Please lodge the filing by 4pm Wednesday ET.", "America/New_York", "2027-03-10 21:00"),
        ("Please lodge the filing by 9am Friday Tokyo time.", "Asia/Tokyo", "2027-03-12 00:00"),
    ],
)
def test_a_clock_named_after_the_day_sets_its_time(text: str, zone: str, expected_utc: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone="Australia/Perth")
    assert due is not None
    assert f"{due.due:%Y-%m-%d %H:%M}" == expected_utc, zone


@pytest.mark.parametrize(
    ("text", "zone", "locale", "expected"),
    [
        # 16 September in Mexico; "before" a day off is the working day before it.
        ("Cierra la conciliación antes del Día de la Independencia.", "America/Mexico_City",
         "es-MX", "2027-09-15"),
        ("Close the books by Independence Day.", "America/Denver", "en-US", "2027-07-04"),
        ("Cierra la conciliación para el Día de la Independencia.", "America/Bogota", "es-CO",
         "2027-07-20"),
        ("Close the books by Independence Day.", "Asia/Kolkata", "en-IN", "2027-08-15"),
    ],
)  # fmt: skip
def test_independence_day_is_the_senders_countrys(
    text: str, zone: str, locale: str, expected: str
) -> None:
    sent = datetime(2027, 6, 1, 9, 0, tzinfo=ZoneInfo(zone))
    due = parse_due(text, sent_at=sent, time_zone=zone, locale=locale)
    assert due is not None
    assert f"{_local(due.due, zone):%Y-%m-%d}" == expected


@settings(max_examples=40, deadline=None)
@given(
    month=st.sampled_from([(2, "February", 30), (4, "April", 31), (6, "June", 31),
                           (9, "September", 31), (11, "November", 31)]),
    words=st.sampled_from(["by {d} {m}", "by {m} {d}", "no later than {d} {m}"]),
)  # fmt: skip
def test_a_day_the_month_lacks_is_asked_about(month: tuple[int, str, int], words: str) -> None:
    number, name, missing_day = month
    sent = datetime(2027, number, 1, 9, 0, tzinfo=UTC)
    text = "Please get the lease signed " + words.format(d=missing_day, m=name) + "."
    due = parse_due(text, sent_at=sent, time_zone="UTC")
    assert due is not None
    assert due.ambiguous
    readings = sorted([due.due, *due.alternatives])
    assert [reading.month for reading in readings] == [number, number % 12 + 1]


def test_the_31st_in_a_month_of_thirty_days_is_asked_about() -> None:
    sent = datetime(2027, 11, 2, 9, 0, tzinfo=UTC)
    due = parse_due("Please sign it by the 31st.", sent_at=sent, time_zone="UTC")
    assert due is not None and due.ambiguous
    assert sorted(f"{day:%m-%d}" for day in [due.due, *due.alternatives]) == ["11-30", "12-31"]
    thirtieth = parse_due("Please sign it by the 30th.", sent_at=sent, time_zone="UTC")
    assert thirtieth is not None and not thirtieth.ambiguous


def test_a_month_alone_after_sometime_in_is_asked_about() -> None:
    sent = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    due = parse_due("Can you run the DR drill sometime in June?", sent_at=sent, time_zone="UTC")
    assert due is not None and due.ambiguous and due.strength == 1


def test_a_month_just_over_names_a_period_not_next_years_deadline() -> None:
    sent = datetime(2027, 4, 16, 9, 0, tzinfo=UTC)  # a Friday
    text = "The invoices for February need your approval next Tuesday."
    due = parse_due(text, sent_at=sent, time_zone="UTC")
    assert due is not None
    assert f"{due.due:%Y-%m-%d}" == "2027-04-20"


@pytest.mark.parametrize(
    ("text", "strength"),
    [
        ("Priya: the supplier scorecard, Wednesday 2pm.", 1),
        ("Omar, el resumen de gastos, miércoles a las 14:00.", 1),
        ("Nina, die Reisekosten, Mittwoch 14 Uhr.", 1),
        # A day after a determiner names a thing; one inside its clause is a mention.
        ("We have the Wednesday lunch at noon.", 0),
        ("Wednesday at 2pm we present to the board.", 0),
    ],
)
def test_a_day_and_time_closing_its_clause_is_a_weak_deadline(text: str, strength: int) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone="UTC")
    assert due is not None
    assert due.strength == strength


@pytest.mark.parametrize(
    "text",
    [
        "Jordan: the tax pack, Thursday noon. No later, please.",
        "Alex: el cierre contable, jueves a mediodía. Sin falta.",
        "Nina : le bilan, jeudi midi. Sans faute !",
    ],
)
def test_a_hard_limit_said_as_its_own_fragment_is_the_hardest(text: str) -> None:
    due = parse_due(text, sent_at=_SENT, time_zone="UTC")
    assert due is not None
    assert (f"{due.due:%Y-%m-%d %H:%M}", due.strength) == ("2027-03-11 12:00", 3)


@pytest.mark.parametrize(
    "gap", [" " * 3000, " " * 3000 + ",", "\t" * 3000 + "(x"], ids=["spaces", "comma", "bracket"]
)
def test_a_long_run_of_spaces_after_a_time_reads_quickly(gap: str) -> None:
    # A zone may follow a time after spaces, a comma or a bracket; read in more than one way,
    # those spaces took minutes.
    started = time_module.perf_counter()
    due = parse_due("Please reply Friday 3pm" + gap + "x", sent_at=_SENT, time_zone="UTC")
    assert due is not None
    assert time_module.perf_counter() - started < 1.0
