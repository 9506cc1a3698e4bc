"""Classes that round 11 of issue 18 showed, fixed by grammar: a topic label before a whole
clause ("update on the move: Priya says ...") is news, not the imperative its noun could be,
and a report of what someone else has said or promised asks nothing of the reader. The
sentences are the tests' own."""

import pytest

from domain.intake import Ignored, Missing
from tests.support.intake_mail import PRIYA, SAM, read


@pytest.mark.parametrize(
    "body",
    [
        "Sam, update on the office move: Priya says the movers will deliver the crates by Friday.",
        "Sam, review of the launch: the vendor has confirmed the banners will ship by Friday.",
        "Sam, quick update on the audit: Priya has said she'll send the evidence by Friday.",
        "Sam, point sur le déménagement : Priya a dit qu'elle enverra les cartons d'ici vendredi.",
        "Sam, kurzes Update zum Umzug: Priya hat gesagt, dass sie die Kisten bis Freitag packt.",
        "Sam, novedades sobre la mudanza: Priya dijo que enviará las cajas para el viernes.",
        "Sam, Priya se comprometió a entregar las cajas para el viernes.",
        "Sam, Priya a promis de livrer les cartons d'ici vendredi.",
        "Sam, Priya hat zugesagt, die Kisten bis Freitag zu liefern.",
        "Sam, Priya dijo que se encarga de las cajas para el viernes.",
        "Sam, Priya me confirmó que ella se ocupa del inventario para el viernes.",
        "Sam, Priya m'a dit qu'elle se charge de l'inventaire d'ici vendredi.",
        "Sam, Priya hat versprochen: die Inventurliste bis Freitag.",
        "Sam, Priya said she's taking over the stock count, due Friday.",
    ],
)
def test_a_report_of_someone_elses_promise_after_a_topic_label_is_news(body: str) -> None:
    reading = read(body)
    assert reading.ignored is Ignored.NOT_A_REQUEST, reading
    assert not reading.drafts


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, update on the office move: please book the van by Friday.", "van"),
        ("Sam, update the seating plan by Friday: the new starters arrive Monday.", "seating"),
        ("Sam, follow up on the refund by Friday: the customer has written twice.", "refund"),
    ],
)
def test_a_label_before_an_ask_or_a_verb_with_its_object_still_asks(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, ¿me puede mandar el inventario de portátiles antes del viernes?", "inventario"),
        ("Sam, ¿podría revisarme el contrato del almacén para el viernes?", "contrato"),
        ("Sam, ¿sería tan amable de enviarme el balance trimestral el viernes?", "balance"),
        ("Sam, auriez-vous l'amabilité de m'envoyer le bilan d'ici vendredi ?", "bilan"),
        ("Sam, wären Sie so freundlich, mir die Quartalsbilanz bis Freitag zu schicken?", "bilanz"),
    ],
)
def test_the_formal_modal_and_the_courtesy_of_the_conditional_ask(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title


@pytest.mark.parametrize(
    "body", ["Sam, ¿puede ser el viernes?", "Sam, ¿se puede aparcar en el sótano el viernes?"]
)
def test_the_formal_modal_of_being_or_of_no_one_asks_no_work(body: str) -> None:
    assert read(body).ignored is Ignored.NOT_A_REQUEST


_CALLS_ONE = [
    "Hi both, the visitor badges must be renewed by Friday. Priya, could you see to it?",
    "Bonjour à vous deux, il faut que les badges soient renouvelés d'ici vendredi. "
    "Priya, tu peux t'en charger ?",
    "Hola a los dos: hay que renovar las tarjetas de visita para el viernes. "
    "Priya, ¿te encargas tú?",
    "Hallo ihr beiden, die Besucherausweise müssen bis Freitag erneuert werden. "
    "Priya, kannst du das übernehmen?",
]


@pytest.mark.parametrize("body", _CALLS_ONE)
def test_an_ask_that_calls_one_of_the_to_line_is_for_that_one(body: str) -> None:
    reading = read(body, to=[SAM, PRIYA])
    assert [owner.address for owner in reading.owners] == [PRIYA.address], reading


def test_an_ask_that_calls_one_and_names_another_is_for_both() -> None:
    body = "Priya, can you and Sam renew the visitor badges by Friday?"
    reading = read(body, to=[SAM, PRIYA])
    assert {owner.address for owner in reading.owners} == {SAM.address, PRIYA.address}


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Sam, passing this on: handle the reply to the landlord by Friday.", "landlord"),
        (
            "Sam, te paso esto: encárgate tú de la respuesta al casero, a más tardar el viernes.",
            "casero",
        ),
        (
            "Sam, je te transmets ceci : occupe-toi de la réponse au bailleur d'ici vendredi.",
            "bailleur",
        ),
        ("Sam, je te confie ce dossier : réponse au bailleur pour vendredi.", "bailleur"),
        ("Sam, ich übergebe dir diesen Fall: Antwort an den Vermieter bis Freitag.", "vermieter"),
        ("Sam, I'm handing this case to you: reply to the landlord by Friday.", "landlord"),
    ],
)
def test_an_imperative_after_a_lead_in_or_a_thing_entrusted_asks(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title


@pytest.mark.parametrize(
    "body",
    [
        "Sam, je te transmets ceci : pour info, la réunion est déplacée à vendredi.",
        "Sam, te paso esto: la reunión se mueve al viernes.",
        "Sam, passing this on: review meetings move to Friday.",
    ],
)
def test_a_lead_in_before_news_asks_nothing(body: str) -> None:
    assert read(body).ignored is Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (
            "Sam, kein Stress \u2013 mir reicht die Liste der offenen Rechnungen bis Freitag.",
            "liste",
        ),
        (
            "Sam, pas d'urgence : il me suffit du tableau des factures ouvertes d'ici vendredi.",
            "tableau",
        ),
        ("Sam, sin prisa: me basta con la lista de facturas pendientes para el viernes.", "lista"),
        ("Sam, no rush - all I need is the list of open invoices by Friday.", "invoices"),
    ],
)
def test_the_writers_need_said_as_what_will_do_asks(body: str, word: str) -> None:
    reading = read(body)
    assert reading.is_complete, reading
    assert word in reading.title.lower(), reading.title


