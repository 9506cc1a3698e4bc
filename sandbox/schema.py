"""Graph's own metadata as a request-body validator.

The subset in ``graph_schema.json`` is generated from Graph's v1.0 CSDL by
``scripts/gen_graph_schema.py``. :class:`GraphSchema` loads it on first use and checks request
bodies and query-option property names the way Graph does, raising
:class:`~sandbox.errors.GraphError` with Graph's codes and messages.

Graph's behaviour honoured here, beyond what the CSDL says:

- message, event and the other Outlook types are open types in the CSDL, yet Graph refuses
  unknown properties on them, naming the type ``Microsoft.OutlookServices.<Name>``;
- enum values are matched without regard to case;
- action parameter names are matched without regard to case (the SDK sends ``Message``,
  the documentation ``message``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from sandbox.errors import GraphError

__all__ = ["GraphSchema"]

SCHEMA_PATH: Final = Path(__file__).with_name("graph_schema.json")
GRAPH_NAMESPACE: Final = "microsoft.graph"
BODY_READ: Final = "RequestBodyRead"
URI_PARSE: Final = "RequestBroker--ParseUri"
# ODataLib refuses payloads nested deeper than 100 levels; the limit also keeps hostile
# bodies from exhausting Python's recursion limit.
MAX_DEPTH: Final = 100

# Value kinds, as small ints so dispatch is a cheap comparison.
PRIMITIVE: Final = 0
ENUM: Final = 1
STRUCTURED: Final = 2
OPAQUE_OBJECT: Final = 3  # navigation target outside the subset: only the JSON shape is known
ANY_JSON: Final = 4  # microsoft.graph.Json and dynamic properties of open types

_DATE_TIME_OFFSET = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,7})?)?"
    r"(?:Z|[+-](\d\d):(\d\d))?"
)
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_TIME_OF_DAY = re.compile(r"(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,7})?)?")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Graph returns standard base64 while OData's JSON format specifies base64url: take either.
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*(={0,2})")
_DURATION = re.compile(
    r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
    r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
)
Check = Callable[[object], bool]

# Azure AD directory extensions: extension_<app id without dashes>_<name>.
_DIRECTORY_EXTENSION = re.compile(r"extension_[0-9a-fA-F]{32}_\w+")


def _valid_date(year: str, month: str, day: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _is_date_time_offset(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _DATE_TIME_OFFSET.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second, off_hour, off_minute = match.groups()
    return (
        _valid_date(year, month, day)
        and int(hour) < 24
        and int(minute) < 60
        and (second is None or int(second) < 60)
        and (off_hour is None or (int(off_hour) <= 14 and int(off_minute) < 60))
    )


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _DATE.fullmatch(value)
    return match is not None and _valid_date(*match.groups())


def _is_time_of_day(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _TIME_OF_DAY.fullmatch(value)
    if match is None:
        return False
    hour, minute, second = match.groups()
    return int(hour) < 24 and int(minute) < 60 and (second is None or int(second) < 60)


def _is_binary(value: object) -> bool:
    if not isinstance(value, str):
        return False
    match = _BASE64.fullmatch(value)
    if match is None:
        return False
    if match.group(1):
        return len(value) % 4 == 0
    return len(value) % 4 != 1


def _integer(low: int, high: int) -> Check:
    def check(value: object) -> bool:
        return type(value) is int and low <= value <= high

    return check


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or value in (
        "NaN",
        "INF",
        "-INF",
    )


def _is_decimal(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_PRIMITIVE_CHECKS: Final[dict[str, Check]] = {
    "Edm.String": lambda value: isinstance(value, str),
    "Edm.Boolean": lambda value: isinstance(value, bool),
    "Edm.Byte": _integer(0, 255),
    "Edm.SByte": _integer(-128, 127),
    "Edm.Int16": _integer(-(2**15), 2**15 - 1),
    "Edm.Int32": _integer(-(2**31), 2**31 - 1),
    "Edm.Int64": _integer(-(2**63), 2**63 - 1),
    "Edm.Double": _is_number,
    "Edm.Single": _is_number,
    "Edm.Decimal": _is_decimal,
    "Edm.DateTimeOffset": _is_date_time_offset,
    "Edm.Date": _is_date,
    "Edm.TimeOfDay": _is_time_of_day,
    "Edm.Guid": lambda value: isinstance(value, str) and _GUID.fullmatch(value) is not None,
    "Edm.Binary": _is_binary,
    "Edm.Duration": lambda value: isinstance(value, str) and _DURATION.fullmatch(value) is not None,
}


def _accept_any(value: object) -> bool:
    return True


def _node(value: object) -> str:
    if isinstance(value, dict):
        return "StartObject"
    if isinstance(value, list):
        return "StartArray"
    return "PrimitiveValue"


def _literal(value: object) -> str:
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def _body_error(message: str, path: str) -> GraphError:
    return GraphError(400, BODY_READ, f"{message} Property path: '{path}'.")


def _node_error(value: object, expected: str, path: str) -> GraphError:
    return _body_error(
        f"An unexpected '{_node(value)}' node was found when reading from the JSON reader. "
        f"A '{expected}' node was expected.",
        path,
    )


def _null_error(type_ref: str, path: str) -> GraphError:
    expected = f"{type_ref}[Nullable=False]"
    return GraphError(
        400,
        BODY_READ,
        f"A null value was found for the property named '{path}', which has the expected type "
        f"'{expected}'. The expected type '{expected}' does not allow null values.",
    )


def _qualify(type_name: str) -> str:
    name = type_name.removeprefix("#")
    if name.startswith("graph."):
        return f"{GRAPH_NAMESPACE}.{name.removeprefix('graph.')}"
    if "." not in name:
        return f"{GRAPH_NAMESPACE}.{name}"
    return name


class _Value:
    """How to check one property or parameter value, resolved once at load time."""

    __slots__ = ("check", "collection", "kind", "nullable", "target", "type_ref")

    def __init__(self, type_ref: str, nullable: bool, schema: GraphSchema) -> None:
        self.type_ref = type_ref
        self.nullable = nullable
        self.collection = type_ref.startswith("Collection(")
        target = type_ref[len("Collection(") : -1] if self.collection else type_ref
        self.target = target
        self.check: Check = _accept_any
        if target.startswith("Edm."):
            self.kind = PRIMITIVE
            self.check = _PRIMITIVE_CHECKS.get(target, _accept_any)
        elif target == f"{GRAPH_NAMESPACE}.Json":
            self.kind = ANY_JSON
        elif target not in schema._raw_types:
            self.kind = OPAQUE_OBJECT
        elif schema._raw_types[target]["kind"] == "enum":
            self.kind = ENUM
        else:
            self.kind = STRUCTURED


class _Enum:
    __slots__ = ("flags", "members", "name")

    def __init__(self, name: str, raw: Mapping[str, Any]) -> None:
        self.name = name
        self.flags: bool = raw["flags"]
        self.members = {member.lower(): member for member in raw["members"]}


class _Structured:
    """An entity or complex type with its inherited properties flattened."""

    __slots__ = (
        "abstract",
        "assignable",
        "dynamic",
        "graph_name",
        "name",
        "navigation",
        "outlook_name",
        "properties",
    )

    def __init__(self, name: str, raw: Mapping[str, Any]) -> None:
        short: str = raw["name"]
        self.name = name
        self.abstract: bool = raw["abstract"]
        self.outlook_name = f"Microsoft.OutlookServices.{short[:1].upper()}{short[1:]}"
        self.graph_name = name
        self.properties: dict[str, _Value] = {}
        # Which of the properties are navigation properties: only those can be expanded.
        self.navigation: set[str] = set()
        # Names of this type and every type derived from it: what @odata.type may name.
        self.assignable: set[str] = {name}
        # Which unknown names an open type accepts as dynamic properties. Outlook ignores
        # OpenType (Graph refuses unknown properties on message and event); Azure AD only
        # takes directory extensions on user; open complex types take anything.
        self.dynamic: re.Pattern[str] | None = None
        if raw["open"] and not raw["outlook"]:
            self.dynamic = (
                _DIRECTORY_EXTENSION if raw["kind"] == "entity" else re.compile(r".+", re.DOTALL)
            )

    def unknown_property(self, name: str, outlook: bool) -> GraphError:
        type_name = self.outlook_name if outlook else self.graph_name
        return GraphError(
            400,
            BODY_READ,
            f"The property '{name}' does not exist on type '{type_name}'. Make sure to only use "
            "property names that are defined by the type or mark the type as open type.",
        )


class _Action:
    __slots__ = ("binding", "name", "outlook", "parameters", "required")

    def __init__(self, name: str, raw: Mapping[str, Any], schema: GraphSchema) -> None:
        self.name = name
        self.binding: str = raw["binding"]
        self.outlook: bool = raw["outlook"]
        self.parameters: dict[str, tuple[str, _Value]] = {
            p["name"].lower(): (p["name"], _Value(p["type"], p["nullable"], schema))
            for p in raw["parameters"]
        }
        self.required = [p["name"] for p in raw["parameters"] if not p["nullable"]]


class GraphSchema:
    """Graph's v1.0 metadata for the types and actions the sandbox serves.

    Build it with :meth:`load`; every lookup table is computed once, there.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw_types: dict[str, Any] = raw["types"]
        self._enums: dict[str, _Enum] = {}
        self._types: dict[str, _Structured] = {}
        for name, data in self._raw_types.items():
            if data["kind"] == "enum":
                self._enums[name] = _Enum(name, data)
            else:
                self._types[name] = _Structured(name, data)
        for name, structured in self._types.items():
            chain = self._base_chain(name)
            for ancestor in chain:
                self._types[ancestor].assignable.add(name)
            for ancestor in reversed(chain):
                data = self._raw_types[ancestor]
                for prop, spec in data["properties"].items():
                    structured.properties[prop] = _Value(spec["type"], spec["nullable"], self)
                for prop, type_ref in data["navigation"].items():
                    structured.properties[prop] = _Value(type_ref, True, self)
                    structured.navigation.add(prop)
        self._actions: dict[str, list[_Action]] = {
            name: [_Action(name, overload, self) for overload in overloads]
            for name, overloads in raw["actions"].items()
        }

    def _base_chain(self, name: str) -> list[str]:
        chain = [name]
        base = self._raw_types[name]["base"]
        while base is not None:
            chain.append(base)
            base = self._raw_types[base]["base"]
        return chain

    @classmethod
    def load(cls) -> GraphSchema:
        """Return the schema, reading ``graph_schema.json`` on the first call only.

        Returns:
            The shared instance.
        """
        return _load()

    def _structured(self, type_name: str) -> _Structured:
        structured = self._types.get(_qualify(type_name))
        if structured is None:
            raise KeyError(f"no entity or complex type {type_name!r} in the Graph schema subset")
        return structured

    def validate_entity(self, type_name: str, body: object, *, for_update: bool = False) -> None:
        """Check a request body against an entity or complex type.

        Args:
            type_name: the expected type, e.g. ``message`` or ``microsoft.graph.message``.
            body: the parsed JSON body.
            for_update: the body is a PATCH. The checks are the same as for a create: Graph's
                metadata marks no property of these types as required or read-only.

        Raises:
            GraphError: 400 ``RequestBodyRead`` when Graph would refuse the body.
            KeyError: ``type_name`` is not an entity or complex type of the subset.
        """
        structured = self._structured(type_name)
        root = structured.name.rpartition(".")[2]
        outlook: bool = self._raw_types[structured.name]["outlook"]
        if not isinstance(body, dict):
            raise _node_error(body, "StartObject", root)
        self._check_object(structured, body, root, outlook, 0)

    def validate_action(
        self, action: str, body: object, *, binding: str | None = None
    ) -> dict[str, object]:
        """Check an action's request body and normalise its parameter names.

        Args:
            action: the action's name, e.g. ``sendMail``.
            body: the parsed JSON body.
            binding: the binding type, only needed if the subset held several overloads.

        Returns:
            The parameters with the CSDL's spelling of their names (``Message``,
            ``SaveToSentItems``), without instance annotations.

        Raises:
            GraphError: 400 ``RequestBodyRead`` for an unknown, repeated or missing parameter
                or a bad value.
            KeyError: the action is not in the subset.
        """
        operation = self._action(action, binding)
        if not isinstance(body, dict):
            raise _node_error(body, "StartObject", operation.name)
        normalised: dict[str, object] = {}
        for key, value in body.items():
            if "@" in key:
                continue
            found = operation.parameters.get(key.lower())
            if found is None:
                raise GraphError(
                    400,
                    BODY_READ,
                    f"The parameter '{key}' in the request payload is not a valid parameter "
                    f"for the operation '{operation.name}'.",
                )
            name, spec = found
            if name in normalised:
                raise GraphError(
                    400,
                    BODY_READ,
                    f"Multiple parameters with the name '{name}' were found in the request "
                    "payload.",
                )
            self._check_value(spec, value, name, operation.outlook, 0)
            normalised[name] = value
        missing = [name for name in operation.required if name not in normalised]
        if missing:
            raise GraphError(
                400,
                BODY_READ,
                f"One or more parameters of the operation '{operation.name}' are missing from "
                f"the request payload. The missing parameters are: {', '.join(missing)}.",
            )
        return normalised

    def _action(self, action: str, binding: str | None) -> _Action:
        name = action.removeprefix(f"{GRAPH_NAMESPACE}.")
        overloads = self._actions.get(name)
        if not overloads:
            raise KeyError(f"no action {action!r} in the Graph schema subset")
        if binding is not None:
            wanted = _qualify(binding)
            overloads = [o for o in overloads if o.binding == wanted]
            if not overloads:
                raise KeyError(f"no action {action!r} bound to {binding!r}")
        if len(overloads) > 1:
            raise KeyError(f"action {action!r} has several overloads: pass binding=")
        return overloads[0]

    def check_properties(self, type_name: str, names: Iterable[str]) -> None:
        """Check property names from ``$select``, ``$filter`` or ``$orderby``.

        Names are matched with case, and may be paths into complex properties
        (``from/emailAddress/address``); ``*`` is accepted.

        Args:
            type_name: the entity type the query addresses, e.g. ``message``.
            names: the property names or paths.

        Raises:
            GraphError: 400 ``RequestBroker--ParseUri`` naming the first unknown property.
            KeyError: ``type_name`` is not an entity or complex type of the subset.
        """
        structured = self._structured(type_name)
        for name in names:
            path = name.strip()
            if path == "*":
                continue
            self._resolve_path(structured, path, raise_unknown=True)

    def expandable(self, type_name: str, name: str) -> str:
        """Resolve a ``$expand`` item to the navigation (or complex) property it names.

        Unlike ``$select``, Graph resolves ``$expand`` names without regard to case
        (``SingleValueExtendedProperties(...)`` reaches Exchange).

        Args:
            type_name: the entity type the query addresses, e.g. ``message``.
            name: the property as the request spells it.

        Returns:
            The property's name as the metadata spells it.

        Raises:
            GraphError: 400 ``RequestBroker--ParseUri`` when the type has no such property or
                the property is neither a navigation nor a complex property.
            KeyError: ``type_name`` is not an entity or complex type of the subset.
        """
        structured = self._structured(type_name)
        found = {prop.lower(): prop for prop in structured.properties}.get(name.strip().lower())
        if found is None:
            raise GraphError(
                400,
                URI_PARSE,
                f"Could not find a property named '{name.strip()}' on type '{structured.name}'.",
            )
        # ODataLib also expands complex properties (for the navigation properties inside).
        if found not in structured.navigation and structured.properties[found].kind != STRUCTURED:
            raise GraphError(
                400,
                URI_PARSE,
                f"Property '{found}' on type '{structured.name}' is not a navigation property "
                "or complex property. Only navigation properties can be expanded.",
            )
        return found

    def property_type(self, type_name: str, prop: str) -> str | None:
        """Return the declared type of a property, or ``None`` if the type has no such property.

        Args:
            type_name: e.g. ``message``.
            prop: a property name or a ``/``-separated path, e.g. ``flag/dueDateTime``.

        Returns:
            The qualified type, e.g. ``Edm.String``, ``microsoft.graph.importance`` or
            ``Collection(microsoft.graph.recipient)``.

        Raises:
            KeyError: ``type_name`` is not an entity or complex type of the subset.
        """
        value = self._resolve_path(self._structured(type_name), prop, raise_unknown=False)
        return None if value is None else value.type_ref

    def _resolve_path(
        self, structured: _Structured, path: str, *, raise_unknown: bool
    ) -> _Value | None:
        current: _Structured | None = structured
        owner = structured.name
        value: _Value | None = None
        for segment in path.split("/"):
            found = current.properties.get(segment) if current is not None else None
            if found is None:
                if value is not None and value.kind == OPAQUE_OBJECT:
                    # Outside the subset: the sandbox cannot check further, Graph would.
                    return None
                if raise_unknown:
                    raise GraphError(
                        400,
                        URI_PARSE,
                        f"Could not find a property named '{segment}' on type '{owner}'.",
                    )
                return None
            value = found
            owner = found.target
            current = self._types.get(found.target)
        return value

    def _check_value(
        self, spec: _Value, value: object, path: str, outlook: bool, depth: int
    ) -> None:
        if value is None:
            if spec.collection or not spec.nullable:
                raise _null_error(spec.type_ref, path)
            return
        if not spec.collection:
            self._check_single(spec, value, path, outlook, depth)
            return
        if not isinstance(value, list):
            raise _node_error(value, "StartArray", path)
        for index, item in enumerate(value):
            if item is None:
                if not spec.nullable:
                    raise _body_error(
                        "A null value was found in a collection, but the expected collection "
                        f"item type '{spec.target}[Nullable=False]' does not allow null values.",
                        f"{path}[{index}]",
                    )
                continue
            self._check_single(spec, item, f"{path}[{index}]", outlook, depth)

    def _check_single(
        self, spec: _Value, value: object, path: str, outlook: bool, depth: int
    ) -> None:
        kind = spec.kind
        if kind == PRIMITIVE:
            if isinstance(value, dict | list):
                raise _node_error(value, "PrimitiveValue", path)
            if not spec.check(value):
                raise _body_error(
                    f"Cannot convert the literal '{_literal(value)}' to the expected type "
                    f"'{spec.target}'.",
                    path,
                )
        elif kind == ENUM:
            if isinstance(value, dict | list):
                raise _node_error(value, "PrimitiveValue", path)
            self._check_enum(self._enums[spec.target], value, path)
        elif kind == STRUCTURED:
            if not isinstance(value, dict):
                raise _node_error(value, "StartObject", path)
            self._check_object(self._types[spec.target], value, path, outlook, depth + 1)
        elif kind == OPAQUE_OBJECT and not isinstance(value, dict):
            raise _node_error(value, "StartObject", path)

    def _check_enum(self, enum: _Enum, value: object, path: str) -> None:
        if not isinstance(value, str):
            raise _body_error(
                f"Cannot convert the literal '{_literal(value)}' to the expected type "
                f"'{enum.name}'.",
                path,
            )
        parts = value.split(",") if enum.flags else [value]
        for part in parts:
            if part.strip().lower() not in enum.members:
                raise _body_error(f"Requested value '{part.strip()}' was not found.", path)

    def _check_object(
        self,
        structured: _Structured,
        body: dict[Any, Any],
        path: str,
        outlook: bool,
        depth: int,
    ) -> None:
        if depth > MAX_DEPTH:
            raise _body_error(f"The maximum nesting depth of {MAX_DEPTH} was exceeded.", path)
        if "@odata.type" in body:
            structured = self._derived_type(structured, body["@odata.type"], path)
        if structured.abstract:
            raise _body_error(
                f"The type '{structured.name}' is abstract: name a derived type with "
                "'@odata.type'.",
                path,
            )
        properties = structured.properties
        for key, value in body.items():
            if "@" in key:
                continue
            spec = properties.get(key)
            if spec is None:
                if structured.dynamic is not None and structured.dynamic.fullmatch(key):
                    continue
                raise structured.unknown_property(key, outlook)
            self._check_value(spec, value, f"{path}.{key}", outlook, depth)

    def _derived_type(self, expected: _Structured, annotation: object, path: str) -> _Structured:
        if not isinstance(annotation, str):
            if isinstance(annotation, dict | list):
                raise _node_error(annotation, "PrimitiveValue", f"{path}.@odata.type")
            raise _body_error(
                f"Cannot convert the literal '{_literal(annotation)}' to the expected type "
                "'Edm.String'.",
                f"{path}.@odata.type",
            )
        name = annotation.removeprefix("#")
        if name == expected.name:
            return expected
        actual = self._types.get(name)
        if actual is None:
            raise _body_error(
                f"A type named '{name}' could not be resolved by the model. When a model is "
                "available, each type name must resolve to a valid type.",
                path,
            )
        if name not in expected.assignable:
            raise _body_error(
                f"A resource with type '{name}' was found, but it is not assignable to the "
                f"expected type '{expected.name}'. The type specified in the resource must be "
                "equal to either the expected type or a derived type.",
                path,
            )
        return actual


@functools.cache
def _load() -> GraphSchema:
    return GraphSchema(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
