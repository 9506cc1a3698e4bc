"""Mail: sendMail, messages, folders and per-folder delta."""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sandbox.auth import ACCESS_POLICY_REFUSAL
from sandbox.directory import FOLDERS
from sandbox.errors import GraphError
from sandbox.extended_properties import (
    PROPERTY,
    PropertyKey,
    checked_properties,
    expanded,
    wanted_keys,
)
from sandbox.http import collection_url, context_url, read_json_object, state_of
from sandbox.mailbox import (
    HIDDEN_UNLESS_EXPANDED,
    HIDDEN_UNLESS_SELECTED,
    MESSAGES,
    Mailboxes,
    recipient_addresses,
)
from sandbox.odata import QueryOptions, matches, page, parse_expand, parse_query, project
from sandbox.schema import GraphSchema
from sandbox.state import SandboxState

router = APIRouter(prefix="/v1.0/users/{user_key}", tags=["mail"])
State = Annotated[SandboxState, Depends(state_of)]
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UPDATABLE = {"isRead", "flag", "categories", "importance", "inferenceClassification"}
_DRAFT_UPDATABLE = {"subject", "body", "toRecipients", "ccRecipients", "bccRecipients"}
_DEFAULT_DELTA_PAGE = 10


def check_flag(flag: dict[str, Any] | None) -> None:
    """Enforce Graph's rule for followupFlag: a due date needs a start date.

    Raises:
        GraphError: 400 when ``dueDateTime`` is set without ``startDateTime``.
    """
    if flag and flag.get("dueDateTime") and not flag.get("startDateTime"):
        raise GraphError(
            400,
            "ErrorInvalidArgument",
            "The flag's dueDateTime cannot be set without its startDateTime.",
        )


def _visible(
    message: dict[str, Any],
    select: list[str] | None,
    expand: frozenset[PropertyKey] | None = None,
) -> dict[str, Any]:
    wanted = {name.lower() for name in select or []}
    shown = {
        key: value
        for key, value in message.items()
        if key not in HIDDEN_UNLESS_EXPANDED
        and (key not in HIDDEN_UNLESS_SELECTED or key.lower() in wanted)
    }
    visible = project(shown, select)
    # As in Graph, the expanded collection holds only the properties the filter names, and
    # is absent when the message has none of them.
    if expand is not None and (found := expanded(message, expand)):
        visible[PROPERTY] = found
    return visible


def _expansion(request: Request) -> frozenset[PropertyKey] | None:
    """Read ``$expand``: the extended properties a request asks for, ``None`` for no expansion.

    Raises:
        GraphError: 400 for a malformed ``$expand``, a property that cannot be expanded, or one
            the sandbox does not expand (only ``singleValueExtendedProperties``): refused, never
            silently ignored.
    """
    wanted: frozenset[PropertyKey] | None = None
    for expansion in parse_expand(request.query_params.get("$expand")):
        name = GraphSchema.load().expandable("message", expansion.name)
        if name != PROPERTY:
            raise GraphError(
                400,
                "BadRequest",
                f"The sandbox does not support $expand={name} on messages; it expands "
                f"{PROPERTY} only.",
            )
        wanted = wanted_keys(expansion) | (wanted or frozenset())
    return wanted


def _message(state: SandboxState, user_id: str, message_id: str) -> dict[str, Any]:
    found = state.store.get(MESSAGES, user_id, message_id)
    if found is None:
        raise GraphError(
            404, "ErrorItemNotFound", "The specified object was not found in the store."
        )
    return found


def _check_query(options: QueryOptions) -> None:
    GraphSchema.load().check_properties("message", options.property_names())


def _check_access_policy(state: SandboxState, sender: dict[str, Any]) -> None:
    """Refuse a mailbox outside the application access policy, as Exchange does.

    Raises:
        GraphError: 403 ``ErrorAccessDenied`` when a policy is set (``allowed_senders``) and
            names neither the sender's address nor its id.
    """
    allowed = state.config.allowed_senders
    if allowed is None:
        return
    names = {str(sender.get(key) or "").lower() for key in ("mail", "userPrincipalName", "id")}
    if names.isdisjoint(name.lower() for name in allowed):
        raise GraphError(403, "ErrorAccessDenied", ACCESS_POLICY_REFUSAL)


