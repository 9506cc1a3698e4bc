"""get_person_schedule against the sandbox's mailbox settings."""

from __future__ import annotations

from datetime import time

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.directory.activities import DirectoryActivities
from activities.directory.contracts import ScheduleLookup
from domain.working_time import PersonSchedule
from tests.support.people import LUKAS, PRIYA, SAM


async def _schedule(directory: DirectoryActivities, email: str) -> PersonSchedule:
    return await ActivityEnvironment().run(
        directory.get_person_schedule, ScheduleLookup(email=email)
    )


async def test_reads_zone_and_working_hours(directory: DirectoryActivities) -> None:
    sam = await _schedule(directory, SAM)
    assert sam.zone.key == "America/New_York"
    assert sam.working_hours.days_of_week == (
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    )
    assert (sam.working_hours.start_time, sam.working_hours.end_time) == (time(9), time(17))
    assert sam.automatic_replies.status == "disabled"

    priya = await _schedule(directory, PRIYA)
    assert priya.zone.key == "Asia/Kolkata"
    assert (priya.working_hours.start_time, priya.working_hours.end_time) == (
        time(10),
        time(18, 30),
    )


async def test_reads_a_scheduled_absence(directory: DirectoryActivities) -> None:
    lukas = await _schedule(directory, LUKAS)
    assert lukas.working_hours.days_of_week == ("monday", "tuesday", "wednesday", "thursday")
    absence = lukas.automatic_replies.scheduled_absence
    assert absence is not None
    assert absence.start.weekday() == 0
    assert absence.length.days == 5


async def test_an_unknown_person_fails_for_good(directory: DirectoryActivities) -> None:
    with pytest.raises(ApplicationError) as caught:
        await _schedule(directory, "nobody@northwind.example")
    assert caught.value.non_retryable is True
    assert caught.value.details[0] == 404
