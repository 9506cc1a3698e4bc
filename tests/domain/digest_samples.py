"""A digest with something in every section, for the template tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.digest import DigestItem, Standing, SupportSuggestion, TeamDigest
from domain.messages import DigestContext
from domain.models import CommitmentSpec, Person
from domain.reliability import RevisionNote, WeekFigures

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
PRIYA = Person(email="priya@example.com", display_name="Priya Raman")


def digest_context(commitment: CommitmentSpec) -> DigestContext:
    """Build a digest about ``commitment`` (at risk, revised) and another person's work."""
    at_risk = DigestItem(
        commitment_id="c1",
        title=commitment.title,
        owner=commitment.owner,
        due=commitment.due,
        standing=Standing.AT_RISK,
        blocked=True,
    )
    on_track = DigestItem(
        commitment_id="c2",
        title="Onboarding guide",
        owner=PRIYA,
        due=NOW + timedelta(days=10),
        standing=Standing.ON_TRACK,
    )
    digest = TeamDigest(
        manager=commitment.manager,
        time_zone="Europe/London",
        week="2026-W48",
        generated_at=NOW,
        on_track=[on_track],
        at_risk=[at_risk],
        missed=[at_risk.model_copy(update={"standing": Standing.MISSED, "blocked": False})],
        done=[on_track.model_copy(update={"standing": Standing.DONE})],
        being_agreed=[on_track.model_copy(update={"standing": Standing.BEING_AGREED})],
        revised=[
            RevisionNote(
                commitment_id="c1",
                title=commitment.title,
                agreed_at=NOW - timedelta(days=2),
                old_due=commitment.due,
                new_due=commitment.due + timedelta(days=7),
                scope_changed=True,
                reason="The EMEA data arrives later",
            )
        ],
        support=[
            SupportSuggestion(
                person=commitment.owner,
                reasons=[f"said they are blocked on \u201c{commitment.title}\u201d"],
                question=f"What is standing in the way on \u201c{commitment.title}\u201d?",
            )
        ],
        weeks=[WeekFigures(week_start=date(2026, 11, 16), on_time=1, slips=1)],
    )
    return DigestContext(
        digest=digest,
        recipient_time_zone="Europe/London",
        chart_content_id="digest-chart@accord",
        chart_alt_text="On-time rate and slips per week over the last 1 weeks.",
    )
