"""Teams' activity feed, for people who have Accord's app but prefer email.

A question from Accord then also shows where they already look.

``POST /users/{id}/teamwork/sendActivityNotification`` (application permission
``TeamsActivity.Send``); the notification opens the person's chat with the bot. The manifest
declares its activity type (``actionNeeded``).
"""

from __future__ import annotations

from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.key_value_pair import KeyValuePair
from msgraph.generated.models.teamwork_activity_topic import TeamworkActivityTopic
from msgraph.generated.models.teamwork_activity_topic_source import TeamworkActivityTopicSource
from msgraph.generated.users.item.teamwork.send_activity_notification.send_activity_notification_post_request_body import (  # noqa: E501 - the SDK's module path
    SendActivityNotificationPostRequestBody,
)
from msgraph.graph_service_client import GraphServiceClient

from integrations.graph.errors import graph_errors

ACTIVITY_TYPE = "actionNeeded"


class ActivityFeed:
    """Sends activity feed notifications as Accord's app.

    Args:
        graph: the Graph client (app-only).
        bot_app_id: the bot's app id, for the link that opens the chat with it.
    """

    def __init__(self, graph: GraphServiceClient, *, bot_app_id: str) -> None:
        self._graph = graph
        self._chat_link = f"https://teams.microsoft.com/l/chat/0/0?users=28:{bot_app_id}"

    async def notify(self, email: str, *, preview: str, title: str) -> None:
        """Notify one person.

        Args:
            email: who.
            preview: the line the feed shows (the message's subject).
            title: the commitment's title, for the activity type's template.

        Raises:
            temporalio.exceptions.ApplicationError: as ``graph_errors`` maps Graph's failures
                (a 4xx, e.g. the app not installed for them, is not retryable).
        """
        body = SendActivityNotificationPostRequestBody(
            topic=TeamworkActivityTopic(
                source=TeamworkActivityTopicSource.Text, value="Accord", web_url=self._chat_link
            ),
            activity_type=ACTIVITY_TYPE,
            preview_text=ItemBody(content=preview),
            template_parameters=[KeyValuePair(name="title", value=title)],
        )
        with graph_errors():
            await self._graph.users.by_user_id(email).teamwork.send_activity_notification.post(body)
