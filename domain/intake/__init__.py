"""Intake: reading an email into commitments, without I/O.

* :func:`read_email`: an :class:`InboundEmail` and its :class:`SenderContext` give a
  :class:`Reading`: complete drafts (one per owner), what is missing, or why it is ignored.
* :func:`parse_due`: a due date from words ("Friday 3pm"), also for the manager's answer.
* :func:`visible_text`: a body as plain text without quoted history and signatures.
* :func:`complete_due`: a reading that lacked its due date, completed with the answer.

Inside: ``screening`` (mail left alone, from headers), ``text`` (HTML and quoted history,
in seven languages), ``ask`` with ``ask_words`` (the request, title and criteria, in English,
German, French and Spanish; ``ask_forms`` more forms of asking by their grammar,
``form_titles`` and ``stand_ins`` the titles they give), ``languages`` (which of them),
``dates`` with ``date_phrases``, ``foreign_phrases``, ``holidays``, ``time_phrases``,
``spans`` and ``calendar_words`` (due dates), ``guard_rails`` (due too soon, groups),
``reader`` (it all together), ``question`` with ``question_words`` (asking the manager),
``models``.

How mail becomes a commitment, the rules and the measured accuracy: docs/intake.md.
"""

from domain.intake.due_dates.dates import find_due_dates, parse_due
from domain.intake.models import (
    Draft,
    DueParse,
    Ignored,
    InboundEmail,
    Mailbox,
    Missing,
    Reading,
    SenderContext,
)
from domain.intake.reader import complete_due, read_email
from domain.intake.text import visible_text

__all__ = [
    "Draft",
    "DueParse",
    "Ignored",
    "InboundEmail",
    "Mailbox",
    "Missing",
    "Reading",
    "SenderContext",
    "complete_due",
    "find_due_dates",
    "parse_due",
    "read_email",
    "visible_text",
]
