"""Credentials for Graph: Entra ID's in a real tenant, the sandbox's token endpoint locally.

All are async ``get_token(*scopes)`` credentials handed to the same
``AzureIdentityAuthenticationProvider``, so the request path is the same everywhere. In a real
tenant :func:`entra_credential` picks azure-identity's credential for the kind configured:

* ``secret``: a client secret (``ClientSecretCredential``);
* ``certificate``: a certificate whose private key signs a client assertion
  (``CertificateCredential``, a PEM or PKCS#12 file), as security teams ask for Mail.Send;
* ``workload_identity``: AKS workload identity, the pod's service account token exchanged
  through a federated credential (``WorkloadIdentityCredential``; the file named by
  ``AZURE_FEDERATED_TOKEN_FILE``, which the AKS webhook sets, unless one is given);
* ``managed_identity``: the VM's or pod's managed identity (``ManagedIdentityCredential``).

``azure.identity.aio.ClientSecretCredential`` refuses a plain-HTTP authority, which is why the
local sandbox needs this small client-credentials credential of its own
(:class:`SandboxClientCredential`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx
from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import (
    CertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

CredentialKind = Literal["secret", "certificate", "workload_identity", "managed_identity"]
CREDENTIAL_KINDS: tuple[CredentialKind, ...] = (
    "secret",
    "certificate",
    "workload_identity",
    "managed_identity",
)


class CredentialConfigError(ValueError):
    """The credential's configuration is incomplete; the message names the missing part."""


@dataclass(frozen=True)
class EntraCredentialConfig:
    """How Accord's app proves who it is to Entra ID.

    Attributes:
        kind: which credential (see the module's docstring).
        tenant_id: the directory (tenant) id; managed identity needs none.
        client_id: the app's client id; for a user-assigned managed identity, its client id
            (unset: the system-assigned identity).
        client_secret: the secret, for ``secret``.
        certificate_path: a PEM (private key and certificate) or PKCS#12 file, for
            ``certificate``.
        certificate_password: the file's password, if it has one.
        send_certificate_chain: send the certificate in each assertion (``x5c``), for apps
            set up for subject name and issuer authentication.
        federated_token_file: the service account token, for ``workload_identity``; unset:
            ``AZURE_FEDERATED_TOKEN_FILE``.
        authority: Entra ID's host, e.g. ``https://login.microsoftonline.us`` for US
            Government; unset: the public cloud's.
    """

    kind: CredentialKind
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    certificate_path: Path | None = None
    certificate_password: str | None = None
    send_certificate_chain: bool = False
    federated_token_file: Path | None = None
    authority: str | None = None


def _required(config: EntraCredentialConfig, *names: str) -> None:
    missing = [name for name in names if not getattr(config, name)]
    if missing:
        raise CredentialConfigError(
            f"the {config.kind} credential needs {', '.join(missing)} as well"
        )


def entra_credential(config: EntraCredentialConfig, **options: Any) -> AsyncTokenCredential:
    """Return azure-identity's async credential for the configured kind.

    Args:
        config: the kind and what it needs.
        **options: passed to the credential (e.g. ``transport`` in tests).

    Returns:
        The credential; close it when done.

    Raises:
        CredentialConfigError: when something the kind needs is missing.
    """
    if config.authority:
        options["authority"] = config.authority
    if config.kind == "secret":
        _required(config, "tenant_id", "client_id", "client_secret")
        return ClientSecretCredential(
            str(config.tenant_id), str(config.client_id), str(config.client_secret), **options
        )
    if config.kind == "certificate":
        _required(config, "tenant_id", "client_id", "certificate_path")
        return CertificateCredential(
            str(config.tenant_id),
            str(config.client_id),
            certificate_path=str(config.certificate_path),
            password=config.certificate_password,
            send_certificate_chain=config.send_certificate_chain,
            **options,
        )
    if config.kind == "workload_identity":
        _required(config, "tenant_id", "client_id")
        token_file = config.federated_token_file
        return WorkloadIdentityCredential(
            tenant_id=str(config.tenant_id),
            client_id=str(config.client_id),
            token_file_path=str(token_file) if token_file else None,
            **options,
        )
    # Managed identity talks to the instance's own endpoint, not to an authority.
    options.pop("authority", None)
    return ManagedIdentityCredential(client_id=config.client_id, **options)


_REFRESH_MARGIN_SECONDS = 300


class SandboxClientCredential:
    """OAuth 2.0 client credentials against the sandbox's token endpoint, with caching."""

    def __init__(
        self, sandbox_url: str, tenant_id: str, client_id: str, client_secret: str
    ) -> None:
        self._token_url = f"{sandbox_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._cached: AccessToken | None = None
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(10.0))

    async def get_token(self, *scopes: str, **_kwargs: Any) -> AccessToken:
        """Return a bearer token for the scopes, fetching a new one shortly before expiry."""
        if self._cached and self._cached.expires_on - _REFRESH_MARGIN_SECONDS > time.time():
            return self._cached
        response = await self._http.post(
            self._token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "scope": " ".join(scopes) or "https://graph.microsoft.com/.default",
            },
        )
        payload = response.json()
        if response.status_code != 200:
            raise PermissionError(
                f"the sandbox refused a token: {payload.get('error_description', payload)}"
            )
        self._cached = AccessToken(
            str(payload["access_token"]), int(time.time()) + int(payload["expires_in"])
        )
        return self._cached

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def __aenter__(self) -> SandboxClientCredential:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
