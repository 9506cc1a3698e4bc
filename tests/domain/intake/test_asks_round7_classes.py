"""Asks and owners that round 7 of issue 18 showed missing, read by grammar: a duty stated on
a thing ("the figures need to be signed off by Friday", "il faut que le rapport soit validé",
"hay que dejar listo el inventario"), "I'll need the ...", "great if you could have the ...
updated", the Spanish "podés", "puede uno de vosotros" and the delegation with the subject
after its verb ("Se ocupa Omar del ..."), a courtesy title before a name ("Ms. Sato"), and
the ask turned by name to a Cc recipient. The sentences are the tests' own."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import Ignored, Missing
from domain.intake.obligations import obligation_work
from tests.support.intake_mail import AGENT, CONTEXT, NADIA, OMAR, PRIYA, SAM, local, read

FRIDAY = "2026-12-04 17:00"
"""The Friday after the default sent time (Wednesday 2 December 2026, London)."""


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, the vendor invoices need to be reconciled by Friday.", "vendor invoices"),
        ("Sam, the pricing sheet has to be updated by Friday.", "pricing sheet"),
        ("Sam, the onboarding guide must be finalised by Friday.", "onboarding guide"),
        ("Sam, il faut que le rapport trimestriel soit validé d'ici vendredi.", "rapport"),
        ("Sam, il faudrait que les factures soient vérifiées d'ici vendredi.", "factures"),
        ("Sam, hay que dejar listo el inventario del almacén para el viernes.", "inventario"),
    ],
)
def test_a_duty_on_a_thing_said_to_someone_is_a_request(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower()
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        # Said to no one by name: news about a thing, not an ask.
        "The vendor invoices need to be reconciled by Friday.",
        "Il faut que le rapport trimestriel soit validé d'ici vendredi.",
        "Hay que dejar listo el inventario del almacén para el viernes.",
        # No deadline: a remark.
        "Sam, the pricing sheet needs to be updated at some point.",
        # Talk, not work.
        "Sam, the roadmap needs to be discussed by Friday.",
    ],
)
def test_a_duty_without_an_addressee_or_a_deadline_is_no_request(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("text", "work"),
    [
        ("the invoices need to be reconciled", "reconcile the invoices"),
        ("the plan has to be updated with the new figures", "update the plan with the new figures"),
        ("the release must be planned", "plan the release"),
        ("the deck should be written", "write the deck"),
        ("the fees need to be paid", "pay the fees"),
        ("il faut que la migration soit terminée", "terminer la migration"),
        ("the weather needs to be nice", ""),
    ],
)
def test_the_work_a_duty_names(text: str, work: str) -> None:
    assert obligation_work(text) == work


@pytest.mark.parametrize(
    "body",
    [
        "Sam, I'll need the headcount plan by Friday.",
        "Sam, I\u2019ll need the headcount plan by Friday.",
        "Would be great if you could have the headcount plan updated by Friday.",
        "I'd be grateful if you could get the headcount plan signed off by Friday.",
        "Sam, ¿podés mandarme el plan de personal para el viernes?",
    ],
)
def test_needs_and_causative_asks_are_requests(body: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "It would be great if you could have dinner with us on Friday.",
        "Would be great if you could have a restful weekend.",
    ],
)
def test_invitations_and_remarks_are_still_no_requests(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


def test_one_of_you_in_spanish_formal_asks_who() -> None:
    reading = read(
        "¿Puede uno de ustedes revisar el contrato del proveedor para el viernes?",
        to=[SAM, PRIYA],
    )
    assert Missing.OWNER in reading.missing, reading
    assert reading.drafts == []
    assert "contrato" in reading.title.lower()


def test_a_spanish_delegation_with_its_subject_after_the_verb() -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA, NADIA]})
    reading = read(
        "Se ocupa Omar del presupuesto de marketing; para el viernes.",
        context,
        subject="RV: presupuesto",
        to=[AGENT],
        cc=[],
    )
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]
    assert "presupuesto" in reading.title.lower()


def test_a_courtesy_title_before_a_name_ends_no_sentence() -> None:
    reading = read("Sam, please send Dr. Ortiz the signed consent forms by Friday.")
    assert reading.is_complete, reading
    assert "consent forms" in reading.title.lower()


def test_an_ask_turned_by_name_to_a_cc_recipient_is_theirs() -> None:
    reading = read(
        "Sam, Omar is picking up the lab inventory from you. Omar, please finish it by Friday.",
        to=[SAM],
        cc=[AGENT, OMAR],
    )
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]


@pytest.mark.parametrize(
    "body",
    [
        # Addressed to the owner in To: Cc stays informed.
        "Sam, please finish the lab inventory by Friday. Omar, thanks for the help.",
        # Addressed to Accord itself: never an owner.
        "Accord, please track the lab inventory, due Friday.",
    ],
)
def test_cc_recipients_stay_informed_otherwise(body: str) -> None:
    reading = read(body, to=[SAM], cc=[AGENT, OMAR])
    assert [draft.owner for draft in reading.drafts] == [SAM], reading


def test_work_handed_to_a_team_asks_who_owns_it() -> None:
    reading = read(
        "The payroll team will look into it by Friday.",
        subject="FW: Missing overtime payment",
        to=[AGENT],
        cc=[],
    )
    assert Missing.OWNER in reading.missing, reading
    assert reading.drafts == []
    assert "overtime payment" in reading.title.lower()
    assert local(reading) == FRIDAY


def test_work_handed_to_a_team_said_to_a_person_is_news() -> None:
    reading = read("Sam, the payroll team will look into it by Friday.")
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


def test_work_passed_on_by_name_in_a_forward() -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA, NADIA]})
    reading = read(
        "Passing this to Omar, he'll own the supplier audit file. Due Friday.",
        context,
        subject="FW: audit",
        to=[AGENT],
        cc=[],
    )
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]
    assert reading.title == "Own the supplier audit file"


def test_track_this_names_its_doer_in_the_statement() -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA, NADIA]})
    reading = read(
        "Please track this one: Omar is updating the fleet insurance schedule by Friday.",
        context,
        to=[AGENT],
        cc=[OMAR],
    )
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]
    assert "fleet insurance schedule" in reading.title.lower()


def test_a_causative_with_a_pronoun_names_the_thing_from_the_subject() -> None:
    reading = read("Sam, please have them signed by Friday.", subject="RE: Supplier contracts")
    assert "supplier contracts" in reading.title.lower(), reading


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "Sam, Omar will take the visa paperwork off your list. Omar, please have it "
            "filed by Friday.",
            "Have the visa paperwork filed",
        ),
        (
            "The loading dock rota for January needs a new owner. Can you own that one by Friday?",
            "Own the loading dock rota",
        ),
        (
            "The auditor asked for the signed engagement letter. Could you send it to her by "
            "Friday?",
            "Send the signed engagement letter to her",
        ),
    ],
)
def test_a_pronoun_after_the_verb_names_the_thing_of_the_sentence_before(
    body: str, title: str
) -> None:
    reading = read(body, to=[OMAR], subject="Hello")
    assert reading.title == title, reading


def test_an_unhurried_spanish_imperative_asks_for_a_date() -> None:
    reading = read("Sam, cuando puedas, échale un vistazo al acuerdo de nivel de servicio.")
    assert reading.missing == [Missing.DUE_DATE], reading
    assert "acuerdo" in reading.title.lower()


def test_french_criteria_stated_as_complete_when() -> None:
    reading = read(
        "Merci de préparer le plan de formation pour vendredi. "
        "Il sera complet quand chaque équipe aura ses dates."
    )
    assert not reading.criteria_derived, reading
    assert "chaque équipe" in reading.success_criteria.lower()


def test_a_german_infinitive_said_to_someone_instructs() -> None:
    reading = read(
        "Sam, die Reisekostenabrechnung für Lyon bis Freitag einreichen, sonst ist es zu spät."
    )
    assert reading.is_complete, reading
    assert reading.title == "Reisekostenabrechnung für Lyon einreichen"
    assert local(reading) == FRIDAY


def test_two_imperatives_the_second_a_work_verb() -> None:
    reading = read("Sam, stick with the old vendor and send the renewal form back by Friday.")
    assert reading.is_complete, reading
    assert reading.title == "Send the renewal form back"


def test_yes_please_is_an_answer_and_the_ask_follows() -> None:
    reading = read("Sam, yes please. Book the venue for the spring offsite by Friday.")
    assert reading.is_complete, reading
    assert reading.title.startswith("Book the venue"), reading


def test_a_plain_ask_with_two_verbs_keeps_both() -> None:
    reading = read("Sam, please pull together the survey results and share them by Friday.")
    assert reading.title.startswith("Pull together the survey results"), reading


@pytest.mark.parametrize(
    "body",
    [
        "Sam, we met and reviewed the plan by Friday.",
        "Sam, Priya and I will review the plan by Friday.",
        "Stick with the old vendor and send the renewal form back by Friday.",
        "Sam, die Feier bis Freitag planen.",
        "Die Reisekostenabrechnung bis Freitag einreichen.",
    ],
)
def test_statements_and_unaddressed_instructions_stay_no_requests(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


_THINGS = st.sampled_from(
    ["the quarterly figures", "the venue", "the weather", "the office", "the roadmap"]
)
_MODALS = st.sampled_from(["needs to be", "has to be", "must be", "should be"])
_DONE = st.sampled_from(["updated", "closed", "ready", "finished", "discussed", "announced"])
_WHEN = st.sampled_from(["by Friday", "before Friday", "by 4 December", "on Friday"])


@settings(max_examples=30, deadline=None)
@given(thing=_THINGS, modal=_MODALS, done=_DONE, when=_WHEN)
def test_a_duty_said_to_no_one_never_becomes_a_commitment(
    thing: str, modal: str, done: str, when: str
) -> None:
    body = f"FYI: {thing} {modal} {done} {when}. Nothing needed from you."
    reading = read(body)
    assert reading.drafts == [], reading
    reading = read(f"{thing[0].upper()}{thing[1:]} {modal} {done} {when}.")
    assert reading.drafts == [], reading