def test_what_will_do_for_the_writer_without_a_thing_asks_nothing() -> None:
    assert read("Sam, mir reicht es jetzt mit den Meetings.").ignored is Ignored.NOT_A_REQUEST


def test_a_pronoun_and_words_of_finishing_name_no_work() -> None:
    reading = read("Sam, can you get it done by Friday?", subject="Quick one")
    assert Missing.TITLE in reading.missing, reading
    assert not reading.drafts


def test_somebody_should_asks_and_leaves_the_owner_open() -> None:
    reading = read("Somebody should tidy up the archive folder, it is huge.", to=[SAM, PRIYA])
    assert Missing.OWNER in reading.missing, reading
    assert "archive folder" in reading.title.lower()


@pytest.mark.parametrize(
    "body", ["Somebody should have told me about the outage.", "Someone must not have read it."]
)
def test_somebody_should_have_is_a_reproach_not_an_ask(body: str) -> None:
    assert read(body, to=[SAM, PRIYA]).ignored is Ignored.NOT_A_REQUEST


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-generated", "Precedence": "bulk"}, Ignored.BULK),
        (
            {"Auto-Submitted": "auto-generated", "List-Unsubscribe": "<https://x.example/u>"},
            Ignored.BULK,
        ),
        ({"Auto-Submitted": "auto-replied", "Precedence": "bulk"}, Ignored.AUTO_REPLY),
        ({"Auto-Submitted": "auto-generated"}, Ignored.AUTO_REPLY),
    ],
)
def test_a_generated_notification_for_many_is_bulk(
    headers: dict[str, str], reason: Ignored
) -> None:
    body = "Sam, please send the stock figures by Friday."
    assert read(body, headers=headers).ignored is reason


def test_a_pronoun_means_the_subject_of_a_passive_duty_not_the_place_it_goes() -> None:
    body = (
        "The visitor badges need to be uploaded to the security portal by Friday. "
        "Sam, can you take that one?"
    )
    title = read(body).title.lower()
    assert "badges" in title, title
    assert "portal" not in title, title
