"""How each cached run is held: Temporal's workflow instance, keeping no activation alive.

The SDK parses every activation into one protobuf arena and keeps a few of its fields after
the activation is done: the internal flags and deployment version of the last activation, and
the start's headers from the first. With protobuf's upb runtime a field kept from a message
keeps the whole arena alive, so every cached run held its first activation (its arguments,
search attributes and all) and its last one (an activity's result, an update's input) for as
long as it stayed cached: about 3.7 times the activation's size each, 5 times the arguments
of a run started with a large one (tests/test_workflow_runner.py). :class:`LeanInstanceRunner`
makes instances that keep copies of those fields instead, and drop the completion they
returned.

The sandbox imports its runner class by name inside each workflow's sandbox, so the class
lives here, in a package the worker passes through (accord/wiring/workflow_runner.py), and is
imported once. It subclasses the SDK's own instance, which has no public hook for this; the
test above fails if a new SDK keeps an activation again or renames what this module replaces.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TypeVar

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.worker import (
    UnsandboxedWorkflowRunner,
    WorkflowInstance,
    WorkflowInstanceDetails,
)

# The SDK's instance is private; it is the only implementation of a workflow instance and
# subclassing it is the one way to change what it keeps (see the module's docstring).
from temporalio.worker._workflow_instance import _WorkflowInstanceImpl

_M = TypeVar("_M", bound=Message)


def own_copy(message: _M) -> _M:
    """Return a copy of ``message`` parsed into an arena of its own.

    Args:
        message: a protobuf message, perhaps part of a larger one.

    Returns:
        An equal message that keeps nothing else alive.
    """
    return type(message).FromString(message.SerializeToString())


def own_copies(payloads: Mapping[str, Payload]) -> dict[str, Payload]:
    """Return :func:`own_copy` of each payload of a map (headers, a memo).

    Args:
        payloads: payloads by name, perhaps parts of a larger message.

    Returns:
        The same names, with copies that keep nothing else alive.
    """
    return {name: own_copy(payload) for name, payload in payloads.items()}


class _SeedUntilUsed:
    """Stands in for a run's random generator until the workflow asks for it.

    A generator holds 2.5 KiB of state, and Accord's workflows never draw from it; the seed
    alone is kept until one does. Seeding a fresh generator then gives the very sequence the
    SDK's, seeded at the same moments, would have given, since each seeding resets it.
    """

    __slots__ = ("last_seed",)

    def __init__(self, seed: int) -> None:
        self.last_seed = seed

    def seed(self, seed: int) -> None:
        """Take the seed Temporal sends (the SDK calls this on ``UpdateRandomSeed``)."""
        self.last_seed = seed


class _LeanWorkflowInstance(_WorkflowInstanceImpl):
    """The SDK's instance, forgetting each activation and completion once it is done."""

    def __init__(self, det: WorkflowInstanceDetails) -> None:
        super().__init__(det)
        # Only reseeded (by the SDK) and drawn from (workflow_random below): see the class.
        self._random = _SeedUntilUsed(det.randomness_seed)  # type: ignore[assignment]

    def workflow_random(self) -> random.Random:
        if isinstance(self._random, _SeedUntilUsed):
            # The generator is deterministic by its seed; the sandbox bans only unseeded use.
            self._random = random.Random(self._random.last_seed)  # noqa: S311 (not for secrets)
        return super().workflow_random()

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        completion = super().activate(act)
        # Replaced at the next activation; until then the SDK only asks whether a flag is in
        # it, which a list of the same numbers answers alike (a container would keep `act`).
        self._current_internal_flags = list(self._current_internal_flags)  # type: ignore[assignment]
        version = self._deployment_version_for_current_task
        self._deployment_version_for_current_task = None if version is None else own_copy(version)
        # Built afresh at the start of every activation and read only during one.
        self._current_completion = WorkflowActivationCompletion()
        start = self._workflow_input
        if start is not None and not isinstance(start.headers, dict):
            start.headers = own_copies(start.headers)
        return completion


class LeanInstanceRunner(UnsandboxedWorkflowRunner):
    """Runs each workflow in a :class:`_LeanWorkflowInstance` (the sandbox's inner runner)."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        """Create the instance that runs one workflow.

        Args:
            det: what the SDK creates an instance from.

        Returns:
            An instance of the SDK's own kind that keeps no activation alive.
        """
        # The SDK's instance is an event loop whose unused abstract methods are left out by
        # design; the SDK's own runner ignores the same error when it creates one.
        return _LeanWorkflowInstance(det)  # type: ignore[abstract]
