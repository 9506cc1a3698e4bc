"""Temporal: reachable, the namespace exists, and it has the search attributes Accord needs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

from accord.doctor.results import CheckResult, failed, passed


async def check_reachable(
    connect: Callable[[], Awaitable[Client]], target: str
) -> tuple[CheckResult, Client | None]:
    """Connect to Temporal.

    Args:
        connect: connects as the settings say (address, TLS, API key).
        target: ``host:port``, for the detail.

    Returns:
        The result, and the client when connected.
    """
    name = "temporal.reachable"
    try:
        client = await connect()
    except Exception as exc:  # whatever went wrong is the finding, named by its type
        return (
            failed(
                name,
                f"cannot connect to {target}: {type(exc).__name__}: {exc}",
                "Check ACCORD_TEMPORAL_ADDRESS, its TLS settings (ACCORD_TEMPORAL_TLS*) or "
                "API key, and that the network lets this host reach it.",
            ),
            None,
        )
    return passed(name, f"connected to {target}."), client


async def check_namespace(client: Client, namespace: str) -> CheckResult:
    """Describe the namespace.

    Args:
        client: a connected client.
        namespace: ``ACCORD_TEMPORAL_NAMESPACE``.

    Returns:
        The result.
    """
    name = "temporal.namespace"
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace)
        )
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return failed(
                name,
                f"namespace {namespace!r} does not exist",
                f"Create it (temporal operator namespace create --namespace {namespace}, or in "
                "Temporal Cloud) or correct ACCORD_TEMPORAL_NAMESPACE.",
            )
        return failed(
            name,
            f"describing namespace {namespace!r} gave {exc.status.name}: {exc.message}",
            "Check that the credential (API key or certificate) is allowed this namespace.",
        )
    return passed(name, f"namespace {namespace!r} exists.")


def _type_name(value: Any) -> str:
    """``Keyword`` for both the SDK's and the API's enum of a search attribute's type."""
    return str(getattr(value, "name", value)).removeprefix("INDEXED_VALUE_TYPE_").title()


async def check_search_attributes(
    client: Client, namespace: str, needed: Sequence[SearchAttributeKey[Any]]
) -> CheckResult:
    """List the namespace's custom search attributes and compare with what workflows set.

    Args:
        client: a connected client.
        namespace: the namespace.
        needed: the workflows' search attribute keys (workflows/commitment/contracts.py).

    Returns:
        The result, naming each missing or mistyped attribute.
    """
    name = "temporal.search_attributes"
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except RPCError as exc:
        return failed(
            name,
            f"listing the search attributes gave {exc.status.name}: {exc.message}",
            "Check that the credential may read the namespace's search attributes.",
        )
    have = {
        attribute: IndexedValueType.Name(kind).removeprefix("INDEXED_VALUE_TYPE_").title()
        for attribute, kind in listed.custom_attributes.items()
    }
    wrong = [
        (key.name, _type_name(key.indexed_value_type))
        for key in needed
        if have.get(key.name) != _type_name(key.indexed_value_type)
    ]
    if wrong:
        flags = " ".join(f"--name {attribute} --type {kind}" for attribute, kind in wrong)
        return failed(
            name,
            f"namespace {namespace!r} lacks "
            + ", ".join(f"{attribute} ({kind})" for attribute, kind in wrong),
            "Add them: temporal operator search-attribute create --namespace "
            f"{namespace} {flags} (Temporal Cloud: tcld namespace search-attributes add). A "
            "self-hosted worker adds them itself at start.",
        )
    return passed(name, f"namespace {namespace!r} has {', '.join(k.name for k in needed)}.")
