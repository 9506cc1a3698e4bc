"""Mail that intake leaves alone before reading a word: loops, auto-replies, lists, outsiders.

Headers are checked before the body because they are what mail systems set reliably; a
subject line is only a fallback for auto-replies that forget their headers.
"""

from __future__ import annotations

import re

from domain.intake.models import Ignored, InboundEmail, SenderContext

MAX_BODY_CHARS = 2_000_000
"""A body larger than this (about 2 MB of text) is not read at all."""

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic\s+reply|auto(?:matic)?[\s-]*(?:reply|response)|autoreply"
    r"|(?:out\s+of\s+(?:the\s+)?office|ooo|away\s+from\s+(?:the\s+)?office)"
    r"\s*(?::|$|\(|-|\s(?:until|till|from|back|returning)\b)"
    r"|undeliverable|undelivered\s+mail|delivery\s+(?:status\s+notification|has\s+failed"
    r"|failure)|mail\s+delivery\s+(?:failed|subsystem)|returned\s+mail|read:\s|not\s+read:"
    r"|abwesenheitsnotiz|automatische\s+antwort|r[ée]ponse\s+automatique"
    r"|respuesta\s+autom[aá]tica|risposta\s+automatica|fuera\s+de\s+la\s+oficina"
    r"|resposta\s+autom[aá]tica)",
    re.IGNORECASE,
)
_SYSTEM_SENDERS = re.compile(
    r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|microsoftexchange[0-9a-f]*"
    r"|bounce[s]?)(?:[+.-][^@]*)?@",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_BULK_HEADERS = (
    "list-id",
    "list-unsubscribe",
    "list-post",
    "x-campaign",
    "x-campaignid",
    "x-mailchimp-campaign",
    "x-mc-user",
    "x-sg-eid",
    "x-mailgun-tag",
    "feedback-id",
)


def _is_own_mail(email: InboundEmail, context: SenderContext) -> bool:
    if email.sender.address in context.agent_addresses:
        return True
    return any(name.startswith("x-accord-") for name in email.headers)


def _is_auto_reply(email: InboundEmail) -> bool:
    headers = email.headers
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    suppress = headers.get("x-auto-response-suppress", "").lower()
    # Outlook marks its own automatic replies "All" or "OOF"; people's mail does not.
    if any(token in suppress for token in ("all", "oof", "autoreply")):
        return True
    if headers.get("precedence", "").strip().lower() == "auto_reply":
        return True
    if any(name in headers for name in ("x-autoreply", "x-autorespond", "x-autoreply-from")):
        return True
    if headers.get("x-ms-exchange-generated-message-source"):
        return True
    if _SYSTEM_SENDERS.match(email.sender.address):
        return True
    return bool(_AUTO_SUBJECT.match(email.subject))


def _is_bulk(email: InboundEmail) -> bool:
    headers = email.headers
    if headers.get("precedence", "").strip().lower() in _BULK_PRECEDENCE:
        return True
    return any(name in headers for name in _BULK_HEADERS)


def _is_outside(email: InboundEmail, context: SenderContext) -> bool:
    return email.sender.domain not in context.tenant_domains


def screen(email: InboundEmail, context: SenderContext) -> Ignored | None:
    """Tell whether a message must be left alone, and why.

    The order matters only for the reason given: Accord's own mail first (a loop must never
    be answered), then automatic replies, mailing lists, senders outside the organisation
    and oversized bodies.

    Args:
        email: the message.
        context: the agent's address and the organisation's domains.

    Returns:
        The reason to ignore it, or ``None`` when it should be read.
    """
    if _is_own_mail(email, context):
        return Ignored.OWN_MAIL
    if _is_auto_reply(email):
        return Ignored.AUTO_REPLY
    if _is_bulk(email):
        return Ignored.BULK
    if _is_outside(email, context):
        return Ignored.OUTSIDE_TENANT
    if len(email.body) > MAX_BODY_CHARS:
        return Ignored.TOO_LARGE
    return None
