"""Asks, owners and what is missing, read by grammar in English, German, French and Spanish
(issue 18, after the fresh round): courtesy clauses, shared asks ("let's", "lass uns",
"finissons", "vamos a"), delegations with a lead-in, conditional and second-person asks, the
doer an ask names among several recipients, asks left open ("one of you"), bare deliverables
without a date, subjects that carry the ask, "track this" above a forward, kind imperatives
and explicit success criteria in other languages. The sentences are the tests' own."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.intake import Ignored, Mailbox, Missing
from tests.support.intake_mail import AGENT, CONTEXT, MAYA, NADIA, OMAR, PRIYA, SAM, local, read

FRIDAY = "2026-12-04 17:00"
"""The Friday after the default sent time (Wednesday 2 December 2026, London)."""


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "Pas besoin de répondre aujourd'hui, mais peux-tu vérifier le budget d'ici vendredi ?",
            "budget",
        ),
        (
            "No hace falta responder ahora, pero ¿puedes revisar el contrato para el viernes?",
            "contrato",
        ),
        (
            "Du musst nicht sofort antworten, aber schick mir bitte die Zahlen bis Freitag.",
            "zahlen",
        ),
        ("No rush tonight, but I do need the churn analysis by Friday.", "churn analysis"),
        ("Pas besoin de répondre ce soir mais envoie-moi le budget d'ici vendredi.", "budget"),
        ("Kein Stress, aber schick mir den Bericht bis Freitag.", "bericht"),
    ],
)
def test_a_courtesy_clause_stops_at_its_but(body: str, title: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert title in reading.title.lower()
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "I'd appreciate it if you could update the pricing sheet by Friday.",
        "It would be great if you could update the pricing sheet by Friday.",
        "I really need the pricing sheet updated by Friday.",
        "Tu peux mettre à jour la grille tarifaire d'ici vendredi ?",
        "¿Me pasás la tabla de precios para el viernes?",
        "¿Me ayudas a preparar la tabla de precios para el viernes?",
    ],
)
def test_conditional_and_second_person_asks_are_requests(body: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Lass uns die Preisliste bis Freitag fertig machen.", "preisliste"),
        ("Finissons la grille tarifaire d'ici vendredi.", "grille tarifaire"),
        ("Vamos a cerrar la tabla de precios para el viernes.", "tabla de precios"),
        ("Terminons la grille tarifaire d'ici vendredi.", "grille tarifaire"),
        ("Let's wrap the pricing sheet up by Friday.", "pricing sheet"),
    ],
)
def test_a_shared_ask_with_a_deadline_is_a_request(body: str, word: str) -> None:
    reading = read(f"Sam, {body[0].lower()}{body[1:]}")
    assert reading.is_complete, reading
    assert word in reading.title.lower()
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "Let's meet before Friday.",
        "Let's talk about the pricing sheet before Friday.",
        "Lass uns am Freitag treffen.",
        "Lass uns bis Freitag warten.",
        "Voyons-nous avant vendredi.",
        "Vamos a hablar de la tabla de precios antes del viernes.",
        "Let's hope the pricing sheet arrives by Friday.",
        "Let us know if the pricing sheet is ready by Friday.",
        "I'd appreciate it if you could join us for drinks on Friday.",
        "It would be great if you could come to the offsite on Friday.",
        "¿Me recuerdas la hora de la reunión del viernes?",
        "Lass uns vor Freitag die Preisliste besprechen.",
        "Vamos a tener la reunión de precios para el viernes.",
        "Questions for the pricing sheet by Friday.",
        "Faisons le point avant vendredi.",
        "Lass uns die Preisliste fertig machen.",
    ],
)
def test_shared_plans_and_undated_shared_asks_are_not_requests(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert reading.drafts == []


@pytest.mark.parametrize(
    "body",
    [
        "Desde hoy Omar se ocupa del presupuesto de marketing; para el viernes.",
        "C'est Omar qui prend en charge le budget marketing, d'ici vendredi.",
        "Omar ist zuständig für das Marketingbudget, bis Freitag.",
        "From today, Omar is picking up the marketing budget from Priya, due Friday.",
        "Omar's taking over the marketing budget from Priya, due Friday.",
        "Ab sofort übernimmt Omar das Marketingbudget, bis Freitag.",
        "Désormais, c'est Omar qui s'occupe du budget marketing, d'ici vendredi.",
    ],
)
def test_a_delegation_in_a_forward_names_its_owner(body: str) -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA, NADIA]})
    reading = read(body, context, subject="FW: budget", to=[AGENT], cc=[])
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "Priya owns the launch checklist, Sam is reviewing it, due Friday.",
        "ACTION: Priya to update the launch checklist by Friday.",
        "Priya to update the launch checklist by Friday.",
        "Priya is on point for the launch checklist, due Friday.",
    ],
)
def test_the_doer_named_among_several_recipients_is_the_only_owner(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [PRIYA]
    assert "launch checklist" in reading.title.lower()


@pytest.mark.parametrize(
    "body",
    [
        "Could either of you update the launch checklist by Friday?",
        "Whoever has time, please update the launch checklist by Friday.",
        "Kann einer von euch bitte die Checkliste bis Freitag aktualisieren?",
    ],
)
def test_an_ask_left_open_between_recipients_asks_who(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert Missing.OWNER in reading.missing, reading
    assert reading.drafts == []
    assert any("Sam Okafor or Priya Raman" in note for note in reading.notes)


def test_an_ask_to_groups_only_asks_who_owns_it() -> None:
    desk = Mailbox(address="ops-desk@northwind.example", name="Ops desk")
    context = CONTEXT.model_copy(update={"groups": [desk.address]})
    reading = read("Please rotate the staging certificates by Friday.", context, to=[desk])
    assert reading.missing == [Missing.OWNER], reading
    assert reading.excluded_groups == [desk]
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "Need someone to rotate the staging certificates by Friday.",
        "Il faudrait que quelqu'un renouvelle les certificats avant vendredi.",
        "Jemand muss bis Freitag die Zertifikate erneuern.",
        "Alguien tiene que renovar los certificados para el viernes.",
    ],
)
def test_an_open_ask_to_accord_alone_asks_for_the_owner(body: str) -> None:
    reading = read(body, to=[AGENT], cc=[])
    assert reading.ignored is None, reading
    assert reading.missing == [Missing.OWNER], reading


@pytest.mark.parametrize(
    "body",
    [
        "Sam, the pricing sheet, whenever you get a chance.",
        "Sam — the supplier scorecard, as soon as you can, thanks",
        "Sam, die Lieferantenbewertung, wenn du dazu kommst.",
    ],
)
def test_a_bare_deliverable_without_a_date_asks_for_one(body: str) -> None:
    reading = read(body)
    assert reading.missing == [Missing.DUE_DATE], reading
    assert reading.title


@pytest.mark.parametrize(
    "body",
    [
        "The pricing sheet, whenever.",
        "The offsite, whenever you can.",
        "Sam, the pricing sheet went out, whenever you asked.",
    ],
)
def test_unaddressed_or_finished_things_without_a_date_are_not_asks(body: str) -> None:
    assert read(body).ignored == Ignored.NOT_A_REQUEST


def test_a_subject_that_carries_the_ask_above_a_short_body() -> None:
    reading = read("As per subject, thanks", subject="Sam: supplier scorecard - Fri 4 Dec")
    assert reading.is_complete, reading
    assert reading.title == "Supplier scorecard"
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Sam: offsite - Fri 4 Dec", "See subject"),
        ("Supplier scorecard - Fri 4 Dec", "See subject"),
        (
            "Sam: supplier scorecard - Fri 4 Dec",
            "Here is the scorecard we talked about last week, attached for your records.",
        ),
    ],
)
def test_subjects_that_do_not_carry_an_ask(subject: str, body: str) -> None:
    assert read(body, subject=subject).ignored == Ignored.NOT_A_REQUEST


def test_a_file_sent_with_an_addressed_subject_delivers_rather_than_asks() -> None:
    reading = read("", subject="Sam: supplier scorecard - Fri 4 Dec", has_attachments=True)
    assert reading.ignored == Ignored.NOT_A_REQUEST


def test_track_this_above_a_forward_reads_the_forwarded_ask() -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA]})
    body = (
        "Could you track this one for me? Omar agreed to it in the review.\n\n"
        "From: Priya Raman <priya.raman@northwind.example>\nSent: Tuesday, 1 December 2026\n"
        "To: Omar Haddad <omar.haddad@northwind.example>; Maya Chen <maya.chen@northwind.example>\n"
        "Subject: Review actions\n\n"
        "Thanks both. Omar will draft the capacity plan, due Friday 4 December.\nPriya"
    )
    reading = read(body, context, subject="FW: Review actions", to=[AGENT], cc=[])
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [OMAR]
    assert "capacity plan" in reading.title.lower()
    assert local(reading) == FRIDAY
    assert reading.manager == MAYA


@pytest.mark.parametrize(
    "body",
    [
        "Brilliant result! Please take a proper long weekend, you've earned it.",
        "Great launch. Please take a well-deserved break next week.",
        "Super Arbeit! Bitte nimm dir den Freitag frei.",
        "Bravo ! Prends ta journée vendredi, s'il te plaît.",
        "¡Enhorabuena! Por favor, tómate el viernes libre.",
        "Congrats on the launch! Please get some rest before Monday.",
        "Thank you so much! Please treat yourself to a nice dinner on Friday.",
        "Thanks for covering. Please don't feel you need to stay late next week.",
        "Please thank the team for the release by Friday's all-hands.",
        "Congrats! Please take the rest of the week off.",
        "Danke dir! Bitte erhol dich gut am Wochenende.",
        "Toll gemacht! Genieß bitte den Urlaub bis Montag.",
        "Merci ! Repose-toi bien ce week-end, s'il te plaît.",
        "¡Gracias! Por favor, descansa este fin de semana.",
    ],
)
def test_kind_imperatives_are_not_asks(body: str) -> None:
    reading = read(body)
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading
    assert reading.drafts == []


@pytest.mark.parametrize(
    "body",
    [
        "Please take a day to review the vendor contract by Friday.",
        "Please don't forget to send the vendor contract by Friday.",
        "Please switch off the old build server by Friday.",
        "Por favor, desconecta el servidor antiguo para el viernes.",
    ],
)
def test_work_asks_that_sound_kind_are_still_asks(body: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    ("body", "criteria"),
    [
        (
            "Kannst du die Preisliste bis Freitag aktualisieren? Fertig ist sie, sobald der "
            "Vertrieb sie freigegeben hat.",
            "Der Vertrieb sie freigegeben hat",
        ),
        (
            "Peux-tu mettre à jour la grille tarifaire d'ici vendredi ? Elle sera terminée "
            "quand les ventes l'auront validée.",
            "Les ventes l'auront validée",
        ),
        (
            "¿Puedes actualizar la tabla de precios para el viernes? Estará lista cuando "
            "ventas la haya aprobado.",
            "Ventas la haya aprobado",
        ),
    ],
)
def test_explicit_criteria_in_other_languages(body: str, criteria: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert reading.success_criteria == criteria
    assert not reading.criteria_derived


_COURTESIES = st.sampled_from(
    [
        "No need to reply tonight",
        "No rush to answer",
        "Keine Eile nötig",
        "Pas besoin de me répondre ce soir",
        "No hace falta que me respondas hoy",
    ]
)
_ASKS = st.sampled_from(
    [
        ("could you review the pricing memo by Friday?", "Review the pricing memo"),
        ("please draft the hiring plan by Friday.", "Draft the hiring plan"),
        ("can you send the board pack by Friday?", "Send the board pack"),
    ]
)


@settings(max_examples=25, deadline=None)
@given(courtesy=_COURTESIES, ask=_ASKS, joint=st.sampled_from([", but ", " - ", ". ", "; "]))
def test_a_courtesy_clause_never_changes_the_ask_beside_it(
    courtesy: str, ask: tuple[str, str], joint: str
) -> None:
    sentence, title = ask
    reading = read(f"Sam, {courtesy.lower()}{joint}{sentence}")
    assert reading.is_complete, reading
    assert reading.title == title
    assert local(reading) == FRIDAY


_SOCIAL = st.sampled_from(["meet", "talk", "catch up", "grab lunch", "celebrate", "sync"])
_WHEN = st.sampled_from(["by Friday", "before Friday", "on Friday", "before Friday's review"])


@settings(max_examples=25, deadline=None)
@given(verb=_SOCIAL, when=_WHEN, addressed=st.booleans())
def test_lets_about_meeting_never_becomes_a_commitment(
    verb: str, when: str, addressed: bool
) -> None:
    body = f"{'Sam, l' if addressed else 'L'}et's {verb} about the pricing sheet {when}."
    assert read(body).drafts == []


def test_a_date_settled_for_a_thing_is_a_request() -> None:
    reading = read(
        "Agreed. Let's say Friday 4 December at 11:00 for the second draft, Sam.",
        subject="Re: Supplier audit",
    )
    assert reading.is_complete, reading
    assert reading.title == "Second draft: Supplier audit"
    assert local(reading) == "2026-12-04 11:00"


@pytest.mark.parametrize(
    "ask",
    [
        "Sam, could you deal with this?",
        "Sam, kannst du das bitte übernehmen?",
        "Sam, tu peux t'en occuper ?",
        "Over to you, Sam.",
    ],
)
def test_an_undated_ask_above_a_forward_takes_the_forwarded_deadline(ask: str) -> None:
    body = (
        f"{ask}\n\n"
        "---------- Forwarded message ---------\nFrom: Billing <billing@fabrikam.example>\n"
        "To: Maya Chen <maya.chen@northwind.example>\nSubject: Tax form\n\n"
        "Hello, please return the signed tax form by 4 December so we can pay the invoice."
    )
    reading = read(body, subject="FW: Tax form")
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [SAM]
    assert local(reading) == FRIDAY


def test_a_conditional_ask_loses_its_courtesy_in_the_title() -> None:
    reading = read("Sam, I'd be grateful if you could send the minutes by Friday.")
    assert reading.title == "Send the minutes"


def test_a_delegation_takes_its_deadline_from_the_next_short_sentence() -> None:
    reading = read(
        "Priya owns the launch checklist, Sam is reviewing it. Checklist due Friday.",
        to=[SAM, PRIYA],
    )
    assert reading.is_complete, reading
    assert [draft.owner for draft in reading.drafts] == [PRIYA]
    assert reading.title == "Own the launch checklist"
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "Omar is taking over the account. It starts before Friday.",
        "Omar is taking over the account. We met the client before Friday's review.",
        "Thanks to Omar the account moved over before Friday.",
    ],
)
def test_a_delegation_followed_by_news_is_not_a_request(body: str) -> None:
    context = CONTEXT.model_copy(update={"people": [OMAR, PRIYA]})
    reading = read(body, context, subject="FW: account", to=[AGENT], cc=[])
    assert reading.ignored == Ignored.NOT_A_REQUEST, reading


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("Sam: der Quartalsbericht, spätestens Freitag.", "Quartalsbericht"),
        ("Sam, el informe trimestral, a más tardar el viernes.", "Informe trimestral"),
        ("Sam, petite question : le rapport trimestriel, d'ici vendredi ?", "Rapport trimestriel"),
        ("Sam, je te demande de finaliser le rapport d'ici vendredi.", "Finaliser le rapport"),
        ("Sam, ¿me preparas la tabla de precios para el viernes?", "Preparar la tabla de precios"),
    ],
)
def test_titles_of_asks_in_other_languages(body: str, title: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert reading.title == title
    assert local(reading) == FRIDAY


@pytest.mark.parametrize(
    "body",
    [
        "Est-ce que l'un de vous peut finir le rapport d'ici vendredi ?",
        "¿Alguno de vosotros puede terminar el informe para el viernes?",
        "Could whoever is free finish the report by Friday?",
    ],
)
def test_open_asks_in_other_languages_ask_who(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert reading.missing == [Missing.OWNER], reading


def test_an_open_ask_to_one_recipient_is_theirs() -> None:
    reading = read("Could one of you finish the report by Friday?", to=[SAM])
    assert [draft.owner for draft in reading.drafts] == [SAM]


@pytest.mark.parametrize(
    "body",
    [
        "Schick mir bitte die Preisliste bis Donnerstag, 10. Dezember, 15 Uhr. Danke dir.",
        "Kannst du die Preisliste bis zum 10. Dezember um 15 Uhr fertig machen? Danke.",
        "Envoie-moi la grille tarifaire avant jeudi 10. Décembre, 15h. Merci.",
    ],
)
def test_a_day_written_as_an_ordinal_keeps_its_month_and_time(body: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert local(reading) == "2026-12-10 15:00"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Fwd: Could you return the signed NDA by Friday?",
            "Took care of it yesterday, they have it. Just so you know.\n\nMaya\n\n"
            "---------- Forwarded message ---------\nFrom: Legal <legal@contoso.example>\n"
            "Subject: Could you return the signed NDA by Friday?\n\n"
            "Please return the signed NDA by Friday.",
        ),
        ("RE: Can you review the deck by Friday?", "Sure, it's done, I sent my notes."),
        ("WG: Bitte schick mir die Zahlen bis Freitag", "Erledigt, schon verschickt."),
    ],
)
def test_a_carried_subject_is_not_the_senders_ask(subject: str, body: str) -> None:
    # A reply's or forward's subject is the earlier message's words: what the sender wrote
    # above it asks nothing, so nothing is read from the subject.
    reading = read(body, subject=subject)
    assert reading.drafts == [], reading
