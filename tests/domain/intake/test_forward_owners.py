"""Owners named only in a forward's text (issue 18): a mail to Accord alone may name its
owner in the body; only a person of the organisation the caller knows counts, and a name
that fits two people is asked about rather than guessed."""

from domain.intake import Mailbox, Missing, Reading, SenderContext
from tests.support.intake_mail import AGENT, CONTEXT, MAYA, NADIA, OMAR, PRIYA, SAM, read

FORWARD = (
    "{new}\n\n---------- Forwarded message ---------\n"
    "From: Dana Customer <dana@contoso.example>\nTo: Maya <maya.chen@northwind.example>\n"
    "Subject: Rollout\n\nCould you send us the rollout plan?"
)
PEOPLE = CONTEXT.model_copy(update={"people": [SAM, OMAR, NADIA, PRIYA]})


def _forward(new: str, context: SenderContext = PEOPLE) -> Reading:
    return read(FORWARD.format(new=new), context, subject="FW: Rollout", to=[AGENT], cc=[])


def test_the_owner_named_in_the_forward_is_the_owner() -> None:
    reading = _forward("Nadia, could you take this one by Friday?")
    assert [owner.address for owner in reading.owners] == [NADIA.address]
    assert reading.is_complete


def test_a_full_name_counts_too() -> None:
    reading = _forward("Please ask Omar Haddad to send them the plan by Friday.")
    assert [owner.address for owner in reading.owners] == [OMAR.address]


def test_someone_the_context_does_not_know_is_not_guessed() -> None:
    reading = _forward("Jonas, could you take this one by Friday?")
    assert reading.owners == []
    assert Missing.OWNER in reading.missing


def test_a_first_name_two_people_share_is_asked_about() -> None:
    other = Mailbox(address="nadia.ruiz@northwind.example", name="Nadia Ruiz")
    context = PEOPLE.model_copy(update={"people": [*PEOPLE.people, other]})
    reading = _forward("Nadia, could you take this one by Friday?", context)
    assert reading.owners == []
    assert Missing.OWNER in reading.missing


def test_people_outside_the_organisation_and_the_sender_are_never_owners() -> None:
    outsider = Mailbox(address="nadia@contoso.example", name="Nadia Ferreira")
    context = CONTEXT.model_copy(update={"people": [outsider, MAYA]})
    reading = _forward("Nadia, could you take this one by Friday? Maya", context)
    assert reading.owners == []


def test_to_recipients_still_come_first() -> None:
    reading = read("Nadia, could you take this one by Friday?", PEOPLE, to=[SAM])
    assert [owner.address for owner in reading.owners] == [SAM.address]
