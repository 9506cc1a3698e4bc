"""Fuzzing action-link tokens: only ``InvalidActionLink`` escapes; no altered link works."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import jwt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.action_links import ActionClaims, InvalidActionLink, LinkAction, LinkKeyRing

KEY = b"fuzz-only-link-key-of-at-least-32-bytes!"
OLD_KEY = b"fuzz-only-older-link-key-at-least-32-bytes"
RING = LinkKeyRing([KEY, OLD_KEY])
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_.="

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _verify_or_reject(token: str) -> ActionClaims | None:
    try:
        return RING.verify(token, NOW)
    except InvalidActionLink as exc:
        reason = exc.reason
    # The reason is shown to the person who clicked: one of two fixed, safe sentences.
    assert reason in ("This link is not valid.", "This link has expired.")
    return None


claims_strategy = st.builds(
    ActionClaims,
    commitment_id=st.text(min_size=1, max_size=40),
    person=st.emails(),
    action=st.sampled_from(LinkAction),
    link_id=st.uuids().map(str),
    expires_at=st.just(NOW + timedelta(days=21)),
)


@FUZZ
@given(st.text(max_size=400))
@example("")
@example("..")
@example("a.b.c")
@example("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
def test_any_text_is_rejected_as_an_invalid_link(token: str) -> None:
    assert _verify_or_reject(token) is None


@FUZZ
@given(st.text(alphabet=TOKEN_ALPHABET, max_size=400))
def test_token_shaped_text_is_rejected_as_an_invalid_link(token: str) -> None:
    assert _verify_or_reject(token) is None


@st.composite
def mutated_tokens(draw: st.DrawFn) -> tuple[str, str]:
    """A valid token, and a different token made from it by one typical corruption."""
    token = RING.sign(draw(claims_strategy))
    kind = draw(st.sampled_from(["replace", "delete", "insert", "truncate", "swap", "case"]))
    at = draw(st.integers(min_value=0, max_value=len(token) - 1))
    if kind == "replace":
        mutated = token[:at] + draw(st.sampled_from(TOKEN_ALPHABET)) + token[at + 1 :]
    elif kind == "delete":
        mutated = token[:at] + token[at + 1 :]
    elif kind == "insert":
        mutated = token[:at] + draw(st.sampled_from(TOKEN_ALPHABET)) + token[at:]
    elif kind == "truncate":
        mutated = token[:at]
    elif kind == "swap":
        other = draw(st.integers(min_value=0, max_value=len(token) - 1))
        chars = list(token)
        chars[at], chars[other] = chars[other], chars[at]
        mutated = "".join(chars)
    else:
        mutated = token[:at] + token[at].swapcase() + token[at + 1 :]
    return token, mutated


@FUZZ
@given(mutated_tokens())
def test_a_mutated_token_never_verifies(pair: tuple[str, str]) -> None:
    token, mutated = pair
    assert RING.verify(token, NOW)  # the original works
    if mutated != token:
        assert _verify_or_reject(mutated) is None


@FUZZ
@given(claims_strategy)
def test_a_token_signed_with_a_key_outside_the_ring_never_verifies(claims: ActionClaims) -> None:
    stranger = LinkKeyRing([b"fuzz-only-a-key-nobody-trusts-32-bytes!!"])
    assert _verify_or_reject(stranger.sign(claims)) is None


@FUZZ
@given(claims_strategy)
def test_a_token_from_an_older_key_still_in_the_ring_verifies(claims: ActionClaims) -> None:
    assert RING.verify(LinkKeyRing([OLD_KEY]).sign(claims), NOW) == claims


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"aud": st.just("accord-action")},
        optional=dict.fromkeys(("cid", "sub", "act", "jti", "exp"), json_values),
    )
)
@example(
    {"aud": "accord-action", "cid": "c", "sub": "a@b.c", "act": "accept", "jti": "j", "exp": "x"}
)
@example(
    {"aud": "accord-action", "cid": "c", "sub": "a@b.c", "act": "accept", "jti": "j", "exp": 1e300}
)
def test_odd_claims_under_a_valid_signature_are_rejected_not_crashed(
    payload: dict[str, object],
) -> None:
    # Only a holder of a signing key can write these; the page must still never crash.
    token = jwt.encode(payload, KEY, algorithm="HS256")
    _verify_or_reject(token)
