"""A distribution list is never an owner (issue 18): a recipient the context marks as a
group, or whose address is plainly a list's, is left out and the reading says so."""

import pytest

from domain.intake import Mailbox, Missing
from tests.support.intake_mail import CONTEXT, SAM, read

ASK = "Hi all, could you each review the travel policy by Friday?"


def test_a_group_from_the_context_is_not_an_owner() -> None:
    sales = Mailbox(address="sales@northwind.example", name="Sales")
    context = CONTEXT.model_copy(update={"groups": ["Sales@Northwind.example"]})
    reading = read(ASK, context, to=[sales])
    assert reading.owners == []
    assert reading.excluded_groups == [sales]
    assert Missing.OWNER in reading.missing
    assert any("is a group" in note for note in reading.notes)


@pytest.mark.parametrize(
    "address", ["all-staff", "everyone", "dl-sales", "engineering-team", "news", "grp.finance"]
)
def test_list_addresses_are_never_owners(address: str) -> None:
    group = Mailbox(address=f"{address}@northwind.example")
    reading = read(ASK, to=[group, SAM])
    assert [owner.address for owner in reading.owners] == [SAM.address]
    assert reading.excluded_groups == [group]
    assert all(draft.owner != group for draft in reading.drafts)


def test_people_whose_names_look_like_words_stay_owners() -> None:
    person = Mailbox(address="all.smith@northwind.example", name="Al Smith")
    reading = read(ASK, to=[person])
    # "all." is a list prefix: a person named so is asked about rather than assumed.
    assert reading.excluded_groups == [person]
    teammate = Mailbox(address="teamwork.lee@northwind.example", name="Tea Lee")
    assert read(ASK, to=[teammate]).owners == [teammate]
