"""The OData query options Accord uses: ``$select``, ``$top``, ``$skip``, ``$filter``, ``$orderby``.

``$filter`` understands comparisons (eq, ne, gt, ge, lt, le) of a property path with a string,
number, boolean, null or date-time literal, and the lambda ``collection/any(x: x/a eq 'v' and
...)`` over a collection of objects (how Graph finds items by extended property), joined by
``and``; that is what Accord sends. Any other expression is refused with Graph's error rather
than silently ignored.

``$expand`` is parsed by :func:`parse_expand`, for the routes that serve it: a comma-separated
list of navigation properties, each optionally with a nested ``$filter`` whose alternatives
are joined by ``or`` (``singleValueExtendedProperties($filter=id eq 'a' or id eq 'b')``).
Which properties may be expanded, and how, is for the route to decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sandbox.errors import GraphError

_COMPARISON = re.compile(
    r"^\s*(?P<path>[A-Za-z][\w/]*)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+(?P<value>'(?:[^']|'')*'|\S+)\s*$",
    re.IGNORECASE,
)
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "ge": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "le": lambda a, b: a is not None and a <= b,
}
_ANY = re.compile(
    r"^\s*(?P<path>[A-Za-z][\w/]*)/any\(\s*(?P<var>[A-Za-z]\w*)\s*:(?P<body>.*)\)\s*$",
    re.IGNORECASE | re.DOTALL,
)
MAX_TOP = 1000


@dataclass(frozen=True)
class Comparison:
    """One ``path op literal`` term of a ``$filter``."""

    path: tuple[str, ...]
    op: str
    value: Any


@dataclass(frozen=True)
class AnyOf:
    """A ``path/any(x: ...)`` term: some item of the collection satisfies every comparison.

    The comparisons' paths are relative to the item (the lambda variable is removed).
    """

    path: tuple[str, ...]
    conditions: tuple[Comparison, ...]


@dataclass
class QueryOptions:
    """The parsed query options of one request."""

    select: list[str] | None = None
    top: int | None = None
    skip: int = 0
    filters: list[Comparison | AnyOf] = field(default_factory=list)
    order_by: tuple[str, bool] | None = None

    def property_names(self) -> set[str]:
        """Return every top-level property named in select, filter and orderby."""
        names = set(self.select or [])
        names.update(term.path[0] for term in self.filters)
        if self.order_by:
            names.add(self.order_by[0])
        return names


def _literal(raw: str) -> Any:
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    lowered = raw.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise GraphError(
            400, "BadRequest", f"Invalid filter clause: the literal '{raw}' is not recognised."
        ) from None


def parse_query(params: Mapping[str, str]) -> QueryOptions:
    """Parse the query options of a request.

    Raises:
        GraphError: 400 for a malformed or unsupported option.
    """
    options = QueryOptions()
    if select := params.get("$select"):
        options.select = [name.strip() for name in select.split(",") if name.strip()]
    for name in ("$top", "$skip"):
        if (raw := params.get(name)) is not None:
            if not raw.isdigit():
                raise GraphError(
                    400, "BadRequest", f"Invalid value '{raw}' for query option '{name}'."
                )
            if name == "$top":
                options.top = min(int(raw), MAX_TOP)
            else:
                options.skip = int(raw)
    if raw_filter := params.get("$filter"):
        options.filters = [_filter_term(term) for term in _split_words(raw_filter.strip(), "and")]
    if order := params.get("$orderby"):
        prop, _, direction = order.strip().partition(" ")
        options.order_by = (prop, direction.strip().lower() == "desc")
    return options


@dataclass(frozen=True)
class Expansion:
    """One item of ``$expand``.

    Attributes:
        name: the navigation property as the request spells it.
        any_of: the alternatives of the item's nested ``$filter`` (joined by ``or``), each a
            conjunction of comparisons; ``None`` when the item has no ``$filter``.
    """

    name: str
    any_of: tuple[tuple[Comparison, ...], ...] | None = None


_EXPAND_ITEM = re.compile(
    r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*(?:\((?P<options>.*)\))?\s*$", re.DOTALL
)
_NESTED_OPTION = re.compile(r"^\s*(?P<name>\$?[A-Za-z]+)\s*=(?P<value>.*)$", re.DOTALL)


def _expand_error(term: str) -> GraphError:
    # ODataLib's wording, as Graph returns it for an $expand it cannot parse.
    return GraphError(
        400,
        "BadRequest",
        f"Parsing OData Select and Expand failed: Term '{term}' is not valid in a $select or "
        "$expand expression.",
    )


def _split_top_level(text: str, separator: str) -> list[str] | None:
    """Split at ``separator`` outside quotes and parentheses; ``None`` if they do not balance."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(text):
        if char == "'":
            # A doubled quote inside a literal toggles twice: it stays inside.
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth or quoted:
        return None
    parts.append(text[start:])
    return parts


