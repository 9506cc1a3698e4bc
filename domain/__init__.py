"""Accord's domain: pure rules and records, with no I/O, clock or randomness.

Every "now" is a parameter, so the package is safe to use inside Temporal workflows. Import it
through ``workflow.unsafe.imports_passed_through()``: the sandbox wraps ``zoneinfo.ZoneInfo``
in a proxy that datetimes refuse as tzinfo, and :func:`domain.timezones.resolve_zone` says so
if the package was imported inside the sandbox instead.

* :mod:`domain.models`: people, commitments, lifecycle, check-ins, revisions, history.
* :mod:`domain.timezones`: IANA and Windows zone names, as Graph uses both.
* :mod:`domain.working_time`: working hours and out-of-office from Graph's mailboxSettings.
* :mod:`domain.cadence`: check-in cadence and reminder times.
* :mod:`domain.slots`: meeting slots from Graph's getSchedule.
* :mod:`domain.messages`: every message Accord sends, rendered once from its kind's
  template (:mod:`~domain.messages.rendering`), then laid out as email or a Teams card.
"""
