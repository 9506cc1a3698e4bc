"""Derive the sandbox's Graph schema subset from Microsoft Graph's v1.0 CSDL.

Usage: ``python scripts/gen_graph_schema.py [CSDL] [OUTPUT]``

CSDL defaults to ``../shared/graph/v1.0.csdl`` beside the repository and OUTPUT to
``sandbox/graph_schema.json``. The output is deterministic, so a test can regenerate it and
compare it with the checked-in file; rerun this script whenever the CSDL is updated.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSDL = REPO_ROOT.parent / "shared" / "graph" / "v1.0.csdl"
DEFAULT_OUTPUT = REPO_ROOT / "sandbox" / "graph_schema.json"

EDM_NS = "{http://docs.oasis-open.org/odata/ns/edm}"
GRAPH = "microsoft.graph"

# Types Exchange Online (Outlook) serves: Graph names them Microsoft.OutlookServices.* in
# its errors, so the validator needs to know which types and actions belong to Outlook.
OUTLOOK_ROOT_TYPES = (
    "event",
    "followupFlag",
    "mailFolder",
    "mailboxSettings",
    "message",
    "outlookItem",
    # A navigation target, but one Graph takes inline in a message or event body (the only
    # way to set an extended property while sending), so the validator needs its shape.
    "singleValueLegacyExtendedProperty",
)
OTHER_ROOT_TYPES = ("group", "subscription", "user")

# (name, binding type, served by Outlook). Graph overloads these names on many bindings;
# the sandbox only implements the ones below.
ROOT_OPERATIONS = (
    ("accept", "microsoft.graph.event", True),
    ("cancel", "microsoft.graph.event", True),
    ("decline", "microsoft.graph.event", True),
    ("delta", "Collection(microsoft.graph.message)", True),
    ("forward", "microsoft.graph.message", True),
    ("getSchedule", "microsoft.graph.calendar", True),
    ("reply", "microsoft.graph.message", True),
    ("replyAll", "microsoft.graph.message", True),
    ("sendActivityNotification", "microsoft.graph.userTeamwork", False),
    ("sendMail", "microsoft.graph.user", True),
    ("tentativelyAccept", "microsoft.graph.event", True),
)


@dataclass
class TypeDef:
    """One structured or enum type as read from the CSDL, with qualified type names."""

    name: str
    namespace: str
    kind: str
    base: str | None = None
    abstract: bool = False
    open: bool = False
    flags: bool = False
    members: list[str] = field(default_factory=list)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    navigation: dict[str, str] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return f"{self.namespace}.{self.name}"


@dataclass
class Operation:
    """A bound action or function; parameters exclude the binding parameter."""

    name: str
    kind: str
    binding: str
    parameters: list[dict[str, Any]]


class Model:
    """The parts of the CSDL the generator needs, with aliases resolved."""

    def __init__(self, root: ET.Element) -> None:
        self.aliases: dict[str, str] = {}
        schemas = root.iter(f"{EDM_NS}Schema")
        for schema in schemas:
            namespace = schema.attrib["Namespace"]
            self.aliases[namespace] = namespace
            if "Alias" in schema.attrib:
                self.aliases[schema.attrib["Alias"]] = namespace
        self.types: dict[str, TypeDef] = {}
        self.operations: list[Operation] = []
        for schema in root.iter(f"{EDM_NS}Schema"):
            self._read_schema(schema)

    def qualify(self, type_ref: str) -> str:
        """Resolve aliases in a type reference, keeping any ``Collection(...)`` wrapper."""
        if type_ref.startswith("Collection(") and type_ref.endswith(")"):
            return f"Collection({self.qualify(type_ref[len('Collection(') : -1])})"
        prefix, _, name = type_ref.rpartition(".")
        if prefix == "Edm":
            return type_ref
        return f"{self.aliases.get(prefix, prefix)}.{name}"

    def _read_schema(self, schema: ET.Element) -> None:
        namespace = schema.attrib["Namespace"]
        for element in schema:
            tag = element.tag.removeprefix(EDM_NS)
            if tag == "EnumType":
                enum = TypeDef(
                    name=element.attrib["Name"],
                    namespace=namespace,
                    kind="enum",
                    flags=element.attrib.get("IsFlags") == "true",
                    members=[m.attrib["Name"] for m in element.iter(f"{EDM_NS}Member")],
                )
                self.types[enum.qualified] = enum
            elif tag in ("EntityType", "ComplexType"):
                structured = TypeDef(
                    name=element.attrib["Name"],
                    namespace=namespace,
                    kind="entity" if tag == "EntityType" else "complex",
                    base=self.qualify(element.attrib["BaseType"])
                    if "BaseType" in element.attrib
                    else None,
                    abstract=element.attrib.get("Abstract") == "true",
                    open=element.attrib.get("OpenType") == "true",
                )
                for prop in element.iter(f"{EDM_NS}Property"):
                    structured.properties[prop.attrib["Name"]] = {
                        "type": self.qualify(prop.attrib["Type"]),
                        "nullable": prop.attrib.get("Nullable", "true") != "false",
                    }
                for nav in element.iter(f"{EDM_NS}NavigationProperty"):
                    structured.navigation[nav.attrib["Name"]] = self.qualify(nav.attrib["Type"])
                self.types[structured.qualified] = structured
            elif tag in ("Action", "Function") and element.attrib.get("IsBound") == "true":
                params: list[dict[str, Any]] = [
                    {
                        "name": p.attrib["Name"],
                        "type": self.qualify(p.attrib["Type"]),
                        "nullable": p.attrib.get("Nullable", "true") != "false",
                    }
                    for p in element.iter(f"{EDM_NS}Parameter")
                ]
                # The binding parameter is always first, whatever it is called.
                self.operations.append(
                    Operation(
                        name=element.attrib["Name"],
                        kind=tag.lower(),
                        binding=params[0]["type"],
                        parameters=params[1:],
                    )
                )

    def find_operation(self, name: str, binding: str) -> Operation:
        """Return the one operation with this name and binding type."""
        found = [op for op in self.operations if op.name == name and op.binding == binding]
        if len(found) != 1:
            raise SystemExit(f"expected one {name} bound to {binding}, found {len(found)}")
        return found[0]


def element_type(type_ref: str) -> str:
    """Strip a ``Collection(...)`` wrapper."""
    if type_ref.startswith("Collection("):
        return type_ref[len("Collection(") : -1]
    return type_ref


def closure(model: Model, roots: list[str]) -> set[str]:
    """Types reachable from roots through base types and structural properties.

    Derived types of every complex type reached are included too, since a body may name
    one with ``@odata.type`` (``attendee`` where a ``recipient`` is expected). Navigation
    properties are never followed: the sandbox does not deep-insert related entities.
    """
    seen: set[str] = set()
    derived: dict[str, list[str]] = {}
    for qualified, typedef in model.types.items():
        if typedef.base is not None:
            derived.setdefault(typedef.base, []).append(qualified)
    pending = list(roots)
    while pending:
        name = element_type(pending.pop())
        if name.startswith("Edm.") or name in seen:
            continue
        if name not in model.types:
            raise SystemExit(f"type {name} is not defined in the CSDL")
        seen.add(name)
        typedef = model.types[name]
        if typedef.base is not None:
            pending.append(typedef.base)
        pending.extend(prop["type"] for prop in typedef.properties.values())
        if typedef.kind == "complex":
            pending.extend(derived.get(name, []))
    return seen


def type_json(typedef: TypeDef, outlook: bool) -> dict[str, Any]:
    """The JSON form of one type."""
    data: dict[str, Any] = {"name": typedef.name, "kind": typedef.kind, "outlook": outlook}
    if typedef.kind == "enum":
        data["flags"] = typedef.flags
        data["members"] = typedef.members
        return data
    data["base"] = typedef.base
    data["abstract"] = typedef.abstract
    data["open"] = typedef.open
    data["properties"] = typedef.properties
    data["navigation"] = typedef.navigation
    return data


def generate(csdl: Path) -> dict[str, Any]:
    """Build the subset from the CSDL at ``csdl``.

    Args:
        csdl: path of Graph's v1.0 CSDL.

    Returns:
        The JSON-ready subset.
    """
    tree = ET.parse(csdl)  # noqa: S314 - trusted, checked-in metadata
    model = Model(tree.getroot())
    operations = [
        (model.find_operation(name, binding), outlook) for name, binding, outlook in ROOT_OPERATIONS
    ]
    outlook_roots = [f"{GRAPH}.{name}" for name in OUTLOOK_ROOT_TYPES]
    other_roots = [f"{GRAPH}.{name}" for name in OTHER_ROOT_TYPES]
    for operation, outlook in operations:
        params = [p["type"] for p in operation.parameters]
        (outlook_roots if outlook else other_roots).extend(params)
    outlook_types = closure(model, outlook_roots)
    all_types = outlook_types | closure(model, other_roots)
    actions: dict[str, list[dict[str, Any]]] = {}
    for operation, outlook in operations:
        actions.setdefault(operation.name, []).append(
            {
                "kind": operation.kind,
                "binding": operation.binding,
                "outlook": outlook,
                "parameters": operation.parameters,
            }
        )
    return {
        "source": "Microsoft Graph v1.0 CSDL (../shared/graph/v1.0.csdl)",
        "generator": "scripts/gen_graph_schema.py",
        "types": {
            name: type_json(model.types[name], name in outlook_types) for name in sorted(all_types)
        },
        "actions": actions,
    }


def render(subset: dict[str, Any]) -> str:
    """Serialise the subset the same way every time."""
    return json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the subset; arguments are an optional CSDL path and output path."""
    csdl = Path(argv[0]) if argv else DEFAULT_CSDL
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    text = render(generate(csdl))
    output.write_text(text, encoding="utf-8")
    subset = json.loads(text)
    sys.stdout.write(
        f"wrote {output.name}: {len(subset['types'])} types, "
        f"{sum(len(v) for v in subset['actions'].values())} operations, {len(text)} bytes\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
