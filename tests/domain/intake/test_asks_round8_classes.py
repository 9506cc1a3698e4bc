"""Asks that round 8 of issue 18 showed missing, read by grammar: a bare deliverable whose
firm deadline is followed by an adverb that makes it firmer ("impérativement", "sin falta",
"unbedingt") or by a clause saying what happens otherwise ("sonst ...", "otherwise ..."),
and a delegation whose deadline is written apart from it, as a verbless fragment after a
semicolon, colon or full stop. Guards keep news, plans and start dates what they are. The
sentences are the tests' own."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import Ignored, Missing
from domain.intake.handover_dates import handover_deadline
from domain.intake.models import DueParse
from tests.support.intake_mail import AGENT, CONTEXT, OMAR, PRIYA, SAM, asks_by, read

FRIDAY = "2026-12-04"
"""The Friday after the default sent time (Wednesday 2 December 2026, London)."""


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, the supplier scorecard by Friday, without fail.", "scorecard"),
        ("Sam, le plan de formation pour vendredi, impérativement.", "plan de formation"),
        ("Sam, el informe de gastos para el viernes, sin falta.", "informe de gastos"),
        ("Sam, die Reisekostenabrechnung bis Freitag, unbedingt.", "reisekostenabrechnung"),
        ("Sam, the vendor contract by Friday, otherwise legal cannot sign it.", "vendor contract"),
        ("Sam, die Offerte für den Umbau bis Freitag, sonst verfällt der Rabatt.", "offerte"),
        ("Sam, le devis du traiteur pour vendredi, sinon on perd la date.", "devis"),
    ],
)
def test_a_firm_deadline_with_an_adverb_or_a_consequence_is_an_ask(body: str, word: str) -> None:
    asks_by(body, word, FRIDAY)


@pytest.mark.parametrize(
    "body",
    [
        "Sam owns the supplier onboarding. Signed checklist back to procurement Friday 4 Dec.",
        "Sam übernimmt die Kundenbeschwerde. Antwort an die Filiale bis Freitag, 04.12.",
        "Sam se encarga del informe de auditoría; entrega el viernes 4.",
        "Sam prend le relais sur le dossier fournisseur : synthèse pour le vendredi 4 décembre.",
    ],
)
def test_a_delegation_with_its_deadline_apart_names_the_owner(body: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert [owner.address for owner in reading.owners] == ["sam.okafor@northwind.example"]
    assert reading.due is not None
    assert reading.due.date().isoformat() == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        # A start date is when the handover begins, not a deadline.
        "Sam takes over the Lisbon account. Starting Friday 4 Dec.",
        "Sam übernimmt das Team. Ab Freitag, 04.12.",
        "Sam se encarga de la oficina; desde el viernes 4.",
        # A clause with its own subject after the delegation is news.
        "Sam owns the roadmap. We met on Friday 4 Dec.",
        # Plans and meals with "otherwise" are no deliverable.
        "Sam, dinner on Friday, otherwise we lose the table.",
        "Sam, on se voit vendredi, sinon lundi.",
        "Vamos a cenar el viernes, sin falta.",
    ],
)
def test_news_plans_and_start_dates_stay_no_request(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


_OPENINGS = ["we", "they", "she", "since", "starting", "ab", "seit", "desde", "depuis", "nous"]
_THINGS = ["signed form", "Revised quote", "Antwort", "synthèse", "entrega", "budget draft"]


@settings(max_examples=60)
@given(opening=st.sampled_from(_OPENINGS + _THINGS), sentence_end=st.sampled_from([".", ""]))
def test_a_fragment_opening_with_a_subject_or_a_start_is_no_deadline(
    opening: str, sentence_end: str
) -> None:
    friday = DueParse(due=datetime(2026, 12, 4, 17, tzinfo=UTC), text="Friday 4 Dec")

    def dated(_: str) -> DueParse:
        return friday

    fragment = f"{opening} Friday 4 Dec{sentence_end}"
    found = handover_deadline("Sam owns the plan", fragment, dated)
    assert found is (opening in _THINGS)
    # The same fragment after a semicolon in the delegating sentence reads the same way.
    assert handover_deadline(f"Sam owns the plan; {fragment}", "", dated) is found


@pytest.mark.parametrize(
    ("body", "word"),
    [
        # "falloir" with the writer as its object is "I need".
        ("Hello Sam,\n\nIl me faut le bilan des ventes pour vendredi.\n\nMerci", "bilan"),
        ("Il nous faut la liste des fournisseurs pour vendredi.", "liste des fournisseurs"),
        ("Me hace falta el presupuesto de la obra para el viernes.", "presupuesto"),
        # "Il faudrait qu'on ...": a shared ask, with a named thing and a firm deadline.
        ("Il faudrait qu'on boucle le budget marketing d'ici vendredi.", "budget marketing"),
        ("Vamos a terminar el informe de ventas para el viernes.", "informe de ventas"),
    ],
)
def test_a_need_or_a_shared_ask_in_french_and_spanish_is_a_request(body: str, word: str) -> None:
    asks_by(body, word, FRIDAY)


@pytest.mark.parametrize(
    "body",
    [
        # Plans, meals and meetings: no named work outside the date.
        "Vamos a cenar el viernes.",
        "Vamos a cenar juntos para el viernes.",
        "Il faudrait qu'on se voie avant vendredi.",
        "Il faudrait qu'on dîne ensemble vendredi.",
        "On se voit mardi.",
        "On se retrouve mardi au bureau.",
        "Let's eat together on Friday.",
        # A need for something that is no thing to deliver.
        "Il me faut du temps pour réfléchir.",
        "Il nous faut du soleil ce week-end.",
    ],
)
def test_plans_and_wishes_in_french_and_spanish_stay_no_request(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


@pytest.mark.parametrize(
    "body",
    [
        "Hi both,\n\nCould somebody put together the release checklist by Friday?",
        "Someone needs to renew the SSL certificates by Friday.",
        "Bonjour,\n\nEst-ce que l'un de vous deux peut préparer le bilan d'ici vendredi ?",
        "Quelqu'un peut relancer le fournisseur d'ici vendredi ?",
        "Hola,\n\n¿Alguien puede revisar el contrato para el viernes?",
        "Kann jemand die Rechnungen bis Freitag prüfen?",
    ],
)
def test_an_indefinite_doer_among_several_recipients_asks_who(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert reading.ignored is None, reading
    assert Missing.OWNER in reading.missing
    assert not reading.drafts


def test_someone_who_is_not_the_doer_leaves_the_owners_as_addressed() -> None:
    reading = read("Can you ask someone in legal to review the lease by Friday?", to=[SAM, PRIYA])
    assert [owner.address for owner in reading.owners] == [SAM.address, PRIYA.address]


@pytest.mark.parametrize(
    "body",
    [
        "Ignore my last email please, it went to the wrong Sam. Sorry!",
        "Please disregard my previous message.",
        "Bitte meine letzte Mail ignorieren, falscher Empfänger.",
        "Ne tenez pas compte de mon message précédent, désolé.",
        "Ignora mi correo anterior, por favor.",
    ],
)
def test_a_retraction_of_the_writers_own_mail_asks_nothing(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


def test_a_retraction_does_not_cancel_the_ask_beside_it() -> None:
    reading = read("Please ignore my last email; instead, please send the signed lease by Friday.")
    assert reading.is_complete, reading
    assert "signed lease" in reading.title.lower()


@pytest.mark.parametrize(
    ("body", "complete"),
    [
        ("Sam, cuando puedas, ¿le echas un vistazo al contrato de alquiler?", False),
        ("¿Le das una vuelta al presupuesto antes del viernes?", True),
    ],
)
def test_a_spanish_question_about_a_thing_in_the_second_person_asks(
    body: str, complete: bool
) -> None:
    reading = read(body)
    assert reading.ignored is None, reading
    assert reading.is_complete is complete
    if not complete:
        assert reading.missing == [Missing.DUE_DATE]


@pytest.mark.parametrize("body", ["¿Te acuerdas de la cena del viernes?", "¿Le gustas a la jefa?"])
def test_a_spanish_question_about_a_person_asks_nothing(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, deja las carpetas del cliente en recepción el viernes.", "carpetas"),
        ("Sam, comprueba el inventario del almacén antes del viernes.", "inventario"),
        ("Le agradezco enviarme el presupuesto de la obra para el viernes.", "presupuesto"),
        ("Te agradecería que revisaras el contrato de alquiler antes del viernes.", "contrato"),
    ],
)
def test_spanish_imperatives_and_thanks_ahead_for_a_deed_ask(body: str, word: str) -> None:
    asks_by(body, word, FRIDAY)


@pytest.mark.parametrize(
    "body",
    [
        # Thanks for what is done, or for a person's being there, ask nothing.
        "Le agradezco su ayuda con el proyecto del viernes.",
        "Le agradezco haber venido el viernes.",
        "Te agradezco que hayas venido el viernes.",
        "Le agradezco estar ahí el viernes.",
        # "Dejar de" is to stop; a verb-first statement is news.
        "Deja de llover el viernes, por fin.",
        "Confirma el jefe que cerramos el viernes.",
    ],
)
def test_spanish_thanks_and_statements_stay_no_request(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


_KNOWS = CONTEXT.model_copy(update={"people": [PRIYA, OMAR]})
"""A sender who knows Priya and Omar (as intake passes the sender's reports)."""


@pytest.mark.parametrize(
    ("body", "owner", "word"),
    [
        ("Track for Priya: reconciliation of the expense claims by Friday.", PRIYA, "expense"),
        ("For Omar: die Offerte für den Umbau bis Freitag.", OMAR, "offerte"),
        ("Pour Priya : la synthèse des ventes d'ici vendredi.", PRIYA, "synthèse"),
    ],
)
def test_a_label_naming_a_known_person_addresses_the_work_to_them(
    body: str, owner: object, word: str
) -> None:
    reading = read(body, _KNOWS, to=[AGENT], cc=[])
    assert reading.is_complete, reading
    assert reading.owners == [owner]
    assert word in reading.title.lower()
    assert not reading.title.lower().startswith(("track", "for", "pour"))


@pytest.mark.parametrize(
    "body",
    [
        "For Priya: great work on the launch, Friday.",
        "For Priya: the offsite, Friday.",
        "For Priya: the team lunch is on Friday.",
        "For Dana: the expense claims by Friday.",
    ],
)
def test_a_label_before_praise_an_occasion_or_a_stranger_asks_nothing(body: str) -> None:
    assert read(body, _KNOWS, to=[AGENT], cc=[]).ignored == Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, the travel expense reports need your sign-off on Friday.", "travel expense"),
        ("Sam, der Rahmenvertrag braucht deine Freigabe bis Freitag.", "rahmenvertrag"),
        ("Sam, le devis du traiteur attend ta validation pour vendredi.", "devis"),
        ("Sam, el contrato de alquiler necesita tu firma el viernes.", "contrato"),
    ],
)
def test_a_thing_awaiting_the_readers_act_asks_for_it(body: str, word: str) -> None:
    asks_by(body, word, FRIDAY)


