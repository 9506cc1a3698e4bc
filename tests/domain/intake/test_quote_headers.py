"""Outlook's quote and forward headers in seven languages (issue 18): the quoted history is
cut at them, so a date in the quoted mail never wins over the new text's."""

import pytest

from domain.intake.text import split_body
from tests.support.intake_mail import AGENT, local, read

NEW = "Hi Sam, could you send the revised plan by Friday?"
OLD = "Please send the plan by Monday 14 December."
HEADERS = {
    "en": "\n".join(
        [
            "-----Original Message-----",
            "From: Maya Chen",
            "Sent: Tuesday, 1 December 2026 09:00",
            "To: Sam",
            "Subject: Plan",
        ]
    ),
    "de": "\n".join(
        [
            "-----Ursprüngliche Nachricht-----",
            "Von: Maya Chen",
            "Gesendet: Dienstag, 1. Dezember 2026 09:00",
            "An: Sam",
            "Betreff: Plan",
        ]
    ),
    "de block": "\n".join(
        [
            "Von: Maya Chen <maya.chen@northwind.example>",
            "Gesendet: Dienstag, 1. Dezember 2026 09:00",
            "An: Sam",
            "Betreff: Plan",
        ]
    ),
    "fr": "\n".join(
        [
            "-----Message d'origine-----",
            "De : Maya Chen",
            "Envoyé : mardi 1 décembre 2026 09:00",
            "À : Sam",
            "Objet : Plan",
        ]
    ),
    "fr block": "\n".join(
        [
            "De : Maya Chen <maya.chen@northwind.example>",
            "Envoyé : mardi 1 décembre 2026 09:00",
            "À : Sam",
            "Objet : Plan",
        ]
    ),
    "es": "\n".join(
        [
            "-----Mensaje original-----",
            "De: Maya Chen",
            "Enviado el: martes, 1 de diciembre de 2026 9:00",
            "Para: Sam",
            "Asunto: Plan",
        ]
    ),
    "es block": "\n".join(
        [
            "De: Maya Chen <maya.chen@northwind.example>",
            "Enviado el: martes, 1 de diciembre de 2026 9:00",
            "Para: Sam",
            "Asunto: Plan",
        ]
    ),
    "pt": "\n".join(
        [
            "-----Mensagem original-----",
            "De: Maya Chen",
            "Enviada em: terça-feira, 1 de dezembro de 2026 09:00",
            "Para: Sam",
            "Assunto: Plan",
        ]
    ),
    "it": "\n".join(
        [
            "-----Messaggio originale-----",
            "Da: Maya Chen",
            "Inviato: martedì 1 dicembre 2026 09:00",
            "A: Sam",
            "Oggetto: Plan",
        ]
    ),
    "it block": "\n".join(
        [
            "Da: Maya Chen <maya.chen@northwind.example>",
            "Inviato: martedì 1 dicembre 2026 09:00",
            "A: Sam",
            "Oggetto: Plan",
        ]
    ),
    "nl": "\n".join(
        [
            "-----Oorspronkelijk bericht-----",
            "Van: Maya Chen",
            "Verzonden: dinsdag 1 december 2026 09:00",
            "Aan: Sam",
            "Onderwerp: Plan",
        ]
    ),
    "nl block": "\n".join(
        [
            "Van: Maya Chen <maya.chen@northwind.example>",
            "Verzonden: dinsdag 1 december 2026 09:00",
            "Aan: Sam",
            "Onderwerp: Plan",
        ]
    ),
    "de wrote": "Am 1. Dezember 2026 um 09:00 schrieb Maya Chen <maya.chen@northwind.example>:",
    "fr wrote": "Le mar. 1 déc. 2026 à 09:00, Maya Chen <maya.chen@northwind.example> a écrit :",
    "es wrote": (
        "El mar, 1 dic 2026 a las 9:00, Maya Chen (<maya.chen@northwind.example>) escribió:"
    ),
    "pt wrote": (
        "Em ter., 1 de dez. de 2026 às 09:00, Maya Chen <maya.chen@northwind.example> escreveu:"
    ),
    "it wrote": "Il giorno mar 1 dic 2026 alle ore 09:00 Maya Chen ha scritto:",
    "nl wrote": "Op di 1 dec. 2026 om 09:00 schreef Maya Chen <maya.chen@northwind.example>:",
    "de forward": "\n".join(
        [
            "---------- Weitergeleitete Nachricht ---------",
            "Von: Maya Chen",
            "Datum: Di., 1. Dez. 2026",
            "Betreff: Plan",
            "An: Sam",
        ]
    ),
    "fr forward": "\n".join(
        [
            "---------- Message transféré ---------",
            "De : Maya Chen",
            "Date : mar. 1 déc. 2026",
            "Objet : Plan",
            "À : Sam",
        ]
    ),
    "es forward": "\n".join(
        [
            "---------- Mensaje reenviado ---------",
            "De: Maya Chen",
            "Date: mar, 1 dic 2026",
            "Subject: Plan",
            "To: Sam",
        ]
    ),
}


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_quoted_history_is_cut_at_the_header(language: str) -> None:
    body = f"{NEW}\n\n{HEADERS[language]}\n\n{OLD}"
    split = split_body(body, is_html=False)
    assert OLD not in split.new
    assert OLD in split.quoted
    reading = read(body, subject="RE: Plan")
    assert local(reading) == "2026-12-04 17:00", language


@pytest.mark.parametrize("language", ["de", "fr", "es", "it", "nl"])
def test_a_translated_forward_hands_over_the_forwarders_own_ask(language: str) -> None:
    header = HEADERS[f"{language} block"].replace("\nAn: Sam", "\nAn: sam.okafor@northwind.example")
    header = header.replace("Sam\n", "sam.okafor@northwind.example\n")
    body = f"\n{header}\n\n{OLD}"
    reading = read(body, subject="WG: Plan", to=[AGENT], cc=[])
    assert local(reading) == "2026-12-14 17:00", (language, reading)
    assert [owner.address for owner in reading.owners] == ["sam.okafor@northwind.example"]
