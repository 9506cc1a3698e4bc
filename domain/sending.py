"""Which of Accord's sending mailboxes writes to a person.

Exchange lets one mailbox send 30 messages a minute, so a large organisation needs several
(docs/performance.md). Each person always hears from the same one: their replies, and the
duplicate check in that mailbox's Sent Items, stay in one place. Rendezvous hashing picks it,
so adding a mailbox moves only the people it wins (about one in ``n``) and nobody else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _weight(mailbox: str, recipient: str) -> bytes:
    return hashlib.sha256(f"{mailbox.lower()}\n{recipient.lower()}".encode()).digest()


def sender_for(recipient: str, mailboxes: Sequence[str]) -> str:
    """Return the sending mailbox that writes to ``recipient``.

    Args:
        recipient: the person's address (case does not matter).
        mailboxes: Accord's sending mailboxes, at least one.

    Returns:
        The same mailbox for the same person and list, whatever the list's order.

    Raises:
        ValueError: when ``mailboxes`` is empty.
    """
    if not mailboxes:
        raise ValueError("at least one sending mailbox is needed")
    return max(mailboxes, key=lambda mailbox: _weight(mailbox, recipient))
