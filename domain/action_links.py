"""Signed action links: one click in an email does one thing, for one person, once.

A link carries a JWT (HS256) naming the commitment, the person, the action and an expiry. The
key ring signs with its first key and accepts any key it still holds, so keys rotate without
breaking links already in people's inboxes. Nothing here reads the clock: ``now`` is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import jwt
from pydantic import BaseModel, ConfigDict, Field

from domain.models import CheckInAnswer

DEFAULT_LINK_LIFETIME = timedelta(days=21)
_AUDIENCE = "accord-action"
_MIN_KEY_BYTES = 32


class LinkAction(StrEnum):
    """What a link does when its person clicks it."""

    ACCEPT = "accept"
    TALK = "talk"
    CHECK_IN_ON_TRACK = "check_in_on_track"
    CHECK_IN_AT_RISK = "check_in_at_risk"
    CHECK_IN_BLOCKED = "check_in_blocked"
    DONE = "done"
    ACCEPT_REVISION = "accept_revision"
    REQUEST_CONVERSATION = "request_conversation"
    # Support the other way up (domain/support.py): the owner asks what would help, the
    # manager answers in one click, and an owner whose support did not come moves their date.
    REQUEST_SUPPORT = "request_support"
    PROMISE_SUPPORT = "promise_support"
    SUPPORT_TALK = "support_talk"
    SUPPORT_NOT_POSSIBLE = "support_not_possible"
    MOVE_MY_DATE = "move_my_date"
    # A commitment read from a manager's email, before its owner hears of it.
    CONFIRM_INTAKE = "confirm_intake"
    CORRECT_INTAKE = "correct_intake"
    CANCEL_INTAKE = "cancel_intake"
    # "Track this" under Accord's answer to a mail that asked for nothing: a prefilled form.
    TRACK_INTAKE = "track_intake"
    # The offer of a regular 1:1 (domain/agenda.py): book the weekly series; the link names
    # the offer's workflow id where others name a commitment.
    BOOK_ONE_ON_ONE = "book_one_on_one"
    # A conversation in writing, for two people whose working hours never meet: the owner
    # answers what got in the way and what would help, and proposes a date, in one form.
    WRITTEN_ANSWER = "written_answer"

    @property
    def check_in_answer(self) -> CheckInAnswer | None:
        """The check-in answer this link records, if it is a check-in link."""
        return {
            LinkAction.CHECK_IN_ON_TRACK: CheckInAnswer.ON_TRACK,
            LinkAction.CHECK_IN_AT_RISK: CheckInAnswer.AT_RISK,
            LinkAction.CHECK_IN_BLOCKED: CheckInAnswer.BLOCKED,
        }.get(self)


class ActionClaims(BaseModel):
    """What a link says: who may do what to which commitment, until when.

    ``link_id`` identifies the link; applying the same link twice is recognised by it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    commitment_id: str = Field(min_length=1)
    person: str = Field(min_length=3)
    action: LinkAction
    link_id: str = Field(min_length=1)
    expires_at: datetime


class InvalidActionLink(Exception):  # noqa: N818 - names what the person sees: an invalid link
    """The link cannot be used; ``reason`` is safe to show to the person who clicked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LinkKeyRing:
    """The secrets that sign and verify action links; the first one signs."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("the key ring needs at least one key")
        if any(len(key) < _MIN_KEY_BYTES for key in keys):
            raise ValueError(f"each link key must be at least {_MIN_KEY_BYTES} bytes")
        self._keys = list(keys)

    def sign(self, claims: ActionClaims) -> str:
        """Return the token for a link.

        Args:
            claims: what the link allows.

        Returns:
            A compact JWT.
        """
        payload = {
            "aud": _AUDIENCE,
            "cid": claims.commitment_id,
            "sub": claims.person,
            "act": claims.action.value,
            "jti": claims.link_id,
            "exp": int(claims.expires_at.timestamp()),
        }
        return jwt.encode(payload, self._keys[0], algorithm="HS256")

    def derived_secrets(self, purpose: str) -> list[str]:
        """Return a secret for another purpose derived from each key, the signing key's first.

        Lets a secret that must agree between processes (Graph's webhook ``clientState``)
        follow the link keys, rotation included, without a setting of its own.

        Args:
            purpose: what the secret is for; different purposes give unrelated secrets.

        Returns:
            One hex secret (64 characters) per key.
        """
        return [
            hmac.new(key, f"accord:{purpose}".encode(), hashlib.sha256).hexdigest()
            for key in self._keys
        ]

    def verify(self, token: str, now: datetime) -> ActionClaims:
        """Check a token's signature and expiry and return what it allows.

        Args:
            token: the token from the link.
            now: the current instant.

        Returns:
            The claims.

        Raises:
            InvalidActionLink: when the token is forged, malformed or expired.
        """
        for key in self._keys:
            try:
                payload = jwt.decode(
                    token,
                    key,
                    algorithms=["HS256"],
                    audience=_AUDIENCE,
                    options={"verify_exp": False, "require": ["exp", "cid", "sub", "act", "jti"]},
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.PyJWTError:
                raise InvalidActionLink("This link is not valid.") from None
            break
        else:
            raise InvalidActionLink("This link is not valid.")
        try:
            expiry = int(payload["exp"])
            expires_at = datetime.fromtimestamp(expiry, tz=now.tzinfo)
        except (TypeError, ValueError, OverflowError, OSError):
            # Only a holder of a signing key could write such an expiry; still, no crash.
            raise InvalidActionLink("This link is not valid.") from None
        if expiry < now.timestamp():
            raise InvalidActionLink("This link has expired.")
        try:
            return ActionClaims(
                commitment_id=payload["cid"],
                person=payload["sub"],
                action=LinkAction(payload["act"]),
                link_id=payload["jti"],
                expires_at=expires_at,
            )
        except ValueError:
            raise InvalidActionLink("This link is not valid.") from None