@router.post("/sendMail", status_code=202)
async def send_mail(user_key: str, request: Request, state: State) -> Response:
    """Send a message: tenant recipients receive it in their inbox; 202 with no body."""
    sender = state.directory.user(user_key)
    _check_access_policy(state, sender)
    body = GraphSchema.load().validate_action("sendMail", await read_json_object(request))
    message = body.get("Message")
    if not isinstance(message, dict):
        raise GraphError(400, "ErrorInvalidRecipients", "The message is missing.")
    recipients = recipient_addresses(message, "toRecipients", "ccRecipients", "bccRecipients")
    if not recipients:
        raise GraphError(
            400, "ErrorInvalidRecipients", "At least one recipient is not valid., No recipients."
        )
    for address in recipients:
        if not _ADDRESS.match(address):
            raise GraphError(
                400,
                "ErrorInvalidRecipients",
                f"At least one recipient is not valid., Recipient '{address}' is not resolved.",
            )
    check_flag(message.get("flag"))
    extended_properties = checked_properties(message.get(PROPERTY))
    state.limits.admit_send(str(sender["id"]), len(recipients))
    save = body.get("SaveToSentItems")
    Mailboxes(state).deliver(
        sender,
        message,
        save_to_sent=save is not False,
        extended_properties=extended_properties,
    )
    return Response(status_code=202)


def _list(request: Request, state: State, items: list[dict[str, Any]], context: str) -> Any:
    options = parse_query(request.query_params)
    _check_query(options)
    expand = _expansion(request)
    if options.order_by is None:
        options.order_by = ("receivedDateTime", True)
    selected = options.select
    options.select = None
    body = page(
        items,
        options,
        base_url=collection_url(request),
        query=request.query_params,
        default_top=10,
        context=context,
    )
    body["value"] = [_visible(item, selected, expand) for item in body["value"]]
    return body


@router.get("/messages")
async def list_messages(user_key: str, request: Request, state: State) -> Any:
    """List a user's messages across folders, newest first."""
    user = state.directory.user(user_key)
    items = state.store.list(MESSAGES, str(user["id"]))
    return _list(request, state, items, context_url(request, f"users('{user['id']}')/messages"))


@router.get("/mailFolders")
async def list_folders(user_key: str, request: Request, state: State) -> Any:
    """List a user's mail folders."""
    user = state.directory.user(user_key)
    folders = state.store.list(FOLDERS, str(user["id"]))
    for folder in folders:
        _count_items(state, str(user["id"]), folder)
    return page(
        [_folder_view(folder) for folder in folders],
        parse_query(request.query_params),
        base_url=collection_url(request),
        query=request.query_params,
        default_top=10,
        context=context_url(request, f"users('{user['id']}')/mailFolders"),
    )


def _folder_view(folder: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in folder.items() if key != "wellKnownName"}


def _count_items(state: SandboxState, user_id: str, folder: dict[str, Any]) -> None:
    items = state.store.list(MESSAGES, user_id, where={"parentFolderId": str(folder["id"])})
    folder["totalItemCount"] = len(items)
    folder["unreadItemCount"] = sum(1 for item in items if not item.get("isRead"))


@router.get("/mailFolders/{folder_key}")
async def get_folder(user_key: str, folder_key: str, request: Request, state: State) -> Any:
    """Get a mail folder by id or well-known name."""
    user = state.directory.user(user_key)
    folder = state.directory.folder(str(user["id"]), folder_key)
    _count_items(state, str(user["id"]), folder)
    return {"@odata.context": context_url(request, "mailFolders/$entity"), **_folder_view(folder)}


def _encode_token(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _decode_token(token: str) -> dict[str, Any]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError):
        raise GraphError(
            400, "SyncStateNotFound", "The sync state is invalid or has expired."
        ) from None
    if not isinstance(decoded, dict):
        raise GraphError(400, "SyncStateNotFound", "The sync state is invalid or has expired.")
    return decoded


def _page_size(request: Request, options: QueryOptions) -> int:
    prefer = request.headers.get("prefer", "")
    match = re.search(r"odata\.maxpagesize=(\d+)", prefer)
    if match:
        return max(1, min(int(match.group(1)), 1000))
    return options.top or _DEFAULT_DELTA_PAGE


