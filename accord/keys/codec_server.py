"""Temporal's remote codec protocol over Accord's payload encryption (``accord codec-server``).

Workflow histories hold Accord's payloads encrypted (``integrations.temporal.codec``), so the
Temporal UI and the ``temporal`` CLI show ciphertext. Pointed at this server (the UI's "Codec
Server" setting, or ``temporal --codec-endpoint``), they send ``POST {endpoint}/decode`` with
``{"payloads": [...]}`` (protobuf JSON: base64 ``data`` and ``metadata`` values) and show what
comes back. ``/{namespace}/decode`` works too, for endpoints that carry the namespace.

Decrypted payloads are what the encryption exists to protect, so every request must carry an
Entra ID access token (``Authorization: Bearer ...``) checked like the API's, and the person
must hold the operator app role; each decode is logged with who asked and how many payloads,
never with what they said. Browsers may call it only from the configured UI origins (CORS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Protocol

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from api.auth import AuthenticationError, Principal
from api.problems import PROBLEM_TYPE_PREFIX, Problem, problem_response
from integrations.entra.keys import KeysUnavailableError
from integrations.temporal.codec import PayloadDecryptionError

log = structlog.get_logger("accord.keys.codec_server")

CORS_HEADERS = ("X-Namespace", "Authorization", "Content-Type")
_REALM = "accord-codec"


class TokenValidator(Protocol):
    """Turns an access token into the person it was issued to (``api.auth.TokenValidator``)."""

    async def validate(self, token: str) -> Principal:
        """Check the token; raise ``AuthenticationError`` when it is not acceptable."""
        ...


class CodecProblemError(Exception):
    """A request the codec server refuses; carries the problem to answer with."""

    def __init__(self, problem: Problem, headers: dict[str, str] | None = None) -> None:
        super().__init__(problem.title)
        self.problem = problem
        self.headers = headers


def _problem(status: int, kind: str, title: str, detail: str) -> Problem:
    return Problem(type=f"{PROBLEM_TYPE_PREFIX}{kind}", title=title, status=status, detail=detail)


@dataclass(frozen=True)
class CodecContext:
    """What the codec server was built with (kept on ``app.state``)."""

    codec: PayloadCodec
    validator: TokenValidator
    namespace: str
    operator_role: str
    max_body_bytes: int


def create_codec_app(
    *,
    codec: PayloadCodec,
    validator: TokenValidator,
    namespace: str,
    operator_role: str,
    allowed_origins: Sequence[str],
    max_body_bytes: int = 4 * 1024 * 1024,
) -> FastAPI:
    """Build the codec server's app.

    Args:
        codec: the payload codec (Accord's
            :class:`integrations.temporal.codec.EncryptionCodec` with its key ring).
        validator: checks bearer tokens.
        namespace: the only Temporal namespace whose payloads are served.
        operator_role: the app role a person needs to encode or decode.
        allowed_origins: the web origins (the Temporal UI's) browsers may call from.
        max_body_bytes: larger requests get 413.

    Returns:
        The FastAPI application.
    """
    app = FastAPI(
        title="Accord codec server",
        summary="Temporal's remote codec protocol for operators.",
        version="0.1.0",
        openapi_url=None,
    )
    app.state.codec = CodecContext(codec, validator, namespace, operator_role, max_body_bytes)
    app.include_router(router)
    app.add_exception_handler(CodecProblemError, _on_problem)
    # Outermost, so that preflights are answered before any token is asked for, and answers
    # (errors included) carry the CORS headers the UI needs to read them.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(allowed_origins),
        allow_methods=["POST"],
        allow_headers=list(CORS_HEADERS),
        allow_credentials=True,
        max_age=600,
    )
    return app


def _context(request: Request) -> CodecContext:
    context: CodecContext = request.app.state.codec
    return context


_bearer = HTTPBearer(auto_error=False)


async def _operator(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    context = _context(request)
    if credentials is None:
        raise _unauthenticated("missing", "Sign in: send an Entra ID bearer token.")
    try:
        principal = await context.validator.validate(credentials.credentials)
    except AuthenticationError as exc:
        log.info("codec_token_rejected", reason=exc.reason)
        raise _unauthenticated(exc.reason, exc.description) from None
    except KeysUnavailableError:
        raise CodecProblemError(
            _problem(
                503,
                "unavailable",
                "Sign-in cannot be checked right now",
                "The identity provider's keys could not be fetched; try again shortly.",
            ),
            headers={"Retry-After": "5"},
        ) from None
    if context.operator_role not in principal.roles:
        log.info("codec_forbidden", principal=principal.object_id)
        raise CodecProblemError(
            _problem(
                403,
                "forbidden",
                "Not allowed",
                f"Only people with the {context.operator_role} app role may use the codec server.",
            )
        )
    return principal


async def _payloads(request: Request) -> Payloads:
    limit = _context(request).max_body_bytes
    body = await request.body()
    if len(body) > limit:
        raise CodecProblemError(_problem(413, "too-large", "Too large", f"At most {limit} bytes."))
    try:
        return json_format.Parse(body or b"{}", Payloads())
    except (json_format.ParseError, UnicodeDecodeError, ValueError):
        raise CodecProblemError(
            _problem(
                400,
                "invalid-payloads",
                "Not a payload list",
                'Send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.',
            )
        ) from None


OperatorDep = Annotated[Principal, Depends(_operator)]
PayloadsDep = Annotated[Payloads, Depends(_payloads)]
NamespaceHeader = Annotated[str | None, Header(alias="X-Namespace")]
router = APIRouter()


def _served(context: CodecContext, asked: str | None) -> str:
    if asked is not None and asked != context.namespace:
        raise CodecProblemError(
            _problem(
                404,
                "unknown-namespace",
                "Namespace not served",
                f"This codec server serves the namespace {context.namespace!r} only.",
            )
        )
    return context.namespace


async def _apply(
    request: Request, direction: str, principal: Principal, payloads: Payloads, asked: str | None
) -> Response:
    context = _context(request)
    namespace = _served(context, asked)
    try:
        if direction == "decode":
            result = await context.codec.decode(payloads.payloads)
        else:
            result = await context.codec.encode(payloads.payloads)
    except PayloadDecryptionError as exc:
        # The reason names key ids or tampering, never content.
        log.warning("codec_decode_failed", principal=principal.object_id, reason=str(exc))
        raise CodecProblemError(
            _problem(422, "undecodable", "A payload cannot be decrypted", str(exc))
        ) from None
    # An audit trail of who looked: ids and counts only.
    log.info(
        f"codec_{direction}",
        principal=principal.object_id,
        namespace=namespace,
        payloads=len(result),
    )
    body = json_format.MessageToJson(Payloads(payloads=result), indent=None)
    return Response(body, media_type="application/json")


@router.post("/decode")
async def decode(
    request: Request,
    principal: OperatorDep,
    payloads: PayloadsDep,
    x_namespace: NamespaceHeader = None,
) -> Response:
    """Decrypt payloads for an operator (the namespace from ``X-Namespace``)."""
    return await _apply(request, "decode", principal, payloads, x_namespace)


@router.post("/encode")
async def encode(
    request: Request,
    principal: OperatorDep,
    payloads: PayloadsDep,
    x_namespace: NamespaceHeader = None,
) -> Response:
    """Encrypt payloads for an operator (input typed into the UI or CLI)."""
    return await _apply(request, "encode", principal, payloads, x_namespace)


@router.post("/{namespace}/decode")
async def decode_in(
    request: Request, namespace: str, principal: OperatorDep, payloads: PayloadsDep
) -> Response:
    """Decrypt payloads of the namespace in the path."""
    return await _apply(request, "decode", principal, payloads, namespace)


@router.post("/{namespace}/encode")
async def encode_in(
    request: Request, namespace: str, principal: OperatorDep, payloads: PayloadsDep
) -> Response:
    """Encrypt payloads for the namespace in the path."""
    return await _apply(request, "encode", principal, payloads, namespace)


@router.get("/healthz")
async def health() -> dict[str, str]:
    """Say the server is up (no token needed, nothing decoded)."""
    return {"status": "ok"}


def _unauthenticated(reason: str, description: str) -> CodecProblemError:
    challenge = f'Bearer realm="{_REALM}"'
    if reason != "missing":
        challenge += ', error="invalid_token"'
    return CodecProblemError(
        _problem(401, "unauthenticated", "Sign-in required", description),
        headers={"WWW-Authenticate": challenge},
    )


async def _on_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CodecProblemError)  # noqa: S101 - registered for this type only
    return problem_response(exc.problem, headers=exc.headers)
