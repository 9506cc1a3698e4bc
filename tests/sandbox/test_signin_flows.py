"""The sandbox as Entra ID for a browser (authorization code with PKCE) and as Teams (SSO)."""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt

from sandbox.authorize import s256
from sandbox.server import SandboxServer
from sandbox.tenant import DEMO_CLIENT_ID, user_id_for
from tests.support.people import MANAGER

REDIRECT = "http://127.0.0.1:9/app/signin"
APP_ORIGIN = "http://127.0.0.1:9"


def _tenant(sandbox: SandboxServer) -> str:
    assert sandbox.state is not None
    return sandbox.state.tenant.tenant_id


async def _code(
    client: httpx.AsyncClient, tenant: str, verifier: str, *, mode: str = "fragment"
) -> dict[str, list[str]]:
    asked = {
        "client_id": DEMO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "api://accord/access_as_user openid profile offline_access",
        "state": "/app/team",
        "nonce": "n-0S6",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        "response_mode": mode,
    }
    page = await client.get(f"/{tenant}/oauth2/v2.0/authorize", params=asked)
    assert page.status_code == 200, page.text
    # The page may post its form here and be sent on to the app.
    assert f"form-action 'self' {APP_ORIGIN}" in page.headers["content-security-policy"]
    assert "Maya Chen" in page.text
    form = {key: value for key, value in asked.items() if key != "response_type"}
    signed_in = await client.post(f"/{tenant}/oauth2/v2.0/authorize", data={**form, "upn": MANAGER})
    assert signed_in.status_code == 303
    location = signed_in.headers["location"]
    assert location.startswith(REDIRECT + ("#" if mode == "fragment" else "?"))
    parts = urlsplit(location)
    return parse_qs(parts.fragment if mode == "fragment" else parts.query)


def _redeem(code: str, verifier: str, redirect: str = REDIRECT) -> dict[str, str]:
    return {
        "grant_type": "authorization_code",
        "client_id": DEMO_CLIENT_ID,
        "code": code,
        "redirect_uri": redirect,
        "code_verifier": verifier,
        "scope": "api://accord/access_as_user openid profile offline_access",
    }


async def test_a_code_with_its_verifier_gives_the_persons_tokens_once(
    sandbox: SandboxServer,
) -> None:
    tenant = _tenant(sandbox)
    verifier = secrets.token_urlsafe(48)
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        answer = await _code(client, tenant, verifier)
        assert answer["state"] == ["/app/team"]
        info = json.loads(base64.urlsafe_b64decode(answer["client_info"][0] + "=="))
        assert info == {"uid": user_id_for(MANAGER), "utid": tenant}
        token_url = f"/{tenant}/oauth2/v2.0/token"
        preflight = await client.options(
            token_url,
            headers={
                "Origin": APP_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-anchormailbox",
            },
        )
        redeemed = await client.post(
            token_url, data=_redeem(answer["code"][0], verifier), headers={"Origin": APP_ORIGIN}
        )
        again = await client.post(
            token_url, data=_redeem(answer["code"][0], verifier), headers={"Origin": APP_ORIGIN}
        )

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "X-AnchorMailbox" in preflight.headers["access-control-allow-headers"]
    assert redeemed.status_code == 200, redeemed.text
    assert redeemed.headers["access-control-allow-origin"] == APP_ORIGIN
    body = redeemed.json()
    access = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert (access["aud"], access["upn"], access["scp"]) == (
        "api://accord",
        MANAGER,
        "access_as_user",
    )
    identity = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert (identity["nonce"], identity["aud"]) == ("n-0S6", DEMO_CLIENT_ID)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


REFUSALS = (
    ({"code_verifier": "someone-elses-verifier-" + "x" * 30}, "AADSTS501481"),
    ({"redirect_uri": "http://127.0.0.1:9/elsewhere"}, "AADSTS50148"),
    ({"code": "made-up"}, "AADSTS70008"),
    ({"code_verifier": ""}, "AADSTS900144"),
)


async def test_a_code_is_refused_for_another_verifier_or_redirect_or_when_made_up(
    sandbox: SandboxServer,
) -> None:
    tenant = _tenant(sandbox)
    verifier = secrets.token_urlsafe(48)
    refusals = []
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        for change, _error in REFUSALS:
            answer = await _code(client, tenant, verifier, mode="query")
            refused = await client.post(
                f"/{tenant}/oauth2/v2.0/token",
                data={**_redeem(answer["code"][0], verifier), **change},
            )
            refusals.append((refused.status_code, refused.json()["error_description"][:12]))
    assert [(status, text.split(":")[0]) for status, text in refusals] == [
        (400, error) for _change, error in REFUSALS
    ]


async def test_the_sign_in_page_refuses_a_request_without_pkce_or_for_an_unknown_app(
    sandbox: SandboxServer,
) -> None:
    tenant = _tenant(sandbox)
    base = {
        "client_id": DEMO_CLIENT_ID,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "api://accord/access_as_user",
    }
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        no_pkce = await client.get(f"/{tenant}/oauth2/v2.0/authorize", params=base)
        unknown = await client.get(
            f"/{tenant}/oauth2/v2.0/authorize",
            params={**base, "client_id": "nobody", "code_challenge": "x" * 43},
        )
        not_http = await client.get(
            f"/{tenant}/oauth2/v2.0/authorize",
            params={**base, "redirect_uri": "javascript:alert(1)", "code_challenge": "x" * 43},
        )
    assert (no_pkce.status_code, "AADSTS9002325" in no_pkce.text) == (400, True)
    assert (unknown.status_code, "AADSTS700016" in unknown.text) == (400, True)
    assert (not_http.status_code, "AADSTS50011" in not_http.text) == (400, True)


async def test_the_teams_view_frames_the_tab_and_signs_sso_tokens_for_its_own_page_only(
    sandbox: SandboxServer,
) -> None:
    person = user_id_for(MANAGER)
    tab = "http://127.0.0.1:9/app?host=teams"
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        page = await client.get(f"/web/users/{person}/teams/tab", params={"app": tab})
        script = await client.get("/web/teams/host.js")
        own = await client.post(
            f"/web/users/{person}/teams/sso-token", headers={"Origin": sandbox.url}
        )
        foreign = await client.post(
            f"/web/users/{person}/teams/sso-token", headers={"Origin": "http://127.0.0.1:9"}
        )
    assert page.status_code == 200
    assert "frame-src http://127.0.0.1:9;" in page.headers["content-security-policy"]
    assert 'data-src="http://127.0.0.1:9/app?host=teams"' in page.text
    assert script.status_code == 200 and "authentication.getAuthToken" in script.text
    assert own.status_code == 200
    claims = jwt.decode(own.json()["token"], options={"verify_signature": False})
    assert (claims["aud"], claims["upn"], claims["oid"]) == ("api://accord", MANAGER, person)
    assert foreign.status_code == 403
