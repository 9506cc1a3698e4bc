"""The short reply that asks a manager for what their email left out, and how to give it.

Rendered from its one template (``domain/messages/templates/intake_question.jinja``), then
laid out as email like every other message; the words are kind and direct, and say how to
fix it in one step (usually: reply with the date).
"""

from __future__ import annotations

from domain.intake.models import Missing, Reading
from domain.intake.question_words import words_for
from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_template
from domain.models import DomainModel, Person
from domain.timezones import ZoneName, resolve_zone

_ASKS = words_for("en").asks
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
        """One plain instruction that completes the commitment, in the email's language."""
        words = words_for(self.reading.language)
        missing = set(self.reading.missing)
        if missing and missing <= _DUE:
            return words.reply_with_date
        return words.fresh_email


def render_question(question: IntakeQuestion) -> RenderedMessage:
    """Render the question to the manager.

    Args:
        question: the manager, their zone, the email's subject and the reading.

    Returns:
        The message (subject "RE: <subject>"), ready for the email adapter.
    """
    reading = question.reading
    words = words_for(reading.language)
    owners = [owner.name or owner.address for owner in reading.owners]
    owner_names = words.joiner.join(owners)
    intro = words.intro.format(
        title=words.intro_title.format(title=reading.title) if reading.title else "",
        owners=words.intro_owners.format(owners=owner_names) if owners else "",
    )
    return render_template(
        INTAKE_QUESTION,
        {
            "recipient": question.manager,
            "recipient_role": "manager",
            "manager": question.manager,
            "zone": resolve_zone(question.recipient_time_zone),
            "original_subject": question.original_subject.removeprefix("RE: ") or words.your_email,
            "title": reading.title,
            "owner_names": " and ".join(owners),
            "asks": [words.asks[item] for item in reading.missing],
            "notes": list(reading.notes),
            "how_to_fix": question.how_to_fix(),
            "greeting": words.greeting.format(name=question.manager.display_name),
            "intro": intro,
            "nothing_sent": words.nothing_sent,
            "footer": words.footer,
        },
    )
