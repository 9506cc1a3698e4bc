"""Temporal: the encrypting data converter and the client connection."""
