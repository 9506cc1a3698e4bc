"""Sign-in and authorization: tokens are checked on every JSON request, and people see theirs."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from accord.settings import AccordSettings
from accord.wiring.auth import validator_from_settings
from api.auth import (
    AuthContext,
    AuthenticationError,
    Principal,
    TokenValidator,
    can_view_person,
)
from api.openapi_file import openapi_document
from integrations.entra.keys import OpenIdSigningKeys
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID, user_id_for
from tests.support.api import PROBLEM_JSON, FakeDirectory, commitment
from tests.support.api_tokens import AUDIENCE, ISSUER, TENANT_ID, FakeEntra, new_key
from tests.support.people import ADMIN, ELENA, JUN, MANAGER, OMAR, PRIYA, SAM

API_SCOPE = "api://accord/access_as_user"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthenticated(response: httpx.Response, *, token: str | None = None) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/unauthenticated"
    assert response.headers["www-authenticate"].startswith('Bearer realm="accord"')
    if token is not None:
        assert 'error="invalid_token"' in response.headers["www-authenticate"]
        assert token not in response.text


# --- tokens ---------------------------------------------------------------------------------


async def test_a_request_without_a_token_is_401(http: httpx.AsyncClient) -> None:
    del http.headers["Authorization"]

    for response in (
        await http.get("/commitments"),
        await http.get("/commitments/anything"),
        await http.post("/commitments", json=commitment()),
        await http.post("/commitments/anything/accept"),
    ):
        assert_unauthenticated(response)
        assert response.headers["www-authenticate"] == 'Bearer realm="accord"'


async def test_a_token_with_another_scheme_is_401(http: httpx.AsyncClient) -> None:
    response = await http.get("/commitments", headers={"Authorization": "Basic bWF5YTpwdw=="})

    assert_unauthenticated(response)


def _hs256_token() -> str:
    return jwt.encode({"upn": MANAGER}, "a shared secret of enough length", algorithm="HS256")


HOUR = 3600


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("expired", lambda e: e.token(MANAGER, exp=int(time.time()) - 2 * 60), "expired"),
        ("not yet valid", lambda e: e.token(MANAGER, nbf=int(time.time()) + HOUR), "not_yet_valid"),
        (
            "wrong audience",
            lambda e: e.token(MANAGER, aud="https://graph.microsoft.com"),
            "audience",
        ),
        ("wrong issuer", lambda e: e.token(MANAGER, iss="https://evil.example/v2.0"), "issuer"),
        ("other tenant", lambda e: e.token(MANAGER, tid=str(uuid.uuid4())), "tenant"),
        ("wrongly signed", lambda e: e.token(MANAGER, key=new_key()), "signature"),
        ("unknown key", lambda e: e.token(MANAGER, key_id="rotated-away"), "unknown_key"),
        ("no expiry", lambda e: e.token(MANAGER, exp=None), "missing_claim"),
        ("app-only", lambda e: e.token(MANAGER, upn=None, preferred_username=None), "not_a_person"),
        ("no object id", lambda e: e.token(MANAGER, oid=None), "missing_claim"),
        ("HS256", lambda _e: _hs256_token(), "algorithm"),
        ("malformed", lambda _e: "not.a.token", "malformed"),
    ],
)
async def test_bad_tokens_are_401_and_never_echoed_or_logged(
    http: httpx.AsyncClient, entra: FakeEntra, name: str, make: Any, reason: str
) -> None:
    token = make(entra)

    with capture_logs() as logs:
        response = await http.get("/commitments/some-id", headers=bearer(token))

    assert_unauthenticated(response, token=token)
    [rejected] = [entry for entry in logs if entry["event"] == "token_rejected"]
    assert rejected["reason"] == reason, name
    assert token not in repr(logs)


def _with_claims(entra: FakeEntra, person: str, **changes: Any) -> str:
    # `FakeEntra.token` takes the person as `email`, so the `email` claim is set here.
    claims = entra.claims(person)
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, entra.key, algorithm="RS256", headers={"kid": entra.key_id})


async def test_the_unverified_email_claim_never_names_the_person(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    # Entra does not verify `email`: a token naming someone only there is not that person.
    only_email = _with_claims(entra, JUN, upn=None, preferred_username=None, email=MANAGER)
    with capture_logs() as logs:
        response = await http.get("/commitments", headers=bearer(only_email))

    assert_unauthenticated(response, token=only_email)
    [rejected] = [entry for entry in logs if entry["event"] == "token_rejected"]
    assert rejected["reason"] == "not_a_person"


async def test_the_upn_wins_over_an_email_claim_naming_someone_else(entra: FakeEntra) -> None:
    principal = await entra.validator().validate(_with_claims(entra, JUN, email=MANAGER))

    assert principal.email == JUN


async def test_preferred_username_names_the_person_without_a_upn(entra: FakeEntra) -> None:
    principal = await entra.validator().validate(_with_claims(entra, JUN, upn=None, email=MANAGER))

    assert principal.email == JUN


async def test_a_token_within_the_clock_skew_leeway_is_accepted(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    token = entra.token(MANAGER, exp=int(time.time()) - 20)

    response = await http.get("/commitments?page_size=1", headers=bearer(token))

    assert response.status_code != 401, response.text


async def test_health_and_action_links_need_no_token(http: httpx.AsyncClient) -> None:
    del http.headers["Authorization"]

    assert (await http.get("/healthz")).status_code == 200
    # A forged link gets the link's own "not valid" page, not a sign-in problem.
    assert (await http.get("/a/forged")).status_code == 400


# --- who sees what -----------------------------------------------------------------------


async def _create_for(http: httpx.AsyncClient, entra: FakeEntra, manager: str, owner: str) -> str:
    response = await http.post(
        "/commitments",
        json=commitment(owner=owner, manager=None),
        headers=entra.headers(manager),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["commitment_id"])


async def test_people_see_their_own_their_reports_and_admins_everything(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    sams = await _create_for(http, entra, MANAGER, SAM)
    elenas = await _create_for(http, entra, OMAR, ELENA)

    async def status(person: str, commitment_id: str, *, roles: tuple[str, ...] = ()) -> int:
        response = await http.get(
            f"/commitments/{commitment_id}", headers=entra.headers(person, roles=roles)
        )
        return response.status_code

    assert await status(SAM, sams) == 200  # the owner
    assert await status(MANAGER, sams) == 200  # the owner's manager
    assert await status(OMAR, sams) == 404  # another team's manager
    assert await status(PRIYA, sams) == 404  # a colleague
    assert await status(SAM, elenas) == 404
    assert await status(JUN, elenas) == 404
    assert await status(OMAR, elenas) == 200
    assert await status(ADMIN, sams) == 404  # no admin role in this token...
    assert await status(ADMIN, sams, roles=("Accord.Admin",)) == 200  # ...and with it
    assert await status(ADMIN, elenas, roles=("Accord.Admin",)) == 200


async def test_another_managers_report_cannot_be_acted_on_and_nothing_is_revealed(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    elenas = await _create_for(http, entra, OMAR, ELENA)

    released = await http.post(f"/commitments/{elenas}/release", json={})  # as Maya
    accepted = await http.post(f"/commitments/{elenas}/accept", headers=entra.headers(SAM))
    missing = await http.post("/commitments/no-such-one/release", json={})

    assert released.status_code == accepted.status_code == missing.status_code == 404
    assert released.json()["detail"] == f"There is no commitment with id {elenas!r}."
    assert {key: value for key, value in missing.json().items() if key != "detail"} == {
        key: value for key, value in released.json().items() if key != "detail"
    }
    still = await http.get(f"/commitments/{elenas}", headers=entra.headers(OMAR))
    assert still.json()["status"] == "awaiting_acceptance"


async def test_an_admin_sees_but_only_the_owner_and_manager_act(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    sams = await _create_for(http, entra, MANAGER, SAM)

    response = await http.post(
        f"/commitments/{sams}/release",
        json={},
        headers=entra.headers(ADMIN, roles=("Accord.Admin",)),
    )

    # The policy refuses it before the commitment hears of it (domain/authorization.py).
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/not-allowed"


async def test_only_admins_set_expectations_on_someone_elses_behalf(
    http: httpx.AsyncClient, entra: FakeEntra
) -> None:
    as_maya = await http.post("/commitments", json=commitment(owner=ELENA, manager=OMAR))
    as_admin = await http.post(
        "/commitments",
        json=commitment(owner=ELENA, manager=OMAR),
        headers=entra.headers(ADMIN, roles=("Accord.Admin",)),
    )
    unknown_manager = await http.post(
        "/commitments",
        json=commitment(manager="nobody@northwind.example"),
        headers=entra.headers(ADMIN, roles=("Accord.Admin",)),
    )

    assert as_maya.status_code == 403
    assert as_maya.headers["content-type"] == PROBLEM_JSON
    assert as_maya.json()["type"] == "/problems/forbidden"
    assert as_admin.status_code == 201, as_admin.text
    assert as_admin.json()["manager"]["email"] == OMAR
    assert unknown_manager.status_code == 422
    assert unknown_manager.json()["errors"][0]["field"] == "manager"


async def test_the_signed_in_person_is_the_manager_and_not_also_the_owner(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/commitments", json=commitment(owner=MANAGER, manager=None))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner"


def _principal(email: str, *, admin: bool = False) -> Principal:
    return Principal(
        object_id=str(uuid.uuid4()),
        email=email,
        display_name=email,
        tenant_id=TENANT_ID,
        is_admin=admin,
    )


async def test_access_follows_the_whole_manager_chain_and_survives_cycles() -> None:
    directory = FakeDirectory()
    directory.managers.update({MANAGER: "ceo@northwind.example", OMAR: ELENA})

    assert await can_view_person(_principal("ceo@northwind.example"), SAM, directory)
    assert await can_view_person(_principal(MANAGER), SAM.upper(), directory)
    assert not await can_view_person(_principal(SAM), MANAGER, directory)
    # Omar manages Elena and, in this broken directory, Elena manages Omar.
    assert not await can_view_person(_principal(SAM), JUN, directory)
    assert await can_view_person(_principal(SAM, admin=True), JUN, directory)


# --- keys from OpenID metadata ------------------------------------------------------------


class _FakeProvider:
    """OpenID metadata and keys over httpx's mock transport, counting key fetches."""

    def __init__(self, entra: FakeEntra) -> None:
        self.jwks = entra.jwks()
        self.key_fetches = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(
                200, json={"issuer": ISSUER, "jwks_uri": "https://login.test/keys"}
            )
        self.key_fetches += 1
        return httpx.Response(200, json=self.jwks)


