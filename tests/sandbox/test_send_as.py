"""Exchange's application access policy in the sandbox: who the app may send mail as."""

from __future__ import annotations

from sandbox.mailbox import MESSAGES
from sandbox.server import SandboxServer
from tests.support.people import MANAGER, SAM
from tests.support.sandbox import raw_client, send_mail_body


def _subjects(sandbox: SandboxServer, person: str) -> set[str]:
    assert sandbox.state is not None
    user = sandbox.state.directory.user(person)
    return {str(m.get("subject")) for m in sandbox.state.store.list(MESSAGES, str(user["id"]))}


async def test_without_a_policy_the_app_sends_as_anyone(sandbox: SandboxServer) -> None:
    async with raw_client(sandbox) as client:
        for sender in (MANAGER, SAM):
            response = await client.post(
                f"/users/{sender}/sendMail", json=send_mail_body(MANAGER, f"from {sender}")
            )

            assert response.status_code == 202, response.text


async def test_a_mailbox_outside_the_policy_is_refused_as_exchange_does(
    sandbox: SandboxServer,
) -> None:
    assert sandbox.state is not None
    config = sandbox.state.config
    sandbox.state.update_config(config.model_copy(update={"allowed_senders": [MANAGER.upper()]}))

    async with raw_client(sandbox) as client:
        allowed = await client.post(
            f"/users/{MANAGER}/sendMail", json=send_mail_body(SAM, "inside the policy")
        )
        refused = await client.post(
            f"/users/{SAM}/sendMail", json=send_mail_body(MANAGER, "outside the policy")
        )

    assert allowed.status_code == 202, allowed.text
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ErrorAccessDenied"
    assert "AccessPolicy" in refused.json()["error"]["message"]
    assert "inside the policy" in _subjects(sandbox, SAM)
    assert "outside the policy" not in _subjects(sandbox, MANAGER)
