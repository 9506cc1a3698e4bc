"""Talking to the Bot Connector (Teams' side of the bot): tokens, sending and updating cards.

Requests go through the Microsoft 365 Agents SDK's ``ConnectorClient`` (hosting-core), with a
token for scope ``https://api.botframework.com/.default`` from MSAL (:class:`BotTokenProvider`):
single-tenant by default, from the bot's own tenant
(``https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token``, since Azure Bot Service
creates no multi-tenant bots any more), with a client secret, a certificate, workload identity
or a managed identity; the sandbox serves the same flow. Failures become
errors that say what to do next: wait and retry (429 with ``Retry-After``, 5xx, no answer),
give up on this chat (403/404: the app was removed or the chat is gone) or on Teams for this
message (any other 4xx).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import aiohttp
import httpx
import msal
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core.connector.client import ConnectorClient
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from domain.messages.cards import CARD_CONTENT_TYPE
from domain.preferences import ConversationReference
from integrations.entra.local_http import https_alias, local_http_session

PRODUCTION_TOKEN_URL = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"  # noqa: S105 - a URL
"""The multi-tenant bots' endpoint, for bots registered before Azure Bot Service stopped
creating them; a single-tenant bot uses :func:`single_tenant_token_url`."""
ENTRA_AUTHORITY = "https://login.microsoftonline.com"
BOT_SCOPE = "https://api.botframework.com/.default"
BOT_RESOURCE = "https://api.botframework.com"
_TOKEN_PATH = "/oauth2/v2.0/token"  # noqa: S105 - a path
_TOKEN_MARGIN_SECONDS = 300
_DEFAULT_RETRY_AFTER = 5.0

T = TypeVar("T")


def single_tenant_token_url(tenant_id: str, authority: str = ENTRA_AUTHORITY) -> str:
    """Return a single-tenant bot's token endpoint: its own tenant's.

    Args:
        tenant_id: the bot's tenant.
        authority: Entra ID's host (another cloud's, or the sandbox's).

    Returns:
        e.g. ``https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token``.
    """
    return f"{authority.rstrip('/')}/{tenant_id}{_TOKEN_PATH}"


class BotCredentials(BaseModel):
    """The bot's app registration, as the token endpoint knows it.

    ``kind`` says how the app proves who it is: ``secret``, ``certificate`` (a PEM file with
    the private key and the certificate), ``workload_identity`` (a federated token file) or
    ``managed_identity`` (``app_id`` is then the user-assigned identity's client id).
    """

    model_config = ConfigDict(frozen=True)

    app_id: str = Field(min_length=1)
    secret: SecretStr | None = None
    token_url: str = PRODUCTION_TOKEN_URL
    scope: str = BOT_SCOPE
    kind: Literal["secret", "certificate", "workload_identity", "managed_identity"] = "secret"
    certificate_path: Path | None = None
    certificate_password: SecretStr | None = None
    federated_token_file: Path | None = None


class TeamsThrottledError(Exception):
    """Teams answered 429; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"throttled by Teams; retry after {retry_after:.0f} s")
        self.retry_after = retry_after


class TeamsUnavailableError(Exception):
    """Teams could not be reached or failed (5xx); the request may be retried."""


class ConversationGoneError(Exception):
    """The chat cannot be written to any more (403/404): the app was removed or it is gone."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the conversation is gone ({status})")
        self.status = status


class TeamsRejectedError(Exception):
    """Teams refused the request itself (a 4xx other than 403, 404 and 429)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Teams refused the request ({status})")
        self.status = status


def retry_after_seconds(value: str | None) -> float:
    """Read a ``Retry-After`` header given in seconds (Teams' form); a default otherwise."""
    try:
        return max(float(value), 0.0) if value is not None else _DEFAULT_RETRY_AFTER
    except ValueError:
        return _DEFAULT_RETRY_AFTER


