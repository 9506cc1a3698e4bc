"""What a commitment needs: one rule for the workflow's index and the web app's groups."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.webapp.views import group_of
from domain.attention import ATTENTION_ORDER, Attention, attention_of, statuses_placed_in
from domain.models import CheckInAnswer, CommitmentStatus

answers = st.none() | st.sampled_from(CheckInAnswer)


@given(status=st.sampled_from(CommitmentStatus), answer=answers)
def test_the_index_and_the_page_agree(
    status: CommitmentStatus, answer: CheckInAnswer | None
) -> None:
    assert group_of(status, answer) is attention_of(status, answer)


@given(status=st.sampled_from(CommitmentStatus), answer=answers)
def test_only_an_active_commitment_with_a_worrying_answer_needs_a_hand(
    status: CommitmentStatus, answer: CheckInAnswer | None
) -> None:
    worrying = answer in (CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED)
    needs_a_hand = attention_of(status, answer) is Attention.NEEDS_A_HAND
    assert needs_a_hand == (status is CommitmentStatus.ACTIVE and worrying)


@given(status=st.sampled_from(CommitmentStatus), answer=answers)
def test_the_answer_moves_only_an_active_commitment(
    status: CommitmentStatus, answer: CheckInAnswer | None
) -> None:
    if status is not CommitmentStatus.ACTIVE:
        assert attention_of(status, answer) is attention_of(status, None)
    else:
        assert attention_of(status, answer) in (Attention.NEEDS_A_HAND, Attention.UNDER_WAY)


def test_the_order_puts_what_needs_a_hand_first_and_done_last() -> None:
    assert ATTENTION_ORDER[0] is Attention.NEEDS_A_HAND
    assert ATTENTION_ORDER[-1] is Attention.DONE
    assert len(set(ATTENTION_ORDER)) == len(Attention)


@given(status=st.sampled_from(CommitmentStatus))
def test_without_an_index_every_status_is_read_in_exactly_one_group(
    status: CommitmentStatus,
) -> None:
    placed = [group for group in ATTENTION_ORDER if status in statuses_placed_in(group)]
    assert placed == [attention_of(status, None)]
