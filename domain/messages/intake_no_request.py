"""The kind answer to a mail that asked Accord for nothing: what it saw, and "Track this". Pure.

Mail that someone in the organisation deliberately sends to Accord is never met with silence
(docs/intake.md, "No silent drops"). When intake finds no request in it, the sender hears
what Accord saw (the subject, the people, any date it noticed) and gets one link that opens a
form with those filled in. Rendered from its one template
(``domain/messages/templates/intake_no_request.jinja``).
"""

from __future__ import annotations

from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_template
from domain.models import DomainModel, Person, UtcDatetime
from domain.timezones import ZoneName, resolve_zone

INTAKE_NO_REQUEST = "intake_no_request"
"""The answer's template; it is not a :class:`MessageKind` (no commitment exists)."""


class IntakeNoRequest(DomainModel):
    """What to tell a sender whose mail asked for nothing Accord could track."""

    sender: Person
    recipient_time_zone: ZoneName
    original_subject: str
    people: list[str]
    noticed_due: UtcDatetime | None = None
    track_url: str
    could_not_read: bool = False
    """The email took longer to read than Accord allows one: say so, not "nothing asked"."""


def render_no_request(answer: IntakeNoRequest) -> RenderedMessage:
    """Render the answer to the sender.

    Args:
        answer: the sender, their zone, the subject, the people's names, any date noticed
            and the "Track this" link.

    Returns:
        The message (subject "RE: <subject>"), ready for the email adapter.
    """
    subject = answer.original_subject.strip()
    return render_template(
        INTAKE_NO_REQUEST,
        {
            "recipient": answer.sender,
            "recipient_role": "manager",
            "manager": answer.sender,
            "zone": resolve_zone(answer.recipient_time_zone),
            "original_subject": subject.removeprefix("RE: ") or "your email",
            "people": answer.people,
            "noticed_due": answer.noticed_due,
            "track_url": answer.track_url,
            "could_not_read": answer.could_not_read,
        },
    )