@pytest.mark.parametrize(
    "body",
    [
        # Said to no one by name, or waiting for no act of the reader's: news.
        "The expense reports need your sign-off on Friday.",
        "Sam, the team needs your support on Friday.",
        "Sam, the garden needs rain on Friday.",
    ],
)
def test_a_wait_said_to_no_one_or_for_no_act_asks_nothing(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (
            "Sam — supplier scorecards for the north region, Friday noon at the latest.",
            "scorecards",
        ),
        ("Sam, Lieferantenbewertung für die Region Nord, Freitag spätestens.", "lieferanten"),
    ],
)
def test_a_bare_deliverable_with_a_firm_limit_said_to_someone_asks(body: str, word: str) -> None:
    asks_by(body, word, FRIDAY)


@pytest.mark.parametrize(
    "body",
    [
        "Sam — great job on the launch, Friday at the latest.",
        "Sam, well done on the audit, Friday at the latest.",
        "Sam — lunch with the client, Friday at the latest.",
        "Sam — we ship Friday at the latest.",
        "Supplier scorecards for the north region, Friday noon at the latest.",
    ],
)
def test_praise_plans_statements_and_unaddressed_limits_ask_nothing(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (
            "Bonjour Sam,\n\nIl faut renvoyer le formulaire de la douane avant vendredi. "
            "Tu t'en occupes ?\n\nNina",
            "formulaire",
        ),
        (
            "Hola Sam,\n\nHay que mandar el formulario de aduanas antes del viernes. "
            "¿Te encargas tú?",
            "formulario",
        ),
    ],
)
def test_a_question_taking_on_the_work_just_named_asks_for_it(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower()
    assert "occupes" not in reading.title.lower()
    assert "encargas" not in reading.title.lower()
    assert reading.due is not None
    assert reading.due.date().isoformat() == FRIDAY


def test_a_statement_that_someone_takes_care_of_it_asks_nothing() -> None:
    assert read("Tu t'en occupes, je sais. Merci encore.").ignored == Ignored.NOT_A_REQUEST


@settings(max_examples=40)
@given(
    plan=st.sampled_from(
        [
            "Vamos a cenar",
            "Vamos a comer juntos",
            "Vamos a hablar",
            "Let's eat",
            "Let's meet",
            "Il faudrait qu'on se voie",
            "Il faudrait qu'on en parle",
            "On se voit",
        ]
    ),
    day=st.sampled_from(
        ["el viernes", "para el viernes", "by Friday", "on Friday", "vendredi", "d'ici vendredi"]
    ),
)
def test_a_shared_plan_to_meet_eat_or_talk_is_never_a_request(plan: str, day: str) -> None:
    reading = read(f"Sam, {plan.lower()} {day}.")
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert not reading.drafts


def test_an_ask_for_the_following_list_is_titled_by_its_subject() -> None:
    reading = read(
        "Hi Sam,\n\nCould you sort out the following by Friday:\n- book the hotel\n"
        "- send the invitations",
        subject="Madrid roadshow",
    )
    assert reading.is_complete, reading
    assert "madrid roadshow" in reading.title.lower()
    assert "following" not in reading.title.lower()
