"""Building the real ``GraphServiceClient`` for a tenant or for the sandbox.

The SDK's own retry handler is switched off: it retries POSTs such as sendMail on 429 and 5xx,
which can send a message twice. Retries belong to Temporal's activity retry policy, which the
activities pair with duplicate checks (see ``activities``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import httpx
from kiota_abstractions.request_information import RequestInformation
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_service_client import GraphServiceClient
from msgraph_core import GraphClientFactory

from integrations.graph.pacing import MailboxPacer, PacedTransport

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


class FixedUrlRequestAdapter(GraphRequestAdapter):
    """Graph's request adapter, expanding each request's URL template once instead of often.

    Kiota's ``RequestInformation.url`` expands the URI template on every read, and one request
    reads it about six times (building the request, tracing, the middleware); with a long
    ``$filter`` that was over a quarter of a send's CPU. Once the base URL is in, the
    expanded URL is set as the request's own, which later reads return as they are.
    """

    def set_base_url_for_request_information(self, request_info: RequestInformation) -> None:
        """Put the base URL in, then fix the URL the template expands to.

        Args:
            request_info: the request about to be sent.
        """
        super().set_base_url_for_request_information(request_info)
        url = request_info.url
        # Setting the URL clears the parameters; the request builder that made this request
        # shares its path parameters' dict with it and may make more requests from it.
        request_info.path_parameters = {}
        request_info.query_parameters = {}
        request_info.url = url


@dataclass(frozen=True)
class GraphConnection:
    """Where Graph is and how to authenticate.

    Attributes:
        base_url: Graph's service root, e.g. ``https://graph.microsoft.com/v1.0`` or the
            sandbox's ``http://127.0.0.1:5001/v1.0``.
        credential: an async credential with ``get_token(*scopes)``.
        timeout_seconds: the whole-request timeout.
        pacer: when set, each request to a mailbox holds one of its slots (see
            integrations/graph/pacing.py).
    """

    base_url: str
    credential: Any
    timeout_seconds: float = 30.0
    pacer: MailboxPacer | None = None


def build_graph_client(connection: GraphConnection) -> GraphServiceClient:
    """Build a Graph client whose failures surface to the caller instead of being retried.

    Args:
        connection: the service root and credential.

    Returns:
        The SDK client.
    """
    host = urlparse(connection.base_url).hostname or ""
    auth = AzureIdentityAuthenticationProvider(
        connection.credential, scopes=[GRAPH_SCOPE], allowed_hosts=[host]
    )
    transport: httpx.AsyncBaseTransport = httpx.AsyncHTTPTransport()
    if connection.pacer is not None:
        transport = PacedTransport(transport, connection.pacer)
    http_client = GraphClientFactory.create_with_default_middleware(
        client=httpx.AsyncClient(
            timeout=httpx.Timeout(connection.timeout_seconds), transport=transport
        ),
        options={
            RetryHandlerOption.get_key(): RetryHandlerOption(max_retries=0, should_retry=False)
        },
    )
    adapter = FixedUrlRequestAdapter(auth, client=http_client)
    adapter.base_url = connection.base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter)
