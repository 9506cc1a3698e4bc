"""The composition root of ``accord codec-server``: its keys and sign-in from the settings."""

from __future__ import annotations

import structlog
from fastapi import FastAPI

from accord.keys.codec_server import create_codec_app
from accord.keys.secrets import payload_key_ring
from accord.settings import AccordSettings
from accord.wiring.auth import validator_from_settings
from accord.wiring.serving import serve
from integrations.temporal.codec import EncryptionCodec

log = structlog.get_logger("accord.keys.codec_server")


def codec_app_from_settings(settings: AccordSettings) -> FastAPI:
    """Build the codec server for the configured key ring, namespace, tenant and origins.

    Args:
        settings: Accord's settings (``payload_keys``, ``auth_*``, ``codec_server_*``).

    Returns:
        The application.

    Raises:
        accord.keys.secrets.KeyFileError: when the payload keys are unusable.
    """
    return create_codec_app(
        # Operators only read here; plaintext from before encryption still shows.
        codec=EncryptionCodec(payload_key_ring(settings), accept_plaintext=True),
        validator=validator_from_settings(settings),
        namespace=settings.temporal_namespace,
        operator_role=settings.codec_operator_role,
        allowed_origins=settings.codec_cors_origins,
    )


async def run_codec_server(settings: AccordSettings) -> int:
    """Serve the codec server on ``codec_server_host:codec_server_port`` until stopped.

    Args:
        settings: Accord's settings.

    Returns:
        The exit code: 0 after a clean stop, 1 when the server could not start.
    """
    app = codec_app_from_settings(settings)
    log.info(
        "codec_server_starting",
        url=f"http://{settings.codec_server_host}:{settings.codec_server_port}",
        origins=settings.codec_cors_origins,
    )
    return await serve(app, settings.codec_server_host, settings.codec_server_port)
