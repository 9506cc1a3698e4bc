"""Every ``workflow.patched`` id of Accord's workflows, named once.

A patch id is written into the history of each run that takes the new path, and replay
looks for it by name: an id must never change, and one is retired only through
``workflow.deprecate_patch`` once no run from before it is left (docs/workflows.md,
"Changing workflow code safely").
"""

from __future__ import annotations

REFRESH_HISTORY_ON_REQUEST = "refresh-history-on-request"
"""Marks the commitment runs that continued as new because an operator asked
(``refresh_history``; see :mod:`workflows.refresh`)."""
SHORT_RUNS_AFTER_A_WAKE = "short-runs-after-a-wake"
"""Marks the commitment runs that continue as new for their length only once something woke
them (a person's action, a timer, a signal), so a run whose own start passes its length cannot
hand over to a run that does the same (decision 48)."""
TEAMS_FALLBACK_NOTICE = "teams-fallback-notice"
"""Marks the commitment runs that tell the manager, once, when Teams could not reach an owner
who wants Teams alone."""
PER_MAILBOX_SEND_QUEUES = "per-mailbox-send-queues"
"""Marks the commitment runs whose messages go out on their sending mailbox's task queue,
rate-limited by Temporal across all workers (see :mod:`workflows.sending`)."""
INTAKE_SEND_QUEUES = "intake-send-queues"
"""Marks the intake runs whose answers and confirmations go out on their mailbox's send queue,
rate-limited by Temporal across all workers, as the commitments' messages do."""
DIGEST_SEND_QUEUES = "digest-send-queues"
"""Marks the digest runs whose digest goes out on the manager's sending mailbox's queue."""
INTAKE_ANSWERS_EVERY_EMAIL = "intake-answers-every-email"
"""Marks the intake runs where a mail that asks nothing opens its conversation and gets what
Accord saw with a "Track this" link, instead of silence (issue 18)."""
INTAKE_SOON_DUE_WAITS_FOR_MANAGER = "intake-soon-due-waits-for-manager"
"""Marks the intake runs holding a proposal due so soon that only the manager's confirmation
starts it (the grace window alone does not)."""
LIFECYCLE_CORE = "lifecycle-core"
"""Marks the commitment runs whose actions were decided by the current rules of the lifecycle's
core (:mod:`domain.lifecycle`) where they differ from the rules before it: a revision agreed in
any open status, one answer per check-in link."""
SPACED_CHECK_INS = "spaced-check-ins"
"""Marks the commitment runs whose check-ins are a working day apart, and a working day after
the owner's last answer, a newer one replacing one still waiting (issue 14)."""
SEND_WINDOW_RECHECK = "send-window-recheck"
"""Marks the commitment runs whose sends carry the end of the reader's working window, so a
send delayed past it comes back deferred and waits for the next (issue 14)."""
MEETINGS_IN_HOURS = "meetings-in-hours"
"""Marks the commitment runs that create and cancel 1:1s only when both people can be reached
(or, with no common hours, the attendee), a cancellation after its explanation (issue 14)."""
PREPARED_CONVERSATIONS = "prepared-conversations"
"""Marks the commitment runs whose 1:1 after a miss leaves the owner half a working day and
the manager two working hours, and whose people with no common hours meet at the edge of their
days or talk in writing, never in silence (issue 14)."""
RETURN_BEFORE_MISS = "return-before-miss"
"""Marks the commitment runs that wait a working day after an owner's absence before anything
about a miss is sent (issue 14)."""
SUPPORT_ENDS_WITH_ITS_WORK = "support-ends-with-its-work"
"""Marks the commitment runs that, as they end, tell each promise of support made for them that
the work is over, so the manager who promised is not reminded of it (issue 17)."""
ATTENTION_INDEX = "attention-index"
"""Marks the commitment runs that index what they need (``AccordAttention``: blocked or at
risk, waiting, talking, under way, done) whenever their status or latest answer changes, so
the web app's lists read the groups in order across pages."""
ONE_ON_ONE_BOOKING = "one-on-one-booking"
"""Marks the offers of a regular 1:1 that, once sent, stay open for the manager's one-click
booking of the weekly series (issue 17)."""
DECLINES_BY_NOTIFICATION = "declines-by-notification"
"""Marks the commitment runs that read their 1:1's answer as soon as the watch on the
organizer's calendar says its event changed, instead of at the next two-hourly look (issue 14)."""
