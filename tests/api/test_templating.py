"""The one Jinja environment for api/templates: strict, autoescaped, made once per option."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from api.templating import api_templates


def test_one_environment_per_option() -> None:
    assert api_templates() is api_templates()
    assert api_templates(keep_trailing_newline=True) is not api_templates()
    assert api_templates(keep_trailing_newline=True).keep_trailing_newline
    assert not api_templates().keep_trailing_newline


def test_values_are_escaped_and_missing_ones_are_errors() -> None:
    template = api_templates().from_string("<p>{{ title }}</p>\n")

    assert template.render(title="<b>budget</b>") == "<p>&lt;b&gt;budget&lt;/b&gt;</p>"
    with pytest.raises(UndefinedError):
        template.render()
