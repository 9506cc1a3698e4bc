"""The Outlook add-in's manifest (add-in only XML), rendered for one deployment.

Every URL in it points at the deployment's public address, which Outlook requires to be
https. Its ``<Id>`` is derived from that address, so regenerating the manifest of a deployment
updates the same add-in rather than installing a second one. Single sign-on needs the Entra ID
app registration of Accord's API: its client id, and an Application ID URI of the form
``api://<public host>/<client id>`` (Office only asks for tokens for add-ins hosted on the
resource's own domain).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final, Self
from urllib.parse import urlsplit

from api.config import ApiConfig
from api.templating import api_templates

# Fixed forever: add-in ids derived from public URLs must not change between releases.
_ADDIN_NAMESPACE: Final = uuid.UUID("4c0d7a52-5b7e-4e55-9d0b-acc0add1a000")
MANIFEST_VERSION: Final = "1.0.0.0"


@dataclass(frozen=True)
class ManifestOptions:
    """What differs between deployments' manifests.

    Attributes:
        public_url: where people reach Accord's API, https (e.g. ``https://accord.contoso.com``).
        client_id: the Entra ID app (client) id of Accord's API, for single sign-on.
        resource: its Application ID URI; unset: ``api://<public host>/<client id>``.
        addin_id: the add-in's id; unset: derived from ``public_url``.
        version: the manifest's version (raise it to make Outlook pick up changes).
        display_name: what Outlook shows on the button group and in the add-in list.
        provider_name: who publishes it.
        support_url: where people get help; unset: the API's ``/docs``.
    """

    public_url: str
    client_id: str
    resource: str | None = None
    addin_id: str | None = None
    version: str = MANIFEST_VERSION
    display_name: str = "Accord"
    provider_name: str = "Accord"
    support_url: str | None = None

    @classmethod
    def from_config(cls, config: ApiConfig) -> Self:
        """Return the options of the deployment the API was built for.

        Raises:
            ValueError: when no client id for single sign-on is configured.
        """
        client_id = config.addin.client_id
        if not client_id:
            raise ValueError(
                "ACCORD_ADDIN_CLIENT_ID is not set: the add-in needs the client id of "
                "Accord's Entra ID app registration for single sign-on."
            )
        return cls(
            public_url=config.public_url,
            client_id=client_id,
            resource=config.addin.resource,
        )


def _base_url(public_url: str) -> str:
    parts = urlsplit(public_url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(
            f"Outlook loads add-ins only over https; {public_url!r} is not an https URL."
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{public_url!r} must not carry a query or fragment.")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"


def _client_id(value: str) -> str:
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError(f"the client id must be a GUID, not {value!r}") from None


def addin_id_for(public_url: str) -> str:
    """Return the add-in id a deployment's manifest carries by default.

    Args:
        public_url: the deployment's https address.

    Returns:
        A GUID, the same for the same address.
    """
    return str(uuid.uuid5(_ADDIN_NAMESPACE, _base_url(public_url).lower()))


def render_manifest(options: ManifestOptions) -> str:
    """Render the manifest for one deployment.

    Args:
        options: the deployment's address, single sign-on registration and names.

    Returns:
        The manifest's XML text.

    Raises:
        ValueError: when the public URL is not https or the client id is not a GUID.
    """
    base_url = _base_url(options.public_url)
    client_id = _client_id(options.client_id)
    host = urlsplit(base_url).netloc
    return (
        api_templates(keep_trailing_newline=True)
        .get_template("addin_manifest.xml")
        .render(
            base_url=base_url,
            addin_id=options.addin_id or addin_id_for(base_url),
            version=options.version,
            display_name=options.display_name,
            provider_name=options.provider_name,
            support_url=options.support_url or f"{base_url}/docs",
            client_id=client_id,
            resource=options.resource or f"api://{host}/{client_id}",
        )
    )
