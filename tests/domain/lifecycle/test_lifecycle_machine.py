"""The lifecycle's core in every order: Hypothesis plays every action by everyone.

CI runs the fixed-seed ``repeatable`` profile (a few seconds);
``ACCORD_HYPOTHESIS_PROFILE=explore`` plays many more sequences.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.support.lifecycle_model import (
    LifecycleMachine,
    SupportLifecycleMachine,
    SupportRequestMachine,
)

_PROFILE = settings()  # the profile tests/conftest.py loaded
LifecycleMachine.TestCase.settings = settings(
    _PROFILE,
    # A few seconds in CI; the explore profile keeps its own (larger) number.
    max_examples=50 if _PROFILE.derandomize else _PROFILE.max_examples,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLifecycleCore = LifecycleMachine.TestCase

# Support both ways: fewer sequences each, most rules being the same as above.
_SUPPORT_SETTINGS = settings(
    LifecycleMachine.TestCase.settings,
    max_examples=25 if _PROFILE.derandomize else _PROFILE.max_examples,
)
SupportRequestMachine.TestCase.settings = _SUPPORT_SETTINGS
SupportLifecycleMachine.TestCase.settings = _SUPPORT_SETTINGS
TestSupportRequestCore = SupportRequestMachine.TestCase
TestSupportCommitmentCore = SupportLifecycleMachine.TestCase
