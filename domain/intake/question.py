"""The short reply that asks a manager for what their email left out, and how to give it.

Rendered from its one template (``domain/messages/templates/intake_question.jinja``), then
laid out as email like every other message; the words are kind and direct, and say how to
fix it in one step (usually: reply with the date).
"""

from __future__ import annotations

from domain.intake.models import Missing, Reading
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_template
from domain.models import DomainModel, Person
from domain.timezones import ZoneName, resolve_zone

_ASKS = {
    Missing.OWNER: "who it's for: I couldn't tell who should take it on",
    Missing.DUE_DATE: "when it's due: I didn't find a date",
    Missing.DUE_IN_PAST: "when it's due: the date I found has already passed",
    Missing.DUE_AMBIGUOUS: "when it's due: the date could be read more than one way",
    Missing.TITLE: "what the ask is: I couldn't find a clear request to share",
}
_DUE = frozenset({Missing.DUE_DATE, Missing.DUE_IN_PAST, Missing.DUE_AMBIGUOUS})
INTAKE_QUESTION = "intake_question"
"""The question's template; it is not a :class:`MessageKind` (no commitment exists yet)."""


class IntakeQuestion(DomainModel):
    """What to ask a manager about one email."""

    manager: Person
    recipient_time_zone: ZoneName
    original_subject: str
    reading: Reading

    def how_to_fix(self) -> str:
        """One plain instruction that completes the commitment."""
        missing = set(self.reading.missing)
        if missing and missing <= _DUE:
            return (
                'Just reply to this email with the date (for example "Friday 3pm" or '
                '"by 12 December"), and I\'ll take it from there.'
            )
        return (
            "The simplest way is a fresh email with the person in To, Accord in Cc, the ask "
            'and a date (for example "Could you draft the budget by Friday?").'
        )


def render_question(question: IntakeQuestion) -> RenderedMessage:
    """Render the question to the manager.

    Args:
        question: the manager, their zone, the email's subject and the reading.

    Returns:
        The message (subject "RE: <subject>"), ready for the email adapter.
    """
    reading = question.reading
    owners = [owner.name or owner.address for owner in reading.owners]
    return render_template(
        INTAKE_QUESTION,
        {
            "recipient": question.manager,
            "recipient_role": "manager",
            "manager": question.manager,
            "zone": resolve_zone(question.recipient_time_zone),
            "original_subject": question.original_subject.removeprefix("RE: ") or "your email",
            "title": reading.title,
            "owner_names": " and ".join(owners),
            "asks": [_ASKS[item] for item in reading.missing],
            "notes": list(reading.notes),
            "how_to_fix": question.how_to_fix(),
        },
    )
