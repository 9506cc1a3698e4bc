"""Mail that intake leaves alone before reading a word: loops, auto-replies, lists, outsiders.

Headers are checked before the body because they are what mail systems set reliably; a
subject line is only a fallback for auto-replies that forget their headers.

A From line proves nothing, so mail intake also asks whether Exchange authenticated the
sender inside the organisation (:func:`sender_is_authenticated`). Exchange removes
``X-MS-Exchange-Organization-*`` headers that arrive from outside and stamps its own, and it
puts its ``Authentication-Results`` above any the sender wrote; intake keeps the first
occurrence of each header, so what it reads here is what Exchange said.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
_AUTH_AS = "x-ms-exchange-organization-authas"
_AUTHENTICATION_RESULTS = "authentication-results"
_COMMENT = re.compile(r"\([^()]*\)")
"""A parenthesised comment in Authentication-Results (RFC 8601); linear to remove."""
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
    return bool(headers.get("x-ms-exchange-generated-message-source"))


def _is_generated_bulk(email: InboundEmail) -> bool:
    """A notification generated for many ("auto-generated" and bulk or list): bulk mail.

    "auto-replied" answers one message; "auto-generated" only says no person wrote it, so
    list or bulk headers beside it say what kind of mail it is.
    """
    generated = email.headers.get("auto-submitted", "").strip().lower() == "auto-generated"
    return generated and _is_bulk(email)


def _looks_automatic(email: InboundEmail) -> bool:
    """A guess from the sender's and subject's shape, weighed after what headers declare."""
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


def authentication_results(value: str) -> dict[str, str]:
    """Read an ``Authentication-Results`` header into each method's result.

    Exchange writes, for example, ``spf=pass (sender IP is 203.0.113.5)
    smtp.mailfrom=northwind.example; dkim=pass header.d=northwind.example;dmarc=pass
    action=none header.from=northwind.example;compauth=pass reason=100``.

    Args:
        value: the header's value.

    Returns:
        Method to result, both lower-cased (``{"dmarc": "pass", "compauth": "pass", ...}``);
        the first result wins when a method appears twice.
    """
    results: dict[str, str] = {}
    for part in _COMMENT.sub(" ", value).split(";"):
        words = part.split()
        if not words:
            continue
        method, equals, result = words[0].partition("=")
        if equals and method and result:
            results.setdefault(method.lower(), result.lower())
    return results


def sender_is_authenticated(headers: Mapping[str, str]) -> bool:
    """Tell whether Exchange authenticated the message's sender inside the organisation.

    Trusted: ``X-MS-Exchange-Organization-AuthAs: Internal`` (sent by a signed-in user of the
    organisation), or ``Authentication-Results`` with both ``dmarc=pass`` and
    ``compauth=pass`` (the From domain itself vouched for the message). Anything else, such
    as ``AuthAs: Anonymous`` with ``dmarc=fail``, or no such headers at all, is not.

    Args:
        headers: the message's internet headers, names lower-cased.

    Returns:
        Whether the sender is authenticated.
    """
    if headers.get(_AUTH_AS, "").strip().lower() == "internal":
        return True
    results = authentication_results(headers.get(_AUTHENTICATION_RESULTS, ""))
    return results.get("dmarc") == "pass" and results.get("compauth") == "pass"


def screen(email: InboundEmail, context: SenderContext) -> Ignored | None:
    """Tell whether a message must be left alone, and why.

    The order matters only for the reason given: Accord's own mail first (a loop must never
    be answered), then automatic replies, mailing lists, senders outside the organisation,
    senders Exchange did not authenticate (when the context asks for it) and oversized
    bodies.

    Args:
        email: the message.
        context: the agent's address, the organisation's domains, and whether only
            authenticated senders are trusted.

    Returns:
        The reason to ignore it, or ``None`` when it should be read.
    """
    if _is_own_mail(email, context):
        return Ignored.OWN_MAIL
    if _is_auto_reply(email) and not _is_generated_bulk(email):
        return Ignored.AUTO_REPLY
    if _is_bulk(email):
        return Ignored.BULK
    if _looks_automatic(email):
        # After the list headers: a no-reply notification that declares itself list mail
        # is bulk (both are left alone; only the logged reason differs).
        return Ignored.AUTO_REPLY
    if _is_outside(email, context):
        return Ignored.OUTSIDE_TENANT
    if context.authenticated_senders_only and not sender_is_authenticated(email.headers):
        return Ignored.UNAUTHENTICATED_SENDER
    if len(email.body) > MAX_BODY_CHARS:
        return Ignored.TOO_LARGE
    return None
