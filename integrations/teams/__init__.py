"""Accord in Microsoft Teams: the pieces the bot and the Teams channel are built from.

Token validation of incoming activities, the Bot Connector client, pacing and the person store.

See docs/teams.md for the design and how it is configured.
"""
