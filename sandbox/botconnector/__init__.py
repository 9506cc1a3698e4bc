"""The sandbox's Bot Connector: Teams' side of a bot, so the whole Teams path runs locally."""

from sandbox.botconnector.service import BotConnectorService, ConnectorError

__all__ = ["BotConnectorService", "ConnectorError"]