async def test_keys_are_fetched_again_for_an_unknown_key_id_but_not_in_a_flood() -> None:
    old, new = FakeEntra(), FakeEntra(key_id="test-key-2")
    provider = _FakeProvider(old)
    now = [0.0]
    keys = OpenIdSigningKeys(
        "https://login.test/tenant/v2.0/.well-known/openid-configuration",
        refresh_interval=60,
        monotonic=lambda: now[0],
        transport=httpx.MockTransport(provider.handle),
    )
    validator = TokenValidator(keys, audience=AUDIENCE, tenant_id=TENANT_ID)

    assert (await validator.validate(old.token(SAM))).email == SAM
    assert (await validator.validate(old.token(SAM))).email == SAM
    assert provider.key_fetches == 1

    provider.jwks = {"keys": [*old.jwks()["keys"], *new.jwks()["keys"]]}  # the key rotates in
    now[0] = 30.0
    with pytest.raises(AuthenticationError, match="signing key is unknown"):
        await validator.validate(new.token(SAM))  # too soon after the last fetch
    now[0] = 61.0
    assert (await validator.validate(new.token(SAM))).email == SAM
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="signing key is unknown"):
            await validator.validate(new.token(SAM, key_id=f"made-up-{_}"))
    assert provider.key_fetches == 2


