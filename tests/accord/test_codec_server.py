"""The codec server: Temporal's remote codec protocol, for operators only, from the UI's origin."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from accord.keys.codec_server import create_codec_app
from api.auth import TokenValidator
from integrations.entra.keys import OpenIdSigningKeys, metadata_url
from integrations.temporal.codec import (
    ENCODING,
    KEY_ID_METADATA,
    EncryptionCodec,
    PayloadKeyRing,
    key_id_for,
)
from sandbox.server import SandboxServer, free_port
from tests.support.polling import eventually

AUDIENCE = "api://accord"
OPERATOR_ROLE = "Accord.Operator"
UI_ORIGIN = "http://127.0.0.1:8233"
REPO = Path(__file__).resolve().parents[2]
SECRET_TEXT = "Sam's father is in hospital; the budget can wait a week."


def token_for(
    sandbox: SandboxServer,
    *,
    roles: list[str],
    audience: str = AUDIENCE,
    expired: bool = False,
) -> str:
    """A user's access token for Accord, signed by the sandbox as Entra ID would sign it."""
    assert sandbox.state is not None
    claims: dict[str, Any] = {
        "oid": str(uuid.uuid4()),
        "upn": "ops.person@northwind.example",
        "name": "Ops Person",
        "roles": roles,
    }
    if expired:
        claims["exp"] = claims["nbf"] = claims["iat"] = 1_000_000
    return sandbox.state.tokens.issue(subject=claims["oid"], audience=audience, claims=claims)


def validator_for(sandbox: SandboxServer) -> TokenValidator:
    assert sandbox.state is not None
    tenant_id = sandbox.state.tenant.tenant_id
    return TokenValidator(
        OpenIdSigningKeys(metadata_url(f"{sandbox.url}/{tenant_id}")),
        audience=AUDIENCE,
        tenant_id=tenant_id,
    )


def payload_json(payload: Payload) -> dict[str, Any]:
    """A payload as the UI and CLI send it: base64 metadata values and data."""
    return {
        "metadata": {
            name: base64.b64encode(value).decode() for name, value in payload.metadata.items()
        },
        "data": base64.b64encode(payload.data).decode(),
    }


def payload_from_json(document: dict[str, Any]) -> Payload:
    return Payload(
        metadata={
            name: base64.b64decode(value) for name, value in document.get("metadata", {}).items()
        },
        data=base64.b64decode(document.get("data", "")),
    )


PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(SECRET_TEXT).encode())


@pytest.fixture
def keys() -> tuple[bytes, bytes]:
    """The current payload key and an older one still in the ring."""
    return secrets.token_bytes(32), secrets.token_bytes(32)


