"""Mail delivery inside the tenant: what sendMail and invitations put in whose folders."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import uuid
from typing import Any

from sandbox.changes import ResourceChange
from sandbox.clock import graph_datetime
from sandbox.directory import folder_id_for
from sandbox.extended_properties import PROPERTY
from sandbox.state import SandboxState
from sandbox.unique_body import unique_body

MESSAGES = "messages"
_COPIED_FIELDS = (
    "subject",
    "body",
    "toRecipients",
    "ccRecipients",
    "replyTo",
    "importance",
    "internetMessageHeaders",
    "categories",
    "isDeliveryReceiptRequested",
    "isReadReceiptRequested",
)
# Kept in the store but, as in Graph, only returned when a request selects them.
HIDDEN_UNLESS_SELECTED = ("internetMessageHeaders", "attachments", "uniqueBody")
# Kept in the store but only returned, filtered, when a request expands them.
HIDDEN_UNLESS_EXPANDED = (PROPERTY,)
_TAGS = re.compile(r"<[^>]+>")
AUTH_AS = "X-MS-Exchange-Organization-AuthAs"
AUTHENTICATION_RESULTS = "Authentication-Results"
# Exchange's header firewall: a sender cannot bring these in; Exchange writes its own.
_EXCHANGE_OWNED_PREFIXES = ("x-ms-exchange-organization-", "authentication-results")


def _client_headers(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        header
        for header in message.get("internetMessageHeaders") or []
        if not str((header or {}).get("name", "")).lower().startswith(_EXCHANGE_OWNED_PREFIXES)
    ]


def authentication_headers(
    from_domain: str, *, auth_as: str, dmarc: str, compauth: str
) -> list[dict[str, str]]:
    """The headers Exchange stamps on a message it receives, as Graph lists them.

    Args:
        from_domain: the domain of the message's From address.
        auth_as: ``Internal`` for a signed-in user of the tenant, ``Anonymous`` for mail from
            the internet.
        dmarc: the DMARC verdict (``pass``, ``fail``, ``none`` ...).
        compauth: Exchange's composite authentication verdict (``pass``, ``fail`` ...).

    Returns:
        ``Authentication-Results`` and ``X-MS-Exchange-Organization-AuthAs``.
    """
    spf = "pass" if dmarc == "pass" else "fail"
    reason = "100" if compauth == "pass" else "000"
    results = (
        f"spf={spf} (sender IP is 203.0.113.25) smtp.mailfrom={from_domain}; "
        f"dkim=none (message not signed) header.d=none;dmarc={dmarc} action=none "
        f"header.from={from_domain};compauth={compauth} reason={reason}"
    )
    return [
        {"name": AUTHENTICATION_RESULTS, "value": results},
        {"name": AUTH_AS, "value": auth_as},
    ]


def _preview(body: dict[str, Any] | None) -> str:
    if not body:
        return ""
    content = str(body.get("content") or "")
    if str(body.get("contentType", "text")).lower() == "html":
        content = html.unescape(_TAGS.sub(" ", content))
    return " ".join(content.split())[:255]


def _change_key() -> str:
    return base64.b64encode(uuid.uuid4().bytes).decode()


def recipient_addresses(message: dict[str, Any], *fields: str) -> list[str]:
    """Return the lower-cased addresses in the given recipient fields of a message."""
    found: list[str] = []
    for field in fields:
        for recipient in message.get(field) or []:
            address = ((recipient or {}).get("emailAddress") or {}).get("address")
            if address:
                found.append(str(address).lower())
    return found


class Mailboxes:
    """Creates, delivers and updates messages in the tenant's mailboxes."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def store_message(
        self,
        user_id: str,
        folder: str,
        message: dict[str, Any],
        *,
        is_read: bool,
        without: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Put a copy of a message into one of a user's well-known folders.

        Args:
            user_id: the mailbox owner.
            folder: a well-known folder name (inbox, sentitems, ...).
            message: the message's Graph properties.
            is_read: whether the copy starts read.
            without: properties the copy does not have at all (not even their defaults).

        Returns:
            The stored message.
        """
        now = graph_datetime(self._state.clock.now())
        folder_id = folder_id_for(user_id, folder)
        message_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        document: dict[str, Any] = {
            "@odata.type": "#microsoft.graph.message",
            "id": message_id,
            "createdDateTime": now,
            "lastModifiedDateTime": now,
            "changeKey": _change_key(),
            "categories": [],
            "receivedDateTime": now,
            "sentDateTime": now,
            "hasAttachments": False,
            "subject": "",
            "bodyPreview": "",
            "importance": "normal",
            "parentFolderId": folder_id,
            "isDeliveryReceiptRequested": False,
            "isReadReceiptRequested": False,
            "isRead": is_read,
            "isDraft": False,
            "inferenceClassification": "focused",
            "body": {"contentType": "text", "content": ""},
            "toRecipients": [],
            "ccRecipients": [],
            "bccRecipients": [],
            "replyTo": [],
            "flag": {"flagStatus": "notFlagged"},
            "internetMessageHeaders": [],
        }
        document.update(message)
        if "uniqueBody" not in message:
            document["uniqueBody"] = self._unique_body(user_id, document)
        for name in without:
            document.pop(name, None)
        document["id"] = message_id
        document["parentFolderId"] = folder_id
        document["bodyPreview"] = _preview(document.get("body"))
        document["webLink"] = f"{self._state.public_url}/#/mail/{user_id}/{message_id}"
        self._state.store.put(MESSAGES, user_id, message_id, document)
        self._state.changes.publish(
            ResourceChange(user_id, MESSAGES, message_id, "created", folder_id)
        )
        return document

    def _unique_body(self, user_id: str, document: dict[str, Any]) -> dict[str, Any]:
        # As Exchange: the body without what earlier messages of its conversation, in this
        # mailbox, already said.
        conversation = document.get("conversationId")
        earlier = (
            [
                item.get("uniqueBody") or item.get("body")
                for item in self._state.store.list(
                    MESSAGES, user_id, where={"conversationId": str(conversation)}
                )
            ]
            if conversation
            else []
        )
        return unique_body(document.get("body"), earlier)

    def recipients(
        self, message: dict[str, Any], *fields: str
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Return the tenant users a message reaches (groups expanded) and outside addresses.

        As in Exchange, mail to a distribution list or group's address reaches its members;
        the copies keep the group's address in their recipient lines.
        """
        users: dict[str, dict[str, Any]] = {}
        outside: list[str] = []
        for address in recipient_addresses(message, *fields):
            user = self._state.directory.find_user(address)
            if user is not None:
                users.setdefault(str(user["id"]), user)
                continue
            group = self._state.directory.find_group(address)
            if group is None:
                outside.append(address)
                continue
            for member in self._state.directory.group_members(str(group["id"])):
                users.setdefault(str(member["id"]), member)
        return list(users.values()), outside

    def deliver(
        self,
        sender: dict[str, Any],
        message: dict[str, Any],
        *,
        save_to_sent: bool,
        extended_properties: list[dict[str, str]] | None = None,
        conversation_id: str | None = None,
        new_part: dict[str, Any] | None = None,
    ) -> list[str]:
        """Send a message from a tenant user: each tenant recipient receives a copy.

        The copies differ as in Exchange Online. A recipient's copy arrives with the message's
        internet headers but none of the sender's extended (MAPI) properties, which do not
        travel. The Sent Items copy keeps the extended properties but has no internet headers
        at all (microsoft-graph-docs issues #2716 and #18761), so a sender that must find its
        own messages again has to mark them with an extended property.

        Args:
            sender: the sending user.
            message: the message as the request gave it.
            save_to_sent: whether the sender keeps a copy in Sent Items.
            extended_properties: the message's checked ``singleValueExtendedProperties``.
            conversation_id: the thread a reply belongs to; ``None`` starts a new one.
            new_part: the body's new part, when the sender knows it exactly (Graph's
                ``reply``): the copies' ``uniqueBody``. Otherwise it is computed per mailbox.

        Returns:
            The addresses that were outside the tenant (accepted, delivered nowhere).
        """
        sender_address = {
            "emailAddress": {"name": sender.get("displayName"), "address": sender["mail"]}
        }
        conversation = (
            conversation_id or hashlib.sha1(uuid.uuid4().bytes, usedforsecurity=False).hexdigest()
        )
        base: dict[str, Any] = {
            field: message[field] for field in _COPIED_FIELDS if field in message
        }
        base.update(
            {
                "from": message.get("from") or sender_address,
                "sender": sender_address,
                "conversationId": conversation,
                "internetMessageId": f"<{uuid.uuid4().hex}@{self._state.tenant.domain}>",
                "hasAttachments": bool(message.get("attachments")),
            }
        )
        if message.get("attachments"):
            base["attachments"] = message["attachments"]
        if new_part is not None:
            base["uniqueBody"] = new_part
        # Sent by a signed-in user of the tenant: Exchange marks it authenticated inside
        # the organisation, above whatever headers the sender gave.
        from_address = str(((base["from"] or {}).get("emailAddress") or {}).get("address", ""))
        base["internetMessageHeaders"] = [
            *authentication_headers(
                from_address.rpartition("@")[2], auth_as="Internal", dmarc="pass", compauth="pass"
            ),
            *_client_headers(message),
        ]
        users, outside = self.recipients(message, "toRecipients", "ccRecipients", "bccRecipients")
        for user in users:
            self.store_message(str(user["id"]), "inbox", base, is_read=False)
        if save_to_sent:
            sent_copy = dict(base, bccRecipients=message.get("bccRecipients") or [])
            if extended_properties:
                sent_copy[PROPERTY] = extended_properties
            self.store_message(
                str(sender["id"]),
                "sentitems",
                sent_copy,
                is_read=True,
                without=("internetMessageHeaders",),
            )
        return outside

    def receive_from_outside(
        self, message: dict[str, Any], *, dmarc: str, compauth: str
    ) -> list[str]:
        """Deliver mail that came in from the internet, as Exchange would stamp it.

        Nothing checks who the From line names: this is how a test sends spoofed mail. The
        message is marked ``AuthAs: Anonymous`` with the given DMARC and composite
        authentication verdicts, and any such headers the message brought are dropped.

        Args:
            message: a Graph message: ``from``, recipients, ``subject``, ``body`` and
                optionally ``internetMessageHeaders`` and ``conversationId``.
            dmarc: the DMARC verdict to stamp.
            compauth: the composite authentication verdict to stamp.

        Returns:
            The ids of the copies delivered, one per tenant recipient.
        """
        from_address = str(((message.get("from") or {}).get("emailAddress") or {}).get("address"))
        base: dict[str, Any] = {
            field: message[field] for field in _COPIED_FIELDS if field in message
        }
        base.update(
            {
                "from": message.get("from"),
                "sender": message.get("from"),
                "conversationId": message.get("conversationId")
                or hashlib.sha1(uuid.uuid4().bytes, usedforsecurity=False).hexdigest(),
                "internetMessageId": f"<{uuid.uuid4().hex}@{from_address.rpartition('@')[2]}>",
                "internetMessageHeaders": [
                    *authentication_headers(
                        from_address.rpartition("@")[2],
                        auth_as="Anonymous",
                        dmarc=dmarc,
                        compauth=compauth,
                    ),
                    *_client_headers(message),
                ],
            }
        )
        delivered: list[str] = []
        for user in self.recipients(message, "toRecipients", "ccRecipients")[0]:
            stored = self.store_message(str(user["id"]), "inbox", base, is_read=False)
            delivered.append(str(stored["id"]))
        return delivered

    def update(
        self, user_id: str, message: dict[str, Any], patch: dict[str, Any]
    ) -> dict[str, Any]:
        """Apply a PATCH to a stored message and return it."""
        message.update(patch)
        if "body" in patch:
            message["bodyPreview"] = _preview(message.get("body"))
        message["lastModifiedDateTime"] = graph_datetime(self._state.clock.now())
        message["changeKey"] = _change_key()
        self._state.store.put(MESSAGES, user_id, str(message["id"]), message)
        self._state.changes.publish(
            ResourceChange(
                user_id, MESSAGES, str(message["id"]), "updated", message.get("parentFolderId")
            )
        )
        return message

    def delete(self, user_id: str, message: dict[str, Any]) -> None:
        """Delete a message (delta reports it as removed)."""
        self._state.store.delete(MESSAGES, user_id, str(message["id"]))
        self._state.changes.publish(
            ResourceChange(
                user_id, MESSAGES, str(message["id"]), "deleted", message.get("parentFolderId")
            )
        )