def _split_words(text: str, word: str) -> list[str]:
    """Split at a keyword such as ``or`` between spaces, outside quotes and parentheses."""
    pattern = re.compile(rf"\s+{word}\s+", re.IGNORECASE)
    parts: list[str] = []
    start = 0
    quoted = False
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and (match := pattern.match(text, index)):
            parts.append(text[start:index])
            start = index = match.end()
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _filter_term(term: str) -> Comparison | AnyOf:
    match = _ANY.match(term)
    if match is None:
        return _comparison(term)
    prefix = f"{match['var']}/"
    conditions: list[Comparison] = []
    for inner in _split_words(match["body"].strip(), "and"):
        condition = _comparison(inner)
        if condition.path[0] + "/" != prefix:
            raise GraphError(
                400,
                "BadRequest",
                f"Invalid filter clause: '{inner.strip()}' does not use the lambda variable "
                f"'{match['var']}'.",
            )
        conditions.append(Comparison(condition.path[1:], condition.op, condition.value))
    return AnyOf(tuple(match["path"].split("/")), tuple(conditions))


def _comparison(term: str) -> Comparison:
    match = _COMPARISON.match(term)
    if match is None:
        raise GraphError(
            400, "BadRequest", f"Invalid filter clause: unsupported expression '{term.strip()}'."
        )
    return Comparison(
        tuple(match["path"].split("/")), match["op"].lower(), _literal(match["value"])
    )


def _nested_filter(raw: str) -> tuple[tuple[Comparison, ...], ...]:
    return tuple(
        tuple(_comparison(term) for term in _split_words(alternative, "and"))
        for alternative in _split_words(raw.strip(), "or")
    )


def parse_expand(raw: str | None) -> list[Expansion]:
    """Parse a ``$expand`` query option.

    Args:
        raw: the option's value, or ``None`` when the request has none.

    Returns:
        The items in request order (empty without ``$expand``).

    Raises:
        GraphError: 400 for a malformed ``$expand``, a nested option other than ``$filter``, or
            a nested ``$filter`` that is not comparisons joined by ``and`` and ``or``.
    """
    if raw is None:
        return []
    items = _split_top_level(raw, ",")
    if items is None:
        raise _expand_error(raw)
    expansions: list[Expansion] = []
    for item in items:
        match = _EXPAND_ITEM.match(item)
        if match is None:
            raise _expand_error(item.strip())
        options = match["options"]
        if options is None or not options.strip():
            expansions.append(Expansion(match["name"]))
            continue
        nested = _split_top_level(options, ";")
        if nested is None:
            raise _expand_error(item.strip())
        any_of: tuple[tuple[Comparison, ...], ...] | None = None
        for option in nested:
            found = _NESTED_OPTION.match(option)
            if found is None or not found["value"].strip():
                raise _expand_error(f"({options})")
            if found["name"].lower() != "$filter":
                raise GraphError(
                    400,
                    "BadRequest",
                    f"The sandbox does not support the option '{found['name']}' inside "
                    "$expand; only $filter.",
                )
            if any_of is not None:
                raise _expand_error(f"({options})")
            any_of = _nested_filter(found["value"])
        expansions.append(Expansion(match["name"], any_of))
    return expansions


def _resolve(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _comparable(value: Any, other: Any) -> Any:
    # Graph compares strings without regard to case, e.g. addresses in $filter.
    if isinstance(value, str) and isinstance(other, str):
        return value.lower()
    return value


def matches(document: Mapping[str, Any], filters: Sequence[Comparison | AnyOf]) -> bool:
    """Return whether a document satisfies every term."""
    for term in filters:
        if isinstance(term, AnyOf):
            items = _resolve(document, term.path)
            if not isinstance(items, list) or not any(
                isinstance(item, Mapping) and matches(item, term.conditions) for item in items
            ):
                return False
            continue
        value = _resolve(document, term.path)
        expected = _comparable(term.value, value)
        if not _OPERATORS[term.op](_comparable(value, term.value), expected):
            return False
    return True


def project(document: Mapping[str, Any], select: list[str] | None) -> dict[str, Any]:
    """Keep only the selected properties (``id`` and annotations always stay)."""
    if select is None:
        return dict(document)
    wanted = {name.lower() for name in select}
    return {
        key: value
        for key, value in document.items()
        if key.lower() in wanted or key == "id" or key.startswith("@odata")
    }


def page(
    items: list[dict[str, Any]],
    options: QueryOptions,
    *,
    base_url: str,
    query: Mapping[str, str],
    default_top: int,
    context: str,
) -> dict[str, Any]:
    """Filter, order, page and project a collection into Graph's response shape.

    Args:
        items: the whole collection.
        options: the request's parsed query options.
        base_url: the request URL without its query string, for ``@odata.nextLink``.
        query: the request's query parameters, carried into the next link.
        default_top: the page size when the request names none.
        context: the ``@odata.context`` value.

    Returns:
        ``{"@odata.context", "value", "@odata.nextLink"?}``.
    """
    selected = [item for item in items if matches(item, options.filters)]
    if options.order_by:
        prop, descending = options.order_by
        selected.sort(
            key=lambda item: (_resolve(item, (prop,)) is None, str(item.get(prop) or "")),
            reverse=descending,
        )
    top = options.top if options.top is not None else default_top
    window = selected[options.skip : options.skip + top]
    body: dict[str, Any] = {
        "@odata.context": context,
        "value": [project(item, options.select) for item in window],
    }
    if options.skip + top < len(selected):
        next_query = dict(query)
        next_query["$skip"] = str(options.skip + top)
        next_query["$top"] = str(top)
        body["@odata.nextLink"] = f"{base_url}?{urlencode(next_query)}"
    return body
