"""The kind reply to someone who emailed an expectation they may not set. Pure.

Intake follows the same rule as the API (domain/authorization.py): only someone above the
owner in the management chain sets them an expectation. When the sender is not, nothing
starts, and this reply says so plainly and names who can. Rendered from its one template
(``domain/messages/templates/intake_refusal.jinja``).
"""

from __future__ import annotations

from domain.messages.rendered import RenderedMessage
from domain.messages.rendering import render_template
from domain.models import DomainModel, Person
from domain.timezones import ZoneName, resolve_zone

INTAKE_REFUSAL = "intake_refusal"
"""The reply's template; it is not a :class:`MessageKind` (no commitment exists)."""


class IntakeRefusal(DomainModel):
    """What to tell a sender whose email cannot become a commitment."""

    sender: Person
    recipient_time_zone: ZoneName
    original_subject: str
    owner: Person
    owner_manager: Person | None = None


def render_refusal(refusal: IntakeRefusal) -> RenderedMessage:
    """Render the reply to the sender.

    Args:
        refusal: the sender, their zone, the email's subject, the owner and their manager.

    Returns:
        The message (subject "RE: <subject>"), ready for the email adapter.
    """
    return render_template(
        INTAKE_REFUSAL,
        {
            "recipient": refusal.sender,
            "recipient_role": "manager",
            "manager": refusal.sender,
            "zone": resolve_zone(refusal.recipient_time_zone),
            "original_subject": refusal.original_subject.removeprefix("RE: ") or "your email",
            "owner_name": refusal.owner.display_name,
            "owner_manager_name": (
                refusal.owner_manager.display_name if refusal.owner_manager else ""
            ),
        },
    )