@pytest.fixture
async def codec_http(
    sandbox: SandboxServer, keys: tuple[bytes, bytes]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_codec_app(
        codec=EncryptionCodec(PayloadKeyRing(list(keys)), accept_plaintext=True),
        validator=validator_for(sandbox),
        namespace="default",
        operator_role=OPERATOR_ROLE,
        allowed_origins=[UI_ORIGIN],
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://codec.test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_encode_then_decode_round_trips_through_the_endpoints(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer, keys: tuple[bytes, bytes]
) -> None:
    headers = {**bearer(token_for(sandbox, roles=[OPERATOR_ROLE])), "X-Namespace": "default"}

    encoded = await codec_http.post(
        "/encode", json={"payloads": [payload_json(PLAIN)]}, headers=headers
    )
    assert encoded.status_code == 200, encoded.text
    [sealed] = encoded.json()["payloads"]
    sealed_payload = payload_from_json(sealed)
    assert sealed_payload.metadata["encoding"] == ENCODING
    assert sealed_payload.metadata[KEY_ID_METADATA] == key_id_for(keys[0]).encode()
    assert SECRET_TEXT.encode() not in sealed_payload.data

    decoded = await codec_http.post("/default/decode", json=encoded.json(), headers=headers)

    assert decoded.status_code == 200, decoded.text
    assert [payload_from_json(item) for item in decoded.json()["payloads"]] == [PLAIN]


async def test_a_payload_encrypted_with_an_older_key_in_the_ring_decodes(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer, keys: tuple[bytes, bytes]
) -> None:
    [old] = await EncryptionCodec(PayloadKeyRing([keys[1]])).encode([PLAIN])
    unencrypted = Payload(metadata={"encoding": b"binary/null"})

    response = await codec_http.post(
        "/decode",
        json={"payloads": [payload_json(old), payload_json(unencrypted)]},
        headers=bearer(token_for(sandbox, roles=[OPERATOR_ROLE])),
    )

    assert response.status_code == 200, response.text
    assert [payload_from_json(item) for item in response.json()["payloads"]] == [
        PLAIN,
        unencrypted,
    ]


async def test_a_payload_from_a_key_no_longer_held_is_a_clear_422(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    [retired] = await EncryptionCodec(PayloadKeyRing([secrets.token_bytes(32)])).encode([PLAIN])

    response = await codec_http.post(
        "/decode",
        json={"payloads": [payload_json(retired)]},
        headers=bearer(token_for(sandbox, roles=[OPERATOR_ROLE])),
    )

    assert response.status_code == 422
    assert "does not hold" in response.json()["detail"]
    assert SECRET_TEXT not in response.text


async def test_without_a_token_the_answer_is_401_with_a_challenge(
    codec_http: httpx.AsyncClient,
) -> None:
    response = await codec_http.post("/decode", json={"payloads": []})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("fault", ["garbage", "foreign_key", "expired", "wrong_audience"])
async def test_a_bad_token_is_401(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer, fault: str
) -> None:
    if fault == "garbage":
        token = "not-a-token"
    elif fault == "foreign_key":
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert sandbox.state is not None
        token = jwt.encode(
            jwt.decode(
                token_for(sandbox, roles=[OPERATOR_ROLE]), options={"verify_signature": False}
            ),
            stranger,
            algorithm="RS256",
            headers={"kid": sandbox.state.tokens.key_id},
        )
    elif fault == "expired":
        token = token_for(sandbox, roles=[OPERATOR_ROLE], expired=True)
    else:
        token = token_for(sandbox, roles=[OPERATOR_ROLE], audience="api://someone-else")

    response = await codec_http.post("/decode", json={"payloads": []}, headers=bearer(token))

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert token not in response.text


async def test_a_signed_in_person_without_the_operator_role_is_403(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    [sealed] = await EncryptionCodec(PayloadKeyRing([secrets.token_bytes(32)])).encode([PLAIN])
    for path in ("/decode", "/encode", "/default/decode"):
        response = await codec_http.post(
            path,
            json={"payloads": [payload_json(sealed)]},
            headers=bearer(token_for(sandbox, roles=["Accord.Admin"])),
        )
        assert response.status_code == 403, path


async def test_another_namespace_and_a_malformed_body_are_clear_4xx(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    headers = bearer(token_for(sandbox, roles=[OPERATOR_ROLE]))

    other = await codec_http.post("/elsewhere/decode", json={"payloads": []}, headers=headers)
    header = await codec_http.post(
        "/decode", json={"payloads": []}, headers={**headers, "X-Namespace": "elsewhere"}
    )
    malformed = [
        await codec_http.post("/decode", content=body, headers=headers)
        for body in (b"not json", b'{"payloads": "nope"}', b'{"unknown": []}', b"\xff\xfe")
    ]

    assert other.status_code == header.status_code == 404
    assert [response.status_code for response in malformed] == [400] * len(malformed)


async def test_cors_preflight_from_the_ui_origin_is_allowed(codec_http: httpx.AsyncClient) -> None:
    response = await codec_http.options(
        "/default/decode",
        headers={
            "Origin": UI_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-namespace, authorization, content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == UI_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"x-namespace", "authorization", "content-type"} <= {
        name.strip() for name in allowed.split(",")
    }


async def test_cors_preflight_and_requests_from_another_origin_are_refused(
    codec_http: httpx.AsyncClient, sandbox: SandboxServer
) -> None:
    preflight = await codec_http.options(
        "/decode",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    request = await codec_http.post(
        "/decode",
        json={"payloads": []},
        headers={
            **bearer(token_for(sandbox, roles=[OPERATOR_ROLE])),
            "Origin": "https://evil.example",
        },
    )

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    # The browser withholds the answer from the page: no CORS header names its origin.
    assert "access-control-allow-origin" not in request.headers


# --- The temporal CLI through a real `accord codec-server` ---------------------------------


@pytest.mark.e2e
async def test_the_temporal_cli_shows_decrypted_history_through_accord_codec_server(
    dev_server: WorkflowEnvironment,
    sandbox: SandboxServer,
    payload_key: bytes,
    task_queue: str,
    tmp_path: Path,
) -> None:
    assert sandbox.state is not None
    client = dev_server.client
    # Nothing runs this workflow: its start event alone carries the encrypted input.
    handle = await client.start_workflow(
        "NobodyRunsThis", SECRET_TEXT, id=f"codec-{uuid.uuid4()}", task_queue=task_queue
    )
    port = free_port()
    env = {
        **os.environ,
        "ACCORD_PAYLOAD_KEYS": json.dumps([base64.b64encode(payload_key).decode()]),
        "ACCORD_SANDBOX_HOST": sandbox.host,
        "ACCORD_SANDBOX_PORT": str(sandbox.port),
        "ACCORD_AUTH_AUDIENCE": AUDIENCE,
        "ACCORD_CODEC_SERVER_PORT": str(port),
        "ACCORD_DATA_DIR": str(tmp_path / "accord"),
        "ACCORD_LOG_FORMAT": "json",
    }
    log_file = tmp_path / "codec.log"
    with log_file.open("wb") as log:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "accord.cli.main", "codec-server", cwd=REPO, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )  # fmt: skip
    codec_url = f"http://127.0.0.1:{port}"

    async def show(*codec: str) -> str:
        cli = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "temporal"), "workflow", "show",
            "--workflow-id", handle.id, "--address", client.service_client.config.target_host,
            "--output", "json", *codec,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(cli.communicate(), timeout=30)
        return out.decode()

    try:
        async with httpx.AsyncClient() as http:
            await eventually(lambda: http.get(f"{codec_url}/healthz"), timeout=30)
        operator = token_for(sandbox, roles=[OPERATOR_ROLE])
        without = await show()
        with_codec = await show("--codec-endpoint", codec_url, "--codec-auth", f"Bearer {operator}")
        refused = await show(
            "--codec-endpoint", codec_url, "--codec-auth", f"Bearer {token_for(sandbox, roles=[])}"
        )
    except BaseException as failure:
        failure.add_note("codec server log:\n" + log_file.read_text(errors="replace"))
        raise
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), timeout=30)
        await handle.terminate("test over")

    def shows_secret(output: str) -> bool:
        return (
            SECRET_TEXT in output
            or base64.b64encode(json.dumps(SECRET_TEXT).encode()).decode() in output
        )

    assert not shows_secret(without)
    assert "binary/encrypted" in without or base64.b64encode(ENCODING).decode() in without
    assert shows_secret(with_codec), with_codec
    assert not shows_secret(refused)
    logs = log_file.read_text(errors="replace")
    assert "codec_decode" in logs
    assert SECRET_TEXT not in logs
