"""Reaching a plain-HTTP token endpoint (the local sandbox) with libraries that insist on https.

MSAL and azure-identity refuse an authority that is not https, and the sandbox serves plain
HTTP on the loopback. So they are given the same address under https (:func:`https_alias`) and
an HTTP session that carries those requests to it over plain HTTP, marked forwarded
(``X-Forwarded-Proto``, ``X-Forwarded-Host``) as a TLS-terminating proxy would, so that the
sandbox publishes its endpoints under the https name. Only that address is redirected; a real
tenant's authority is https already and never goes through here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from azure.core.pipeline.transport import AsyncioRequestsTransport
from requests.adapters import HTTPAdapter


def https_alias(url: str) -> str:
    """Return ``url`` with https in place of http (an https URL is returned as it is)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="https")) if parts.scheme == "http" else url


class _OverPlainHttp(HTTPAdapter):
    """Sends requests for ``https://{netloc}`` to ``http://{netloc}``, marked forwarded."""

    def __init__(self, netloc: str) -> None:
        super().__init__()
        self._netloc = netloc

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        """Send the request over plain HTTP, saying it was addressed to https."""
        request.url = "http://" + str(request.url).removeprefix("https://")
        request.headers["X-Forwarded-Proto"] = "https"
        request.headers["X-Forwarded-Host"] = self._netloc
        return super().send(request, *args, **kwargs)


def local_http_session(base_url: str) -> requests.Session:
    """Return a ``requests`` session (MSAL's ``http_client``) that reaches ``base_url``.

    Args:
        base_url: the plain-HTTP server, e.g. ``http://127.0.0.1:5001``.

    Returns:
        The session; requests to ``https_alias(base_url)`` go to ``base_url``.
    """
    session = requests.Session()
    netloc = urlsplit(base_url).netloc
    if urlsplit(base_url).scheme == "http":
        session.mount(f"https://{netloc}/", _OverPlainHttp(netloc))
    return session


def local_http_transport(base_url: str) -> AsyncioRequestsTransport:
    """Return an azure-core transport (azure-identity's ``transport``) as the session above.

    Args:
        base_url: the plain-HTTP server.

    Returns:
        The transport.
    """
    return AsyncioRequestsTransport(session=local_http_session(base_url), session_owner=True)
