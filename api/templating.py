"""The one Jinja environment for ``api/templates``: link pages, the task pane, the manifest."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def api_templates(*, keep_trailing_newline: bool = False) -> Environment:
    """Return the environment that loads ``api/templates``, autoescaped and strict.

    Args:
        keep_trailing_newline: keep a template's final newline (a downloaded file such as
            the add-in's manifest ends with one; a page needs none).

    Returns:
        The environment, made once per option.
    """
    return Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