async def test_an_unreachable_identity_provider_is_503(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    broken = TokenValidator(
        OpenIdSigningKeys(
            "https://login.test/t/v2.0/.well-known/openid-configuration",
            transport=httpx.MockTransport(refuse),
        ),
        audience=AUDIENCE,
        tenant_id=TENANT_ID,
    )
    app.state.accord_auth = AuthContext(validator=broken, org=FakeDirectory())

    response = await http.get("/commitments")

    assert response.status_code == 503
    assert response.json()["type"] == "/problems/unavailable"


# --- the sandbox as the identity provider --------------------------------------------------


def _sandbox_settings(sandbox: SandboxServer) -> AccordSettings:
    return AccordSettings(
        sandbox_host=sandbox.host, sandbox_port=sandbox.port, auth_audience="api://accord"
    )


async def _password_token(sandbox: SandboxServer, upn: str, scope: str = API_SCOPE) -> str:
    assert sandbox.state is not None
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        response = await client.post(
            f"/{sandbox.state.tenant.tenant_id}/oauth2/v2.0/token",
            data={
                "grant_type": "password",
                "client_id": DEMO_CLIENT_ID,
                "username": upn,
                "password": "any",  # the sandbox keeps no passwords
                "scope": scope,
            },
        )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def test_sandbox_tokens_pass_the_production_validator(sandbox: SandboxServer) -> None:
    validator = validator_from_settings(_sandbox_settings(sandbox))

    sam = await validator.validate(await _password_token(sandbox, SAM))
    admin = await validator.validate(await _password_token(sandbox, ADMIN))

    assert sam.email == SAM
    assert sam.object_id == user_id_for(SAM)
    assert sam.display_name == "Sam Okafor"
    assert not sam.is_admin
    assert admin.is_admin
    assert admin.roles == ("Accord.Admin",)
    graph_token = await _password_token(sandbox, SAM, "https://graph.microsoft.com/.default")
    with pytest.raises(AuthenticationError, match="not for Accord"):
        await validator.validate(graph_token)


async def test_the_sandbox_device_code_flow(sandbox: SandboxServer) -> None:
    assert sandbox.state is not None
    tenant = sandbox.state.tenant.tenant_id
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        started = (
            await client.post(
                f"/{tenant}/oauth2/v2.0/devicecode",
                data={"client_id": DEMO_CLIENT_ID, "scope": API_SCOPE},
            )
        ).json()
        poll = {
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": DEMO_CLIENT_ID,
            "device_code": started["device_code"],
        }
        pending = await client.post(f"/{tenant}/oauth2/v2.0/token", data=poll)
        page = await client.get("/devicelogin")
        wrong = await client.post("/devicelogin", data={"user_code": "NOPE", "upn": SAM})
        approved = await client.post(
            "/devicelogin", data={"user_code": started["user_code"], "upn": SAM}
        )
        redeemed = await client.post(f"/{tenant}/oauth2/v2.0/token", data=poll)
        again = await client.post(f"/{tenant}/oauth2/v2.0/token", data=poll)

    assert started["verification_uri"] == f"{sandbox.url}/devicelogin"
    assert started["user_code"] in started["message"]
    assert pending.json()["error"] == "authorization_pending"
    assert "Sam Okafor" in page.text
    assert "not valid" in wrong.text
    assert "Signed in as Sam Okafor" in approved.text
    token = redeemed.json()["access_token"]
    principal = await validator_from_settings(_sandbox_settings(sandbox)).validate(token)
    assert principal.email == SAM
    assert again.json()["error"] == "expired_token"


async def test_every_commitment_operation_refuses_a_request_without_a_token(
    http: httpx.AsyncClient,
) -> None:
    del http.headers["Authorization"]
    paths = openapi_document()["paths"]
    operations = [
        (method.upper(), path.replace("{commitment_id}", "some-id"))
        for path, item in paths.items()
        if path.startswith("/commitments")
        for method in item
    ]

    for method, path in operations:
        response = await http.request(method, path, json={})
        assert_unauthenticated(response)
    assert len(operations) == 15
