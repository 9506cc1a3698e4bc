"""Payload encryption: round trips, key rotation, clear failures, and nothing left in the clear."""

from __future__ import annotations

import base64
import secrets
import stat
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.client import WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from accord.keys.secrets import KeyFileError, link_key_ring, local_key, payload_key_ring
from accord.settings import AccordSettings
from integrations.temporal.codec import (
    ENCODING,
    KEY_ID_METADATA,
    REFUSED_ENCODING,
    REFUSED_FROM_METADATA,
    EncryptionCodec,
    PayloadDecryptionError,
    PayloadKeyRing,
    key_id_for,
)
from integrations.temporal.converter import (
    UNENCRYPTED_FAILURE_TYPE,
    build_data_converter,
    shared_type_adapter,
)

SECRET_TEXT = "Sam is struggling with the budget after his father's surgery"


class SharedAdapterProbe(BaseModel):
    """A payload type only the shared-adapter test converts, so its cache entry is new."""

    title: str


class Note(BaseModel):
    author: str
    text: str


def _key() -> bytes:
    return secrets.token_bytes(32)


def _payload(text: str = SECRET_TEXT) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_payloads_round_trip_and_are_tagged_with_the_key_id() -> None:
    key = _key()
    codec = EncryptionCodec(PayloadKeyRing([key]))
    original = [_payload(), _payload("second")]

    encoded = await codec.encode(original)

    assert [p.metadata["encoding"] for p in encoded] == [ENCODING, ENCODING]
    assert {p.metadata[KEY_ID_METADATA].decode() for p in encoded} == {key_id_for(key)}
    assert await codec.decode(encoded) == original


async def test_ciphertext_holds_no_plaintext_not_even_the_inner_encoding() -> None:
    codec = EncryptionCodec(PayloadKeyRing([_key()]))

    [encoded] = await codec.encode([_payload()])

    wire = encoded.SerializeToString()
    assert SECRET_TEXT.encode() not in wire
    assert b"Sam" not in wire
    assert b"json/plain" not in wire


async def test_the_same_payload_encrypts_differently_each_time() -> None:
    codec = EncryptionCodec(PayloadKeyRing([_key()]))

    first, second = await codec.encode([_payload(), _payload()])

    assert first.data != second.data


async def test_data_encrypted_with_an_old_key_decrypts_after_a_new_key_is_added() -> None:
    old, new = _key(), _key()
    [written_before] = await EncryptionCodec(PayloadKeyRing([old])).encode([_payload()])

    rotated = EncryptionCodec(PayloadKeyRing([new, old]))
    [written_after] = await rotated.encode([_payload("after rotation")])

    assert await rotated.decode([written_before]) == [_payload()]
    assert written_after.metadata[KEY_ID_METADATA].decode() == key_id_for(new)
    assert await rotated.decode([written_after]) == [_payload("after rotation")]


async def test_a_payload_whose_key_was_dropped_fails_clearly() -> None:
    old, new = _key(), _key()
    [encoded] = await EncryptionCodec(PayloadKeyRing([old])).encode([_payload()])

    with pytest.raises(PayloadDecryptionError) as failure:
        await EncryptionCodec(PayloadKeyRing([new])).decode([encoded])

    message = str(failure.value)
    assert key_id_for(old) in message
    assert "does not hold" in message
    assert SECRET_TEXT not in message


async def test_altered_ciphertext_or_relabelled_key_is_refused() -> None:
    first, second = _key(), _key()
    ring = PayloadKeyRing([first, second])
    [encoded] = await EncryptionCodec(ring).encode([_payload()])
    flipped = bytearray(encoded.data)
    flipped[-1] ^= 1
    altered = Payload(metadata=dict(encoded.metadata), data=bytes(flipped))
    relabelled = Payload(
        metadata={**encoded.metadata, KEY_ID_METADATA: key_id_for(second).encode()},
        data=encoded.data,
    )

    for bad in (altered, relabelled):
        with pytest.raises(PayloadDecryptionError, match="altered"):
            await EncryptionCodec(ring).decode([bad])


async def test_unencrypted_payloads_are_refused_and_their_data_dropped() -> None:
    codec = EncryptionCodec(PayloadKeyRing([_key()]))

    [refused] = await codec.decode([_payload()])

    assert refused.metadata["encoding"] == REFUSED_ENCODING
    assert refused.metadata[REFUSED_FROM_METADATA] == b"json/plain"
    assert not refused.data


async def test_a_plaintext_payload_does_not_convert_to_a_value() -> None:
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([_key()])))

    with pytest.raises(ApplicationError, match="unencrypted payload") as caught:
        _ = await converter.decode([_payload()], [Note])

    assert caught.value.type == UNENCRYPTED_FAILURE_TYPE
    assert caught.value.non_retryable
    assert SECRET_TEXT not in str(caught.value)


async def test_only_a_read_only_viewer_lets_plaintext_through() -> None:
    codec = EncryptionCodec(PayloadKeyRing([_key()]), accept_plaintext=True)

    assert await codec.decode([_payload()]) == [_payload()]


def test_the_key_ring_refuses_wrong_sized_or_missing_keys() -> None:
    with pytest.raises(ValueError, match="at least one"):
        PayloadKeyRing([])
    with pytest.raises(ValueError, match="32 bytes"):
        PayloadKeyRing([b"short"])


