"""Talking to the Bot Connector (Teams' side of the bot): tokens, sending and updating cards.

Requests go through the Microsoft 365 Agents SDK's ``ConnectorClient`` (hosting-core), with a
token from the Bot Framework's client-credentials flow (production:
``https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token``, scope
``https://api.botframework.com/.default``; the sandbox serves the same flow). Failures become
errors that say what to do next: wait and retry (429 with ``Retry-After``, 5xx, no answer),
give up on this chat (403/404: the app was removed or the chat is gone) or on Teams for this
message (any other 4xx).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import httpx
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.hosting.core.connector.client import ConnectorClient
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from domain.messages.cards import CARD_CONTENT_TYPE
from domain.preferences import ConversationReference

PRODUCTION_TOKEN_URL = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"  # noqa: S105 - a URL
BOT_SCOPE = "https://api.botframework.com/.default"
_TOKEN_MARGIN_SECONDS = 300
_DEFAULT_RETRY_AFTER = 5.0

T = TypeVar("T")


class BotCredentials(BaseModel):
    """The bot's app registration, as the token endpoint knows it."""

    model_config = ConfigDict(frozen=True)

    app_id: str = Field(min_length=1)
    secret: SecretStr
    token_url: str = PRODUCTION_TOKEN_URL
    scope: str = BOT_SCOPE


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
    """Gets and caches the bot's access token (client credentials).

    Args:
        credentials: the bot's app id, secret and token endpoint.
        http: the HTTP client for the token endpoint.
        clock: seconds since the epoch.
    """

    def __init__(
        self,
        credentials: BotCredentials,
        http: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._credentials = credentials
        self._http = http
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        """Return a token valid for at least five more minutes.

        Raises:
            TeamsUnavailableError: when the token endpoint does not give one.
        """
        async with self._lock:
            if self._token is None or self._clock() > self._expires_at - _TOKEN_MARGIN_SECONDS:
                await self._fetch()
            assert self._token is not None  # noqa: S101 - set by _fetch
            return self._token

    async def _fetch(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.app_id,
            "client_secret": self._credentials.secret.get_secret_value(),
            "scope": self._credentials.scope,
        }
        try:
            response = await self._http.post(self._credentials.token_url, data=form)
            response.raise_for_status()
            body = response.json()
            self._token = str(body["access_token"])
            self._expires_at = self._clock() + float(body.get("expires_in", 3600))
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise TeamsUnavailableError("no token for the bot") from exc


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