@router.get("/mailFolders/{folder_key}/messages/delta")
@router.get("/mailFolders/{folder_key}/messages/delta()")
async def messages_delta(user_key: str, folder_key: str, request: Request, state: State) -> Any:
    """Per-folder delta: everything on the first round, then only what changed."""
    user = state.directory.user(user_key)
    user_id = str(user["id"])
    folder = state.directory.folder(user_id, folder_key)
    params = request.query_params
    options = parse_query(params)
    _check_query(options)
    expand = _expansion(request)
    page_size = _page_size(request, options)
    if (raw := params.get("$skiptoken")) is not None:
        token = _decode_token(raw)
    elif (raw := params.get("$deltatoken")) is not None:
        token = _decode_token(raw)
        token = {"since": token.get("seq", 0), "upto": state.store.current_seq(), "offset": 0}
    else:
        token = {"since": 0, "upto": state.store.current_seq(), "offset": 0}
    since, upto, offset = int(token["since"]), int(token["upto"]), int(token["offset"])
    changes = [
        change
        for change in state.store.changes_since(MESSAGES, user_id, since)
        if change.seq <= upto
        and change.data.get("parentFolderId") == folder["id"]
        and (since > 0 or not change.deleted)
        and (change.deleted or matches(change.data, options.filters))
    ]
    window = changes[offset : offset + page_size]
    values = []
    for change in window:
        if change.deleted:
            values.append(
                {
                    "@odata.type": "#microsoft.graph.message",
                    "id": change.id,
                    "@removed": {"reason": "deleted"},
                }
            )
        else:
            values.append(_visible(change.data, options.select, expand))
    base = collection_url(request)
    carried = {key: value for key, value in params.items() if key in {"$select", "$expand"}}
    body: dict[str, Any] = {
        "@odata.context": context_url(request, "Collection(message)"),
        "value": values,
    }
    if offset + page_size < len(changes):
        next_token = _encode_token({"since": since, "upto": upto, "offset": offset + page_size})
        body["@odata.nextLink"] = f"{base}?{urlencode({**carried, '$skiptoken': next_token})}"
    else:
        delta = _encode_token({"seq": upto})
        body["@odata.deltaLink"] = f"{base}?{urlencode({**carried, '$deltatoken': delta})}"
    return body


@router.get("/mailFolders/{folder_key}/messages")
async def list_folder_messages(
    user_key: str, folder_key: str, request: Request, state: State
) -> Any:
    """List the messages of one folder, newest first."""
    user = state.directory.user(user_key)
    folder = state.directory.folder(str(user["id"]), folder_key)
    items = state.store.list(MESSAGES, str(user["id"]), where={"parentFolderId": str(folder["id"])})
    return _list(request, state, items, context_url(request, "messages"))


@router.get("/messages/{message_id}")
@router.get("/mailFolders/{folder_key}/messages/{message_id}")
async def get_message(user_key: str, message_id: str, request: Request, state: State) -> Any:
    """Get one message."""
    user = state.directory.user(user_key)
    options = parse_query(request.query_params)
    _check_query(options)
    expand = _expansion(request)
    message = _message(state, str(user["id"]), message_id)
    return {
        "@odata.context": context_url(request, "messages/$entity"),
        **_visible(message, options.select, expand),
    }


def _quoted(original: dict[str, Any], *, as_html: bool) -> str:
    """The original message below a reply, the way Outlook quotes it."""
    sender = (original.get("from") or {}).get("emailAddress") or {}
    to = "; ".join(recipient_addresses(original, "toRecipients"))
    lines = [
        f"From: {sender.get('name') or ''} <{sender.get('address') or ''}>",
        f"Sent: {original.get('sentDateTime') or ''}",
        f"To: {to}",
        f"Subject: {original.get('subject') or ''}",
    ]
    body = original.get("body") or {}
    content = str(body.get("content") or "")
    original_is_html = str(body.get("contentType", "text")).lower() == "html"
    if as_html:
        header = "<br>".join(html.escape(line) for line in lines)
        quoted = content if original_is_html else html.escape(content).replace("\n", "<br>")
        return f'<hr><div id="divRplyFwdMsg">{header}</div><div>{quoted}</div>'
    if original_is_html:
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return "\n\n________________________________\n" + "\n".join(lines) + "\n\n" + content