async def test_the_data_converter_round_trips_pydantic_models_encrypted() -> None:
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([_key()])))
    note = Note(author="sam.okafor@northwind.example", text=SECRET_TEXT)

    [payload] = await converter.encode([note])

    assert SECRET_TEXT.encode() not in payload.SerializeToString()
    assert await converter.decode([payload], [Note]) == [note]


async def test_failure_messages_and_stack_traces_are_encrypted() -> None:
    converter = build_data_converter(EncryptionCodec(PayloadKeyRing([_key()])))
    try:
        raise ApplicationError(SECRET_TEXT, type="InvalidAction")
    except ApplicationError as raised:
        error = raised
    failure = Failure()

    await converter.encode_failure(error, failure)

    assert SECRET_TEXT.encode() not in failure.SerializeToString()
    assert "test_codec" not in failure.stack_trace
    decoded = await converter.decode_failure(failure)
    assert isinstance(decoded, ApplicationError)
    assert decoded.message == SECRET_TEXT
    assert decoded.type == "InvalidAction"


# --- Through a Temporal server: what the history stores ------------------------------------


@activity.defn
async def refuse(note: Note) -> None:
    raise ApplicationError(f"cannot file: {note.text}", non_retryable=True)


@workflow.defn(sandboxed=False)
class FilesANote:
    @workflow.run
    async def run(self, note: Note) -> None:
        await workflow.execute_activity(
            refuse,
            note,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=1),
        )


async def test_the_history_holds_neither_inputs_nor_failure_messages(
    temporal_env: WorkflowEnvironment, task_queue: str
) -> None:
    client = temporal_env.client
    # Unsandboxed: the workflow lives in this test module, which the sandbox cannot re-import.
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[FilesANote],
        activities=[refuse],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await client.start_workflow(
            FilesANote.run,
            Note(author="maya.chen@northwind.example", text=SECRET_TEXT),
            id=f"codec-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()

    cause = failed.value.cause
    assert isinstance(cause, ActivityError)
    assert isinstance(cause.cause, ApplicationError)
    assert cause.cause.message == f"cannot file: {SECRET_TEXT}"
    history = await handle.fetch_history()
    stored = history.to_json()
    assert SECRET_TEXT not in stored
    assert "cannot file" not in stored
    assert "Encoded failure" in stored


# --- Keys from settings, or generated once under data_dir ----------------------------------


def test_a_local_key_is_generated_once_private_and_kept(tmp_path: Path) -> None:
    first = local_key(tmp_path, "payload.key")
    second = local_key(tmp_path, "payload.key")

    assert first == second
    assert len(first) == 32
    key_file = tmp_path / "keys" / "payload.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700


def test_processes_racing_for_the_local_key_all_get_the_same_one(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: local_key(tmp_path, "race.key"), range(32)))

    assert len(keys) == 1
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["race.key"]


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    local_key(tmp_path, "payload.key")
    (tmp_path / "keys" / "payload.key").chmod(0o644)

    with pytest.raises(KeyFileError, match="chmod 600"):
        local_key(tmp_path, "payload.key")


async def test_payload_keys_from_settings_rotate(tmp_path: Path) -> None:
    old, new = _key(), _key()
    encoded_old = SecretStr(base64.b64encode(old).decode())
    before = AccordSettings(data_dir=tmp_path, payload_keys=[encoded_old])
    after = AccordSettings(
        data_dir=tmp_path, payload_keys=[SecretStr(base64.b64encode(new).decode()), encoded_old]
    )
    [written] = await EncryptionCodec(payload_key_ring(before)).encode([_payload()])

    ring = payload_key_ring(after)

    assert ring.key_ids == [key_id_for(new), key_id_for(old)]
    assert await EncryptionCodec(ring).decode([written]) == [_payload()]
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("value", "problem"),
    [("not base64!", "not base64"), (base64.b64encode(b"too short").decode(), "9 bytes")],
)
def test_bad_payload_key_settings_are_named(tmp_path: Path, value: str, problem: str) -> None:
    settings = AccordSettings(data_dir=tmp_path, payload_keys=[SecretStr(value)])

    with pytest.raises(KeyFileError, match=f"ACCORD_PAYLOAD_KEYS: key 1 .*{problem}"):
        payload_key_ring(settings)


def test_without_settings_both_rings_use_distinct_local_keys(tmp_path: Path) -> None:
    settings = AccordSettings(data_dir=tmp_path)

    payload_ring = payload_key_ring(settings)
    link_ring = link_key_ring(settings)

    assert payload_ring.key_ids == payload_key_ring(settings).key_ids
    assert link_ring is not None
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == ["link.key", "payload.key"]
    assert local_key(tmp_path, "link.key") != local_key(tmp_path, "payload.key")


def test_every_workflows_converter_shares_one_type_adapter_per_type() -> None:
    # The worker builds a payload converter for each workflow it holds; each used to build
    # and keep its own type adapters (about 8 KiB a cached commitment).
    data_converter = build_data_converter(None)
    first, second = (data_converter._new_payload_converter() for _ in range(2))
    payloads = first.to_payloads([SharedAdapterProbe(title="Budget")])
    before = shared_type_adapter.cache_info()

    values = [
        converter.from_payloads(payloads, [SharedAdapterProbe]) for converter in (first, second)
    ]

    after = shared_type_adapter.cache_info()
    assert values == [[SharedAdapterProbe(title="Budget")]] * 2
    assert after.currsize - before.currsize == 1
    assert after.hits - before.hits == 1
