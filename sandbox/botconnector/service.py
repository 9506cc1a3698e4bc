"""The Bot Connector as the sandbox plays it.

Two directions, each authenticated as in Teams:

* **Bot -> Teams.** The bot gets a token from ``/botframework.com/oauth2/v2.0/token`` (client
  credentials, scope ``https://api.botframework.com/.default``) and calls the conversations
  API (``/v3/conversations...``), which checks the token, paces the bot like Teams (429 with
  ``Retry-After``) and refuses a chat whose app was removed (403) or that never existed (404).
* **Teams -> bot.** Every activity the sandbox sends to the registered bot endpoint carries a
  JWT signed with the sandbox's own Bot Connector key (issuer ``<sandbox>/botframework``,
  audience the bot's app id, a ``serviceUrl`` claim), published through OpenID metadata and a
  JWKS with endorsements, exactly the shape Bot Framework publishes.

People's side (install the app, write to the bot, press a card's button) is driven by the
sandbox page or by tests through ``/_sandbox/teams/...``.
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt

from sandbox.botconnector.rate import RateLimiter
from sandbox.errors import GraphError
from sandbox.signing_keys import public_jwk, stored_rsa_key
from sandbox.state import SandboxState

BOT_API_AUDIENCE = "https://api.botframework.com"
CHANNEL_ID = "msteams"
TOKEN_LIFETIME = timedelta(hours=1)
_KEY_META = "botconnector_signing_key_pem"
_BOT_META = "botconnector_bot"
CONVERSATIONS = "teams_conversations"
ACTIVITIES = "teams_activities"
FEED = "teams_feed"
_OWNER = "bot"
_INVOKE_TIMEOUT = 15.0


class ConnectorError(Exception):
    """A refusal with Teams' status and error shape."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body Teams answers with."""
        return {"error": {"code": self.code, "message": self.message}}


