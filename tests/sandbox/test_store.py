"""The sandbox's document store: reading one folder or conversation by its index."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.store import Store

FOLDERS = ["inbox", "sentitems", "archive"]
CONVERSATIONS = ["c1", "c2", "c3"]

documents = st.lists(
    st.fixed_dictionaries(
        {"parentFolderId": st.sampled_from(FOLDERS)},
        optional={"conversationId": st.sampled_from(CONVERSATIONS)},
    ),
    max_size=12,
)


@given(documents, st.sets(st.integers(min_value=0, max_value=11)))
@settings(max_examples=60, deadline=None)
def test_a_filtered_list_is_the_whole_list_filtered(
    written: list[dict[str, Any]], deleted: set[int]
) -> None:
    store = Store(None)
    for number, document in enumerate(written):
        store.put("messages", "sam", f"m{number}", document)
        store.put("messages", "maya", f"m{number}", {**document, "parentFolderId": "other"})
    for number in deleted:
        store.delete("messages", "sam", f"m{number}")
    everything = store.list("messages", "sam")
    for folder in FOLDERS:
        assert store.list("messages", "sam", where={"parentFolderId": folder}) == [
            item for item in everything if item["parentFolderId"] == folder
        ]
    for conversation in CONVERSATIONS:
        assert store.list(
            "messages", "sam", where={"conversationId": conversation, "parentFolderId": "inbox"}
        ) == [
            item
            for item in everything
            if item.get("conversationId") == conversation and item["parentFolderId"] == "inbox"
        ]


@pytest.mark.parametrize(
    ("field", "index"),
    [("parentFolderId", "documents_by_folder"), ("conversationId", "documents_by_conversation")],
)
def test_a_folder_or_conversation_is_read_through_its_index(field: str, index: str) -> None:
    plan = Store(None).plan("messages", "sam", where={field: "x"})
    assert f"USING INDEX {index}" in plan


def test_a_field_that_is_not_a_plain_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a field name"):
        Store(None).list("messages", "sam", where={"a') = 1 OR ('1": "x"})
