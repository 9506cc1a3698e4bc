"""The web app's session: a signed cookie made from an Entra access token, and its CSRF token.

``POST /app/session`` checks a token with the API's own :class:`api.auth.TokenValidator` and
answers with a cookie that names the same person and ends no later than the token. The cookie
is a JWT signed with a secret derived from the action links' keys
(:meth:`domain.action_links.LinkKeyRing.derived_secrets`), so every API process agrees on it
and it follows their rotation. Each session carries a random id; a form's CSRF token is an
HMAC of it, so a token from one session is worthless in another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Request, Response

from api.auth import Principal

SESSION_COOKIE = "accord_app_session"
SESSION_PURPOSE = "app-session"
MAX_SESSION = timedelta(hours=8)
"""The longest a session lasts, however long the token it was made from."""
# Entra lists up to 200 groups; a cookie holds about 4 kB. Past this many, the session keeps
# none (groups only ever widen what someone may do, so fewer is the safe side).
MAX_GROUPS = 20
_ALGORITHM = "HS256"


class SessionEndedError(Exception):
    """The request's session is missing, expired or not ours."""


@dataclass(frozen=True)
class AppSession:
    """A signed-in person in the web app."""

    principal: Principal
    expires_at: datetime
    session_id: str


def session_secrets(request: Request) -> list[str]:
    """Return the session-signing secrets, the current one first.

    Args:
        request: any request of the app (the key ring is on its state).

    Returns:
        One secret per link key.
    """
    return list(request.app.state.accord.links.derived_secrets(SESSION_PURPOSE))


def token_expiry(token: str) -> datetime:
    """Return when an already validated access token expires.

    Args:
        token: a token :meth:`api.auth.TokenValidator.validate` accepted.

    Returns:
        Its ``exp`` as an aware datetime.
    """
    # The signature was checked by the validator a moment ago; only the claim is read here.
    claims = jwt.decode(token, options={"verify_signature": False})
    return datetime.fromtimestamp(int(claims["exp"]), UTC)


def issue_session(
    principal: Principal, *, expires_at: datetime, now: datetime, secrets_: list[str]
) -> tuple[str, datetime]:
    """Sign a session cookie for ``principal``.

    Args:
        principal: the person the token named.
        expires_at: when the token expires; the session ends then at the latest.
        now: the current instant.
        secrets_: from :func:`session_secrets`; the first signs.

    Returns:
        The cookie's value and when it expires.
    """
    ends = min(expires_at, now + MAX_SESSION)
    groups = sorted(principal.groups) if len(principal.groups) <= MAX_GROUPS else []
    payload: dict[str, Any] = {
        "oid": principal.object_id,
        "email": principal.email,
        "name": principal.display_name,
        "tid": principal.tenant_id,
        "roles": list(principal.roles),
        "admin": principal.is_admin,
        "groups": groups,
        "sid": secrets.token_urlsafe(16),
        "exp": int(ends.timestamp()),
    }
    return jwt.encode(payload, secrets_[0], algorithm=_ALGORITHM), ends


def read_session(value: str | None, *, now: datetime, secrets_: list[str]) -> AppSession:
    """Check a session cookie and return who it names.

    Args:
        value: the cookie's value, if the request had one.
        now: the current instant.
        secrets_: from :func:`session_secrets`.

    Returns:
        The session.

    Raises:
        SessionEndedError: when there is no cookie, or it expired or is not ours.
    """
    if not value:
        raise SessionEndedError
    for secret in secrets_:
        try:
            claims = jwt.decode(
                value,
                secret,
                algorithms=[_ALGORITHM],
                options={"require": ["exp", "sid", "oid", "email"], "verify_exp": False},
            )
        except jwt.PyJWTError:
            continue
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        if expires_at <= now:
            raise SessionEndedError
        principal = Principal(
            object_id=claims["oid"],
            email=claims["email"],
            display_name=claims.get("name") or claims["email"],
            tenant_id=claims.get("tid", ""),
            roles=tuple(claims.get("roles", ())),
            is_admin=bool(claims.get("admin")),
            groups=frozenset(claims.get("groups", ())),
        )
        return AppSession(principal=principal, expires_at=expires_at, session_id=claims["sid"])
    raise SessionEndedError


def csrf_token(session: AppSession, secrets_: list[str]) -> str:
    """Return the CSRF token of a session's forms.

    Args:
        session: the session.
        secrets_: from :func:`session_secrets`; the first is used.

    Returns:
        A hex HMAC of the session's id.
    """
    return _csrf(secrets_[0], session.session_id)


def csrf_matches(session: AppSession, token: str | None, secrets_: list[str]) -> bool:
    """Say whether a form's CSRF token belongs to this session.

    Args:
        session: the session.
        token: the form's ``csrf`` field.
        secrets_: from :func:`session_secrets`.

    Returns:
        Whether it matches under any of the secrets.
    """
    if not token:
        return False
    return any(hmac.compare_digest(_csrf(secret, session.session_id), token) for secret in secrets_)


def _csrf(secret: str, session_id: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def set_session_cookie(
    response: Response, request: Request, value: str, expires_at: datetime, now: datetime
) -> None:
    """Put the session cookie on ``response``.

    Over https it is ``SameSite=None; Secure; Partitioned``, because Teams and Outlook frame
    the app from another site: ``Partitioned`` (CHIPS) lets a browser that blocks third-party
    cookies keep this one for the app inside that frame. Over plain http (local development)
    browsers refuse that set, so ``Lax``.

    Args:
        response: the answer.
        request: the request (its scheme decides the cookie's flags).
        value: from :func:`issue_session`.
        expires_at: when it ends.
        now: the current instant.
    """
    secure = request.url.scheme == "https"
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=max(int((expires_at - now).total_seconds()), 0),
        expires=expires_at,
        path="/app",
        secure=secure,
        httponly=True,
        samesite="none" if secure else "lax",
    )
    if secure:
        _partition(response)


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the session cookie.

    Args:
        response: the answer.
        request: the request (its scheme decides the cookie's flags).
    """
    secure = request.url.scheme == "https"
    response.delete_cookie(
        SESSION_COOKIE,
        path="/app",
        secure=secure,
        httponly=True,
        samesite="none" if secure else "lax",
    )
    if secure:
        # A partitioned cookie is replaced only by one in the same partition.
        _partition(response)


def _partition(response: Response) -> None:
    """Mark the session's ``Set-Cookie`` header ``Partitioned``.

    Starlette writes that attribute only on Python 3.14 and later (its cookie module knows
    it from then), so the header it wrote is extended here.
    """
    prefix = f"{SESSION_COOKIE}=".encode()
    headers = response.raw_headers
    for index in range(len(headers) - 1, -1, -1):
        name, value = headers[index]
        if name == b"set-cookie" and value.startswith(prefix):
            if b"partitioned" not in value.lower():
                headers[index] = (name, value + b"; Partitioned")
            return
