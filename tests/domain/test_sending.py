"""Which sending mailbox writes to whom."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.sending import sender_for

MAILBOXES = [f"accord-{n}@northwind.example" for n in range(4)]
PEOPLE = [f"person{n}@northwind.example" for n in range(2000)]


def test_a_person_always_hears_from_the_same_mailbox_whatever_the_order_or_case() -> None:
    for person in PEOPLE[:50]:
        chosen = sender_for(person, MAILBOXES)
        assert sender_for(person.upper(), list(reversed(MAILBOXES))) == chosen


def test_people_are_spread_evenly() -> None:
    counts = Counter(sender_for(person, MAILBOXES) for person in PEOPLE)
    assert set(counts) == set(MAILBOXES)
    assert all(400 <= count <= 600 for count in counts.values())


def test_a_new_mailbox_takes_people_only_for_itself() -> None:
    grown = [*MAILBOXES, "accord-4@northwind.example"]
    moved = [p for p in PEOPLE if sender_for(p, grown) != sender_for(p, MAILBOXES)]
    assert all(sender_for(p, grown) == "accord-4@northwind.example" for p in moved)
    assert 300 <= len(moved) <= 500


def test_one_mailbox_sends_everything_and_none_is_refused() -> None:
    assert sender_for(PEOPLE[0], ["accord@northwind.example"]) == "accord@northwind.example"
    with pytest.raises(ValueError, match="at least one"):
        sender_for(PEOPLE[0], [])
