"""Outlook's single-value extended properties (MAPI properties) on messages.

An extended property's ``id`` names it in one of three formats (Graph's "Outlook extended
properties overview"):

- ``{type} {guid} Name {name}``, e.g. ``String {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Name Color``;
- ``{type} {guid} Id {id}``, e.g. ``Integer {8ECCC264-6880-4EBE-992F-8888D2EEAA1D} Id 0x8012``;
- ``{type} {proptag}``, e.g. ``String 0x4001001E``.

Exchange refuses any other id with 400 ``ErrorInvalidProperty``. Two ids name the same property
when the type, the GUID and the ``Name``/``Id`` keyword agree without regard to case, numbers
agree by value and the string name agrees exactly: Graph documents that "filtering the string
name (Name) in the id of an extended property is case-sensitive".

Graph returns extended properties only when a request expands them with a filter on their id.
Its documentation adds that "you cannot use the REST API to get all the extended properties of
a specific instance in one call", so an expansion without a filter yields none.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

from sandbox.errors import GraphError
from sandbox.odata import Expansion

PROPERTY: Final = "singleValueExtendedProperties"
"""The navigation property of message (and event) that holds them."""

PropertyKey = tuple[str | int, ...]
"""What identifies a property, whichever spelling of its id a request uses."""

_FORMAT_MESSAGE: Final = (
    "PropertyId values may only be in one of the following formats: 'MapiPropertyType "
    "namespaceGuid Name propertyName', 'MapiPropertyType namespaceGuid Id propertyId' or "
    "'MapiPropertyType propertyTag'."
)
_GUID: Final = r"\{?[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}\}?"
_NUMBER: Final = r"0[xX][0-9A-Fa-f]+|\d+"
_NAMED = re.compile(rf"(?P<type>\w+) (?P<guid>{_GUID}) (?i:name) (?P<name>\S.*)", re.DOTALL)
_NUMBERED = re.compile(rf"(?P<type>\w+) (?P<guid>{_GUID}) (?i:id) (?P<id>{_NUMBER})")
_TAGGED = re.compile(rf"(?P<type>\w+) (?P<tag>{_NUMBER})")


def _integer(bits: int) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            number = int(value.strip(), 10)
        except ValueError:
            return False
        return -(1 << (bits - 1)) <= number < 1 << (bits - 1)

    return check


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# The single-value MAPI property types Graph accepts in an id, each with the check a value
# of that type (always a JSON string) must pass.
_VALUE_CHECKS: Final[dict[str, Callable[[str], bool]]] = {
    "applicationtime": _is_time,
    "binary": _is_base64,
    "boolean": lambda value: value.strip().lower() in {"true", "false"},
    "clsid": _is_guid,
    "currency": _integer(64),
    "double": _is_float,
    "float": _is_float,
    "integer": _integer(32),
    "long": _integer(64),
    "object": lambda value: True,
    "short": _integer(16),
    "string": lambda value: True,
    "systemtime": _is_time,
}


def _format_error() -> GraphError:
    return GraphError(400, "ErrorInvalidProperty", _FORMAT_MESSAGE)


def property_key(property_id: object) -> PropertyKey:
    """Return what identifies the property an id names.

    Args:
        property_id: the id as a request gives it.

    Returns:
        A key that is equal for every spelling of the same property's id.

    Raises:
        GraphError: 400 ``ErrorInvalidProperty`` for an id in none of Graph's formats or of a
            type that is not a single-value MAPI type.
    """
    if not isinstance(property_id, str):
        raise _format_error()
    text = property_id.strip()
    key: PropertyKey
    if match := _NAMED.fullmatch(text):
        key = (match["type"].lower(), _guid(match["guid"]), "name", match["name"])
    elif match := _NUMBERED.fullmatch(text):
        key = (match["type"].lower(), _guid(match["guid"]), "id", _number(match["id"]))
    elif match := _TAGGED.fullmatch(text):
        key = (match["type"].lower(), "tag", _number(match["tag"]))
    else:
        raise _format_error()
    if key[0] not in _VALUE_CHECKS:
        raise _format_error()
    return key


def _number(text: str) -> int:
    return int(text, 16) if text[:2].lower() == "0x" else int(text)


def _guid(text: str) -> str:
    return str(uuid.UUID(text.strip("{}")))


def checked_properties(raw: object) -> list[dict[str, str]]:
    """Check the ``singleValueExtendedProperties`` of a message body and keep what Exchange keeps.

    The body has already passed the schema (each item an object with string ``id`` and
    ``value``); this adds Exchange's own rules.

    Args:
        raw: the property's value in the request body, or ``None`` when absent.

    Returns:
        ``[{"id", "value"}, ...]`` in request order, annotations dropped.

    Raises:
        GraphError: 400 ``ErrorInvalidProperty`` for a missing or malformed id, 400
            ``ErrorInvalidExtendedPropertyValue`` for a missing value or one its type refuses.
    """
    kept: list[dict[str, str]] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, Mapping):
            continue
        key = property_key(item.get("id"))
        value = item.get("value")
        if not isinstance(value, str) or not _VALUE_CHECKS[str(key[0])](value):
            raise GraphError(
                400,
                "ErrorInvalidExtendedPropertyValue",
                "The extended property value is inconsistent with its type.",
            )
        kept.append({"id": str(item["id"]), "value": value})
    return kept


def wanted_keys(expansion: Expansion) -> frozenset[PropertyKey]:
    """Return the properties an expansion of ``singleValueExtendedProperties`` asks for.

    Args:
        expansion: the parsed ``$expand`` item.

    Returns:
        The keys its ``$filter`` names (``id eq '...'`` terms joined by ``or``); none when it
        has no filter, since Graph cannot list every extended property of an item.

    Raises:
        GraphError: 400 ``ErrorInvalidProperty`` for a malformed id; 400 ``BadRequest`` for a
            filter that is not ``id eq '...'`` terms.
    """
    keys: set[PropertyKey] = set()
    for alternative in expansion.any_of or ():
        named: set[PropertyKey] = set()
        for term in alternative:
            if term.path != ("id",) or term.op != "eq":
                raise GraphError(
                    400,
                    "BadRequest",
                    "The sandbox filters expanded extended properties by id only: "
                    f"$filter=id eq '...' (found '{'/'.join(term.path)} {term.op}').",
                )
            named.add(property_key(term.value))
        # `id eq 'a' and id eq 'b'` names a property only when both spell the same one.
        if len(named) == 1:
            keys |= named
    return frozenset(keys)


def expanded(document: Mapping[str, Any], wanted: frozenset[PropertyKey]) -> list[dict[str, str]]:
    """Return a stored item's extended properties that an expansion asks for.

    Args:
        document: the stored message.
        wanted: the keys from :func:`wanted_keys`.

    Returns:
        ``[{"id", "value"}, ...]`` with the ids as they were set.
    """
    return [
        {"id": item["id"], "value": item["value"]}
        for item in document.get(PROPERTY) or []
        if property_key(item["id"]) in wanted
    ]