class BotTokenProvider:
    """Gets and caches the bot's access token through MSAL.

    MSAL (``ConfidentialClientApplication``, or ``ManagedIdentityClient``) keeps the token in
    its cache and asks again shortly before it expires. MSAL is synchronous, so each call runs
    in a thread. A plain-HTTP token endpoint (the local sandbox) is reached through
    :mod:`integrations.entra.local_http`, MSAL insisting on https.

    Args:
        credentials: the bot's app id, credential and token endpoint.
        http: unused, kept for the callers that share one client with the connector.
        clock: unused (MSAL keeps the time); kept for the same reason.
    """

    def __init__(
        self,
        credentials: BotCredentials,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        del http, clock
        self._credentials = credentials
        self._client: msal.ConfidentialClientApplication | msal.ManagedIdentityClient | None = None
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        """Return a token valid for at least five more minutes.

        Raises:
            TeamsUnavailableError: when the token endpoint does not give one.
        """
        async with self._lock:
            try:
                result = await asyncio.to_thread(self._acquire)
            except (ValueError, OSError, requests.RequestException) as exc:
                raise TeamsUnavailableError(f"no token for the bot ({type(exc).__name__})") from exc
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            error = result.get("error") if isinstance(result, dict) else None
            raise TeamsUnavailableError(f"no token for the bot ({error or 'no answer'})")
        return str(token)

    def _acquire(self) -> dict[str, Any]:
        if self._client is None:
            self._client = self._build()
        if isinstance(self._client, msal.ManagedIdentityClient):
            found: dict[str, Any] = self._client.acquire_token_for_client(resource=BOT_RESOURCE)
            return found
        result: dict[str, Any] = self._client.acquire_token_for_client(
            scopes=[self._credentials.scope]
        )
        return result

    def _build(self) -> msal.ConfidentialClientApplication | msal.ManagedIdentityClient:
        credentials = self._credentials
        if credentials.kind == "managed_identity":
            identity: dict[str, Any] = (
                msal.UserAssignedManagedIdentity(client_id=credentials.app_id)
                if credentials.app_id
                else msal.SystemAssignedManagedIdentity()
            )
            return msal.ManagedIdentityClient(identity, http_client=requests.Session())
        token_url = credentials.token_url
        authority = token_url.removesuffix(_TOKEN_PATH)
        local = urlsplit(token_url).scheme == "http"
        return msal.ConfidentialClientApplication(
            credentials.app_id,
            authority=https_alias(authority),
            client_credential=_client_credential(credentials),
            http_client=local_http_session(authority) if local else requests.Session(),
            # A sandbox's address is no Entra ID instance MSAL could look up.
            instance_discovery=False if local else None,
        )


def _client_credential(credentials: BotCredentials) -> Any:
    if credentials.kind == "certificate":
        if credentials.certificate_path is None:
            raise ValueError("a certificate credential needs the certificate's file")
        pem = credentials.certificate_path.read_bytes()
        certificate = x509.load_pem_x509_certificate(pem)
        password = credentials.certificate_password
        found: dict[str, Any] = {
            "private_key": pem.decode(),
            "thumbprint": certificate.fingerprint(hashes.SHA1()).hex(),  # noqa: S303 - x5t is SHA-1
        }
        if password is not None:
            found["passphrase"] = password.get_secret_value().encode()
        return found
    if credentials.kind == "workload_identity":
        token_file = credentials.federated_token_file

        def assertion() -> str:
            # Read each time: the kubelet renews the projected token in place.
            if token_file is None:
                raise ValueError("workload identity needs the federated token file")
            return token_file.read_text(encoding="utf-8").strip()

        return {"client_assertion": assertion}
    if credentials.secret is None:
        raise ValueError("a secret credential needs the secret")
    return credentials.secret.get_secret_value()


def card_activity(card: dict[str, Any], *, summary: str) -> Activity:
    """Return a message activity carrying one Adaptive Card.

    Args:
        card: the card.
        summary: the notification text (what a phone's lock screen shows).

    Returns:
        The activity to send or to update an earlier one with.
    """
    return Activity.model_validate(
        {
            "type": "message",
            "summary": summary,
            "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
        }
    )


class BotConnector:
    """Sends and updates activities in people's personal chats.

    Args:
        tokens: where the bot's access token comes from.
    """

    def __init__(self, tokens: BotTokenProvider) -> None:
        self._tokens = tokens

    async def send(self, reference: ConversationReference, activity: Activity) -> str:
        """Post a new activity to the chat and return its id."""

        async def call(client: ConnectorClient) -> str:
            response = await client.conversations.send_to_conversation(
                reference.conversation_id, activity
            )
            return response.id or ""

        return await self._call(reference.service_url, call)

    async def update(
        self, reference: ConversationReference, activity_id: str, activity: Activity
    ) -> None:
        """Replace an activity the bot sent earlier."""
        activity = activity.model_copy(update={"id": activity_id})

        async def call(client: ConnectorClient) -> None:
            await client.conversations.update_activity(
                reference.conversation_id, activity_id, activity
            )

        await self._call(reference.service_url, call)

    async def reply(
        self, service_url: str, conversation_id: str, reply_to_id: str, activity: Activity
    ) -> None:
        """Answer a person's message in the same chat."""

        async def call(client: ConnectorClient) -> None:
            await client.conversations.reply_to_activity(conversation_id, reply_to_id, activity)

        await self._call(service_url, call)

    async def create_personal_chat(
        self, service_url: str, *, bot_id: str, user_id: str, tenant_id: str | None
    ) -> str:
        """Open (or find) the personal chat between the bot and a person; return its id."""
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
        )

        async def call(client: ConnectorClient) -> str:
            response = await client.conversations.create_conversation(parameters)
            return response.id or ""

        return await self._call(service_url, call)

    async def _call(self, service_url: str, call: Callable[[ConnectorClient], Awaitable[T]]) -> T:
        token = await self._tokens.token()
        client = ConnectorClient(service_url, token)
        try:
            result = await call(client)
        except aiohttp.ClientResponseError as exc:
            raise _mapped(exc) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TeamsUnavailableError(type(exc).__name__) from None
        finally:
            await client.close()
        return result


def _mapped(exc: aiohttp.ClientResponseError) -> Exception:
    status = exc.status
    if status == 429:
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        return TeamsThrottledError(retry_after_seconds(retry_after))
    if status in (403, 404):
        return ConversationGoneError(status)
    if status == 408 or status >= 500:
        return TeamsUnavailableError(f"Teams answered {status}")
    return TeamsRejectedError(status)
