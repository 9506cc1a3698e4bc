"""Page tokens of a list read group by group: they continue only the list they came from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.page_tokens import (
    InvalidPageTokenError,
    decode_group_page_token,
    encode_group_page_token,
)

TEAM = "WorkflowType = 'CommitmentWorkflow' AND AccordManager = 'maya@example.com'"


@given(group=st.text(min_size=1, max_size=20), inner=st.none() | st.binary(min_size=1))
def test_a_token_gives_back_its_group_and_temporals_token(group: str, inner: bytes | None) -> None:
    token = encode_group_page_token(TEAM, group, inner)
    assert decode_group_page_token(TEAM, token) == (group, inner)


def test_a_token_of_another_list_is_refused() -> None:
    token = encode_group_page_token(TEAM, "waiting", b"next")
    with pytest.raises(InvalidPageTokenError):
        decode_group_page_token(TEAM + " AND AccordOwner = 'sam@example.com'", token)


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJxIjoxfQ"])
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidPageTokenError):
        decode_group_page_token(TEAM, token)
