"""Sign-in from the settings: the authority and tenant that issue Accord's access tokens."""

from __future__ import annotations

from accord.settings import AccordSettings
from accord.wiring.connections import sandbox_ids
from api.auth import TokenValidator
from integrations.entra.keys import OpenIdSigningKeys, metadata_url


def sandbox_tenant_id(settings: AccordSettings) -> str:
    """Return the tenant id of the local sandbox Accord uses when no real tenant is set."""
    return sandbox_ids(settings)[0]


def authority_of(settings: AccordSettings) -> tuple[str, str]:
    """Return the sign-in authority and tenant id the settings point at.

    ``auth_authority`` and ``auth_tenant_id`` win; otherwise a real tenant (``graph_base_url``
    set) signs in at ``login.microsoftonline.com/<graph_tenant_id>``, and the local setup at
    the sandbox.

    Args:
        settings: Accord's settings.

    Returns:
        ``(authority URL, tenant id)``.
    """
    if settings.graph_base_url is not None:
        tenant_id = settings.auth_tenant_id or settings.graph_tenant_id or "organizations"
        default_authority = f"https://login.microsoftonline.com/{tenant_id}"
    else:
        tenant_id = settings.auth_tenant_id or sandbox_tenant_id(settings)
        default_authority = f"http://{settings.sandbox_host}:{settings.sandbox_port}/{tenant_id}"
    return (settings.auth_authority or default_authority).rstrip("/"), tenant_id


def validator_from_settings(settings: AccordSettings) -> TokenValidator:
    """Build the validator for the configured tenant (its keys are fetched on first use).

    Args:
        settings: Accord's settings (``auth_*``).

    Returns:
        The validator.
    """
    authority, tenant_id = authority_of(settings)
    return TokenValidator(
        OpenIdSigningKeys(metadata_url(authority)),
        audience=settings.auth_audience,
        tenant_id=tenant_id,
        admin_role=settings.auth_admin_role,
    )