@router.post("/messages/{message_id}/reply", status_code=202)
@router.post("/mailFolders/{folder_key}/messages/{message_id}/reply", status_code=202)
async def reply_to_message(
    user_key: str, message_id: str, request: Request, state: State
) -> Response:
    """Reply to a message's sender in the same conversation; 202 with no body.

    As in Graph: either ``comment`` or ``message.body`` (not both) is written above the
    quoted original; ``message`` may also carry recipients, headers and extended properties.
    """
    sender = state.directory.user(user_key)
    original = _message(state, str(sender["id"]), message_id)
    body = GraphSchema.load().validate_action(
        "reply", await read_json_object(request), binding="microsoft.graph.message"
    )
    extra = body.get("Message") or {}
    if not isinstance(extra, dict):
        raise GraphError(400, "ErrorInvalidRequest", "The message parameter is not an object.")
    comment = body.get("Comment")
    if comment is not None and extra.get("body"):
        raise GraphError(
            400, "ErrorInvalidRequest", "Specify either the comment or the message body, not both."
        )
    given = extra.get("body") or {"contentType": "text", "content": str(comment or "")}
    new_part = {
        "contentType": given.get("contentType", "text"),
        "content": str(given.get("content") or ""),
    }
    as_html = str(given.get("contentType", "text")).lower() == "html"
    subject = str(original.get("subject") or "")
    if not subject.lower().startswith("re:"):
        subject = f"RE: {subject}"
    headers = [
        header
        for header in extra.get("internetMessageHeaders") or []
        if str(header.get("name", "")).lower() != "in-reply-to"
    ]
    if original.get("internetMessageId"):
        headers.append({"name": "In-Reply-To", "value": original["internetMessageId"]})
    message = {
        **{key: value for key, value in extra.items() if key != PROPERTY},
        "subject": subject,
        "body": {
            "contentType": "html" if as_html else "text",
            "content": str(given.get("content") or "") + _quoted(original, as_html=as_html),
        },
        "toRecipients": extra.get("toRecipients")
        or original.get("replyTo")
        or [original.get("from")],
        "internetMessageHeaders": headers,
    }
    extended_properties = checked_properties(extra.get(PROPERTY))
    state.limits.admit_send(str(sender["id"]), 1)
    Mailboxes(state).deliver(
        sender,
        message,
        save_to_sent=True,
        extended_properties=extended_properties,
        conversation_id=original.get("conversationId"),
        new_part=new_part,
    )
    return Response(status_code=202)


@router.patch("/messages/{message_id}")
@router.patch("/mailFolders/{folder_key}/messages/{message_id}")
async def patch_message(user_key: str, message_id: str, request: Request, state: State) -> Any:
    """Update a message: read state, flag, categories (and more while it is a draft)."""
    user = state.directory.user(user_key)
    message = _message(state, str(user["id"]), message_id)
    patch = await read_json_object(request)
    patch = {key: value for key, value in patch.items() if not key.startswith("@odata")}
    GraphSchema.load().validate_entity("message", patch, for_update=True)
    allowed = _UPDATABLE | (_DRAFT_UPDATABLE if message.get("isDraft") else set())
    for key in patch:
        if key not in allowed:
            raise GraphError(
                400,
                "ErrorInvalidPropertyUpdateSentMessage",
                f"The property '{key}' cannot be updated on a message that was sent.",
            )
    if "flag" in patch:
        check_flag(patch["flag"])
    updated = Mailboxes(state).update(str(user["id"]), message, patch)
    return {"@odata.context": context_url(request, "messages/$entity"), **_visible(updated, None)}


@router.delete("/messages/{message_id}", status_code=204)
@router.delete("/mailFolders/{folder_key}/messages/{message_id}", status_code=204)
async def delete_message(user_key: str, message_id: str, state: State) -> Response:
    """Delete a message."""
    user = state.directory.user(user_key)
    message = _message(state, str(user["id"]), message_id)
    Mailboxes(state).delete(str(user["id"]), message)
    return Response(status_code=204)
