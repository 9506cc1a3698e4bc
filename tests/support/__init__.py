"""What tests share besides fixtures: people, polling, servers, workers, fakes and samples.

Tests import helpers from here only; importing from a test module or a ``conftest.py`` is
banned (ruff's TID251, configured in pyproject.toml), and fixtures live in ``conftest.py``.
"""
