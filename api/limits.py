"""Caps on request bodies: their size (413) and how deeply their JSON nests (400).

Accord's requests are small JSON documents and forms; a cap keeps a client from making the
API hold megabytes in memory. Bodies are read up to the cap and handed on as they came.

Deeply nested JSON (``[`` thirty thousand times) makes Python's parser, and Pydantic's, run
out of recursion: a 500 and a traceback, before any sign-in is checked. Every body that is
not a form is therefore measured first, in one pass that never recurses, and refused with a
400 problem when it nests deeper than any request of Accord's (or Graph's, or Teams') does.

A body that says it is JSON (``application/json``, ``text/json``, ``*/*+json``) and does not
parse is a 400 problem too, on every route: the same answer whether the route reads the body
itself (Graph's webhooks, the bot), through FastAPI (whose own answer would be a 422), or not at
all (the action links read forms). Bodies are capped small, so parsing one twice costs little.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_TYPE_PREFIX, Problem, malformed_json_problem, problem_response

MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects accepted; real requests stay well below 20."""

_FORMS = (b"application/x-www-form-urlencoded", b"multipart/form-data")
_STRINGS = re.compile(rb'"[^"]*"')
# What each byte adds to the depth: +1 opens an array or object, -1 closes one.
_STEPS = [{0x5B: 1, 0x7B: 1, 0x5D: -1, 0x7D: -1}.get(byte, 0) for byte in range(256)]
# Everything but quotes and brackets, dropped before the depth is summed.
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}')))


class MalformedJsonError(ValueError):
    """A body is not JSON, or nests deeper than :data:`MAX_JSON_DEPTH`."""


def json_too_deep(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Say whether ``body``, read as JSON, nests arrays and objects deeper than ``max_depth``.

    Linear time, no recursion; brackets inside strings do not count. Not a validator: a body
    that is not JSON at all may pass, for the parser to refuse.

    Args:
        body: the request body.
        max_depth: the deepest nesting allowed.

    Returns:
        True when some point of the body is nested deeper than ``max_depth``.
    """
    # Fewer brackets than the limit cannot nest past it: most bodies stop here.
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    # Escaped backslashes, then escaped quotes, so every remaining quote opens or closes a
    # string. (Outside strings a backslash is invalid JSON, which the parser refuses anyway.)
    structure = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
    # Only quotes and brackets are left, so this pattern runs in linear time.
    structure = _STRINGS.sub(b"", structure)
    # Depth is the highest running sum of +1 per opener and -1 per closer, summed in C.
    return max(accumulate(map(_STEPS.__getitem__, structure)), default=0) > max_depth


def loads_json(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse a request body as JSON, refusing deep nesting before the parser sees it.

    Args:
        body: the request body.
        max_depth: the deepest nesting allowed.

    Returns:
        The parsed document.

    Raises:
        MalformedJsonError: when the body is not UTF-8 JSON or nests too deeply.
    """
    if json_too_deep(body, max_depth):
        raise MalformedJsonError(f"JSON may nest at most {max_depth} levels")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError too: the parser's own limit, should the check above ever miss.
        raise MalformedJsonError("not JSON") from exc


def _is_form(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return content_type.split(b";", 1)[0].strip().lower() in _FORMS


def _says_json(scope: Scope) -> bool:
    # FastAPI's rule for parsing a body as JSON: a subtype of json or ending in +json.
    content_type: bytes = dict(scope.get("headers", [])).get(b"content-type", b"")
    subtype = content_type.split(b";", 1)[0].strip().lower().rpartition(b"/")[2]
    return subtype == b"json" or subtype.endswith(b"+json")


def _parses(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


class BodySizeLimit:
    """ASGI middleware answering 413 to bodies over ``max_bytes``, 400 to deep or broken JSON."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_json_depth: int = MAX_JSON_DEPTH) -> None:
        self._app = app
        self._max_bytes = max_bytes
        self._max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request (or pass anything but HTTP straight on)."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max_bytes:
            await self._refuse(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self._max_bytes:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if not _is_form(scope) and json_too_deep(body, self._max_json_depth):
            await self._refuse_deep(scope, receive, send)
            return
        # An empty body is no body (FastAPI reads it so), whatever the header says.
        if body and _says_json(scope) and not _parses(body):
            await self._refuse_broken(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self._app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Problem(
                type=f"{PROBLEM_TYPE_PREFIX}body-too-large",
                title="The request body is too large",
                status=413,
                detail=f"Send at most {self._max_bytes} bytes.",
            ),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

    async def _refuse_deep(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            malformed_json_problem(
                f"JSON may nest at most {self._max_json_depth} levels; nothing was done."
            )
        )
        await response(scope, receive, send)

    async def _refuse_broken(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            malformed_json_problem("The body is not valid JSON; nothing was done.")
        )
        await response(scope, receive, send)
