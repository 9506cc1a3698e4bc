"""Entra ID's authorization-code flow with PKCE, as MSAL.js uses it in a browser.

A sign-in (``/authorize``: the person is picked from the tenant, no password) gives a
one-time code bound to the app, the redirect URI, the scope, the nonce and the PKCE
challenge; the token endpoint redeems it once, for the same app and redirect URI, with the
verifier whose SHA-256 is the challenge (``S256``, the only method Entra ID lets a single-page
app use). Codes live ten minutes, in memory, like Entra ID's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sandbox.state import SandboxState

CODE_LIFETIME_SECONDS = 600.0
_CREATE_LOCK = threading.Lock()


class CodeRefused(Exception):  # noqa: N818 - names what the client sees: a refusal
    """A code Entra ID would not redeem; the message is its error description."""


@dataclass
class AuthorizationCode:
    """One issued code and what it was issued for."""

    client_id: str
    redirect_uri: str
    scope: str
    upn: str
    code_challenge: str
    nonce: str | None
    expires_at: float


def s256(verifier: str) -> str:
    """Return the PKCE ``S256`` challenge of a verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class AuthorizationCodes:
    """The codes issued and not yet redeemed."""

    def __init__(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, state: SandboxState) -> AuthorizationCodes:
        """Return the state's codes, made on first use."""
        with _CREATE_LOCK:
            existing = getattr(state, "_authorization_codes", None)
            if not isinstance(existing, AuthorizationCodes):
                existing = cls()
                # One per state, like the state's other services, without editing the state.
                state._authorization_codes = existing  # type: ignore[attr-defined]
            return existing

    def issue(self, grant: AuthorizationCode) -> str:
        """Store a grant and return its code."""
        code = secrets.token_urlsafe(32)
        with self._lock:
            now = time.monotonic()
            for key in [key for key, value in self._codes.items() if value.expires_at < now]:
                del self._codes[key]
            self._codes[code] = grant
        return code

    def redeem(
        self, code: str, *, client_id: str, redirect_uri: str, code_verifier: str
    ) -> AuthorizationCode:
        """Redeem a code once.

        Args:
            code: the code from the redirect.
            client_id: the app redeeming it.
            redirect_uri: the redirect URI the code was sent to.
            code_verifier: the PKCE verifier.

        Returns:
            What the code was issued for.

        Raises:
            CodeRefused: when the code is unknown, used, expired, for another app or
                redirect URI, or the verifier does not match.
        """
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires_at < time.monotonic():
            raise CodeRefused("AADSTS70008: the authorization code has expired or was used.")
        if grant.client_id != client_id:
            raise CodeRefused("AADSTS70000: the code was issued to another application.")
        if grant.redirect_uri != redirect_uri:
            raise CodeRefused("AADSTS50148: the redirect_uri does not match the one authorized.")
        if not hmac.compare_digest(s256(code_verifier), grant.code_challenge):
            raise CodeRefused("AADSTS501481: the code_verifier does not match the code_challenge.")
        return grant