class BotConnectorService:
    """The sandbox's Bot Connector, bound to one sandbox state."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._store = state.store
        self._key, pem = stored_rsa_key(self._store, _KEY_META, what="Bot Connector key")
        self.key_id = "bc-" + uuid.uuid5(uuid.NAMESPACE_OID, pem).hex[:12]
        self.rates = RateLimiter()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, state: SandboxState) -> BotConnectorService:
        """Return the state's Bot Connector, made on first use."""
        with _CREATE_LOCK:
            existing = getattr(state, "_botconnector", None)
            if not isinstance(existing, BotConnectorService):
                existing = cls(state)
                # One per state, like the state's other services, without editing the state.
                state._botconnector = existing  # type: ignore[attr-defined]
            return existing

    # ----- identity -----------------------------------------------------------------------

    @property
    def service_url(self) -> str:
        """Where bots call the conversations API (activities' ``serviceUrl``)."""
        return f"{self._state.public_url}/"

    @property
    def issuer(self) -> str:
        """The issuer of the tokens the sandbox's Bot Connector signs."""
        return f"{self._state.public_url}/botframework"

    def openid_configuration(self) -> dict[str, Any]:
        """The OpenID metadata bots read the signing keys' location from."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self._state.public_url}/botframework/v1/authorize",
            "jwks_uri": f"{self._state.public_url}/botframework/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def jwks(self) -> dict[str, Any]:
        """The public key, endorsed for the Teams channel as Bot Framework's keys are."""
        return {"keys": [public_jwk(self._key, self.key_id, endorsements=[CHANNEL_ID])]}

    def sign(self, payload: dict[str, Any]) -> str:
        """Sign claims with the Bot Connector's key (tests of a bot's validation use it)."""
        return self._sign(payload)

    def _sign(self, payload: dict[str, Any]) -> str:
        now = datetime.now(UTC)
        claims = {
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()) - 60,
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
            **payload,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.key_id})

    def issue_bot_token(self, client_id: str, client_secret: str | None) -> str:
        """Issue the bot's token for the conversations API (client credentials).

        Raises:
            ConnectorError: 400 when the app is not the registered bot or no secret was sent.
        """
        bot = self.bot()
        if bot is None or bot["app_id"] != client_id:
            raise ConnectorError(
                400, "unauthorized_client", f"AADSTS700016: '{client_id}' is not a bot here."
            )
        if not client_secret:
            raise ConnectorError(400, "invalid_client", "AADSTS7000215: no client secret.")
        return self._sign(
            {
                "iss": f"{self._state.public_url}/botframework.com/v2.0",
                "aud": BOT_API_AUDIENCE,
                "appid": client_id,
                "sub": client_id,
            }
        )

    def check_bot_token(self, authorization: str | None) -> None:
        """Check a conversations API call's token, as the Bot Connector does.

        Raises:
            ConnectorError: 401 when it is missing or not valid.
        """
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ConnectorError(401, "Unauthorized", "Authorization has been denied.")
        try:
            claims = jwt.decode(
                token,
                self._key.public_key(),
                algorithms=["RS256"],
                audience=BOT_API_AUDIENCE,
                leeway=60,
            )
        except jwt.PyJWTError:
            raise ConnectorError(401, "Unauthorized", "Authorization has been denied.") from None
        bot = self.bot()
        if bot is None or claims.get("appid") != bot["app_id"]:
            raise ConnectorError(401, "Unauthorized", "The token is not the registered bot's.")

    # ----- the bot's registration ---------------------------------------------------------

    def register_bot(self, app_id: str, endpoint: str) -> dict[str, Any]:
        """Register the bot (its app id and messaging endpoint), as in Azure Bot Service."""
        bot = {"app_id": app_id, "endpoint": endpoint, "name": "Accord"}
        self._store.set_meta(_BOT_META, json.dumps(bot))
        return bot

    def bot(self) -> dict[str, Any] | None:
        """The registered bot, if any."""
        raw = self._store.get_meta(_BOT_META)
        return None if raw is None else dict(json.loads(raw))

    # ----- conversations ------------------------------------------------------------------

    def _user(self, key: str) -> dict[str, Any]:
        user = self._state.directory.find_user(key)
        if user is None:
            raise ConnectorError(404, "NotFound", "No such user in the tenant.")
        return user

    def conversation_of(self, upn: str) -> dict[str, Any] | None:
        """The personal chat between the bot and a person, if one was ever made."""
        user = self._user(upn)
        for conversation in self._store.list(CONVERSATIONS, _OWNER):
            if conversation["user_aad_id"] == user["id"]:
                return conversation
        return None

    def conversation_of_id(self, conversation_id: str) -> dict[str, Any] | None:
        """A chat by its id, whether or not the app is installed."""
        return self._store.get(CONVERSATIONS, _OWNER, conversation_id)

    def _ensure_conversation(self, user: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for conversation in self._store.list(CONVERSATIONS, _OWNER):
                if conversation["user_aad_id"] == user["id"]:
                    return conversation
            conversation = {
                "id": f"a:{uuid.uuid4().hex}",
                "user_aad_id": user["id"],
                "user_upn": user["userPrincipalName"],
                "user_name": user["displayName"],
                "installed": False,
            }
            self._store.put(CONVERSATIONS, _OWNER, conversation["id"], conversation)
            return conversation

    def _conversation(self, conversation_id: str) -> dict[str, Any]:
        conversation = self._store.get(CONVERSATIONS, _OWNER, conversation_id)
        if conversation is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        if not conversation["installed"]:
            raise ConnectorError(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        return conversation

    def create_conversation(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v3/conversations``: the personal chat with one member who has the app."""
        members = body.get("members") or []
        if len(members) != 1 or not isinstance(members[0], dict) or body.get("isGroup"):
            raise ConnectorError(400, "BadArgument", "A personal chat has exactly one member.")
        member_id = str(members[0].get("aadObjectId") or members[0].get("id") or "")
        user = self._user(member_id.removeprefix("29:"))
        conversation = self._ensure_conversation(user)
        if not conversation["installed"]:
            raise ConnectorError(403, "Forbidden", "The app is not installed for this user.")
        return {"id": conversation["id"], "activityId": None, "serviceUrl": self.service_url}

    def post_from_bot(
        self, conversation_id: str, activity: dict[str, Any], reply_to: str | None = None
    ) -> dict[str, Any]:
        """``POST .../activities``: the bot writes in a chat; answers the new activity's id."""
        self._conversation(conversation_id)
        self._admit(conversation_id)
        return {"id": self._store_activity(conversation_id, activity, "bot", reply_to)}

    def update_from_bot(
        self, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> dict[str, Any]:
        """``PUT .../activities/{id}``: the bot replaces one of its activities."""
        self._conversation(conversation_id)
        existing = self._store.get(ACTIVITIES, conversation_id, activity_id)
        if existing is None or existing["sender"] != "bot":
            raise ConnectorError(404, "ActivityNotFound", "Activity not found.")
        self._admit(conversation_id)
        self._replace_content(conversation_id, existing, activity)
        return {"id": activity_id}

    def _admit(self, conversation_id: str) -> None:
        retry_after = self.rates.admit(conversation_id)
        if retry_after is not None:
            raise ConnectorError(
                429,
                "Throttled",
                "Too many requests; slow down.",
                headers={"Retry-After": str(retry_after)},
            )

    def _store_activity(
        self,
        conversation_id: str,
        activity: dict[str, Any],
        sender: str,
        reply_to: str | None,
    ) -> str:
        activity_id = f"{int(datetime.now(UTC).timestamp() * 1000)}-{uuid.uuid4().hex[:8]}"
        record = {
            "id": activity_id,
            "sender": sender,
            "type": activity.get("type", "message"),
            "text": activity.get("text"),
            "summary": activity.get("summary"),
            "attachments": activity.get("attachments") or [],
            "replyToId": reply_to,
            "timestamp": self._state.clock.now().isoformat(),
            "updated": False,
        }
        self._store.put(ACTIVITIES, conversation_id, activity_id, record)
        return activity_id

    def _replace_content(
        self, conversation_id: str, existing: dict[str, Any], activity: dict[str, Any]
    ) -> None:
        existing.update(
            {
                "text": activity.get("text"),
                "attachments": activity.get("attachments") or [],
                "updated": True,
            }
        )
        self._store.put(ACTIVITIES, conversation_id, existing["id"], existing)

    def chat(self, upn: str) -> list[dict[str, Any]]:
        """A person's chat with the bot, oldest first (empty when there is none)."""
        conversation = self.conversation_of(upn)
        if conversation is None:
            return []
        return self._store.list(ACTIVITIES, conversation["id"])

    def activity(self, conversation_id: str, activity_id: str) -> dict[str, Any]:
        """One activity of a chat."""
        found = self._store.get(ACTIVITIES, conversation_id, activity_id)
        if found is None:
            raise ConnectorError(404, "ActivityNotFound", "Activity not found.")
        return found

    # ----- the activity feed (Graph's sendActivityNotification) ------------------------------

    def notify(self, user_key: str, body: dict[str, object]) -> None:
        """Put a notification in a person's activity feed, as Graph does for the app.

        Raises:
            GraphError: 404 for no such user, 403 when the app is not installed for them.
        """
        user = self._state.directory.find_user(user_key)
        if user is None:
            raise GraphError(404, "Request_ResourceNotFound", f"Resource '{user_key}' not found.")
        conversation = self.conversation_of(user["id"])
        if conversation is None or not conversation["installed"]:
            raise GraphError(403, "Forbidden", "The Teams app is not installed for the user.")
        preview = body.get("previewText")
        notification_id = uuid.uuid4().hex
        notification = {
            "id": notification_id,
            "activityType": body.get("activityType"),
            "previewText": preview.get("content") if isinstance(preview, dict) else None,
            "topic": body.get("topic"),
            "templateParameters": body.get("templateParameters") or [],
            "timestamp": self._state.clock.now().isoformat(),
        }
        self._store.put(FEED, user["id"], notification_id, notification)

    def feed(self, user_key: str) -> list[dict[str, Any]]:
        """A person's activity feed from Accord, oldest first."""
        user = self._user(user_key)
        return self._store.list(FEED, user["id"])

    # ----- people's side: activities to the bot --------------------------------------------

    def _base_activity(self, conversation: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
        bot = self.bot() or {"app_id": "unregistered", "name": "Accord"}
        return {
            "id": uuid.uuid4().hex,
            "channelId": CHANNEL_ID,
            "serviceUrl": self.service_url,
            "timestamp": datetime.now(UTC).isoformat(),
            "from": {
                "id": f"29:{user['id']}",
                "name": user["displayName"],
                "aadObjectId": user["id"],
            },
            "recipient": {"id": f"28:{bot['app_id']}", "name": bot["name"]},
            "conversation": {
                "id": conversation["id"],
                "conversationType": "personal",
                "tenantId": self._state.tenant.tenant_id,
            },
            "channelData": {"tenant": {"id": self._state.tenant.tenant_id}},
        }

    async def install(self, upn: str) -> dict[str, Any]:
        """The person adds the app: the chat exists and the bot is told (as Teams does)."""
        user = self._user(upn)
        conversation = self._ensure_conversation(user)
        conversation["installed"] = True
        self._store.put(CONVERSATIONS, _OWNER, conversation["id"], conversation)
        base = self._base_activity(conversation, user)
        bot_account = base["recipient"]
        await self.send_to_bot({**base, "type": "installationUpdate", "action": "add"})
        update = {**base, "type": "conversationUpdate", "membersAdded": [bot_account]}
        await self.send_to_bot({**update, "id": uuid.uuid4().hex})
        return conversation

    async def uninstall(self, upn: str, *, notify: bool = True) -> dict[str, Any]:
        """The person removes the app: the bot can no longer write there (403).

        ``notify=False`` leaves the bot uninformed, as when Teams' notice never arrived: the
        bot then learns it from the 403 of its next send.
        """
        user = self._user(upn)
        conversation = self._ensure_conversation(user)
        conversation["installed"] = False
        self._store.put(CONVERSATIONS, _OWNER, conversation["id"], conversation)
        if notify:
            base = self._base_activity(conversation, user)
            await self.send_to_bot({**base, "type": "installationUpdate", "action": "remove"})
        return conversation

    async def say(self, upn: str, text: str) -> dict[str, Any]:
        """The person writes to the bot in their chat."""
        user = self._user(upn)
        conversation = self._conversation(self._ensure_conversation(user)["id"])
        activity = {**self._base_activity(conversation, user), "type": "message", "text": text}
        activity["id"] = self._store_activity(conversation["id"], activity, "user", None)
        return await self.send_to_bot(activity)

    async def press(
        self,
        conversation_id: str,
        activity_id: str,
        index: int,
        *,
        as_user: str | None = None,
    ) -> dict[str, Any]:
        """A person presses a card's button: an ``adaptiveCard/action`` invoke to the bot.

        A 200 with a card refreshes the card in the chat, as Teams does.
        """
        conversation = self._store.get(CONVERSATIONS, _OWNER, conversation_id)
        if conversation is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        stored = self.activity(conversation_id, activity_id)
        actions = _card_actions(stored)
        if not 0 <= index < len(actions):
            raise ConnectorError(400, "BadArgument", "The card has no such button.")
        action = actions[index]
        user = self._user(as_user or conversation["user_upn"])
        invoke = {
            **self._base_activity(conversation, user),
            "type": "invoke",
            "name": "adaptiveCard/action",
            "replyToId": activity_id,
            "value": {
                "action": {
                    "type": "Action.Execute",
                    "verb": action.get("verb"),
                    "data": action.get("data") or {},
                },
                "trigger": "manual",
            },
        }
        answer = await self.send_to_bot(invoke)
        body = answer.get("body") or {}
        if (
            answer.get("status") == 200
            and isinstance(body, dict)
            and body.get("type") == "application/vnd.microsoft.card.adaptive"
        ):
            refreshed = {"attachments": [{"contentType": body["type"], "content": body["value"]}]}
            self._replace_content(conversation_id, stored, refreshed)
        return answer

    async def send_to_bot(self, activity: dict[str, Any]) -> dict[str, Any]:
        """Post an activity to the bot with a signed token; return its status and body."""
        bot = self.bot()
        if bot is None:
            raise ConnectorError(409, "NoBot", "No bot is registered with the sandbox.")
        token = self._sign(
            {
                "iss": self.issuer,
                "aud": bot["app_id"],
                "serviceUrl": activity.get("serviceUrl", self.service_url),
            }
        )
        async with httpx.AsyncClient(timeout=_INVOKE_TIMEOUT) as client:
            try:
                response = await client.post(
                    bot["endpoint"], json=activity, headers={"Authorization": f"Bearer {token}"}
                )
            except httpx.HTTPError as exc:
                raise ConnectorError(
                    502, "BotUnreachable", f"The bot did not answer ({type(exc).__name__})."
                ) from None
        try:
            body: Any = response.json() if response.content else None
        except ValueError:
            body = None
        return {"status": response.status_code, "body": body}


def _card_actions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    for attachment in activity.get("attachments") or []:
        content = attachment.get("content") or {}
        if isinstance(content, dict):
            return [
                action
                for action in content.get("actions") or []
                if isinstance(action, dict) and action.get("type") == "Action.Execute"
            ]
    return []


_CREATE_LOCK = threading.Lock()
