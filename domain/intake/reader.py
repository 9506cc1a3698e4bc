"""read_email: from one email to a :class:`Reading` (drafts, what is missing, or why ignored).

Nothing is guessed: when the owner, the due date or the title cannot be read with confidence,
the reading lists what is missing so that the manager is asked, and no commitment starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from domain.intake.ask import (
    Ask,
    addressees,
    asks_to_track,
    clean_subject,
    content_lines,
    criteria_from,
    delegate_of,
    derived_criteria,
    description_from,
    find_ask,
    find_team_handover,
    has_request_cue,
    is_statement_ask,
    leaves_owner_open,
    readable,
    says_no_action,
    sentences,
    title_from,
    tracked_statement,
    without_courtesy,
)
from domain.intake.due_dates.dates import find_due_dates
from domain.intake.guard_rails import is_group, short_notice
from domain.intake.informed import called_by_name, kept_informed, without_informed
from domain.intake.languages import detect_language
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
from domain.intake.screening import screen
from domain.intake.text import (
    BEGIN_FORWARDED,
    FORWARDED_MESSAGE,
    MAX_ANALYSED_CHARS,
    RAW_BODY_READ_CHARS,
    split_body,
    split_quoted_header,
)
from domain.timezones import resolve_zone

MAX_SUBJECT_CHARS = 1_000
"""Only the start of a subject is read (Outlook itself shows far less)."""


def _owners(
    email: InboundEmail, context: SenderContext, notes: list[str], groups: list[Mailbox]
) -> list[Mailbox]:
    owners: list[Mailbox] = []
    for recipient in email.to:
        if recipient.address in {*context.agent_addresses, email.sender.address}:
            continue
        if is_group(recipient, context.groups):
            # A distribution list is never an owner: a commitment is one person's.
            if all(recipient.address != group.address for group in groups):
                groups.append(recipient)
                notes.append(
                    f"{recipient.name or recipient.address} is a group, so I did not set up "
                    "a commitment for it. Write to the person who will own it, or reply with "
                    "their name."
                )
            continue
        if recipient.domain not in context.tenant_domains:
            notes.append(
                f"{recipient.name or recipient.address} is outside your organisation, "
                "so I did not set up a commitment for them."
            )
            continue
        if all(recipient.address != owner.address for owner in owners):
            owners.append(recipient)
    return owners


def _due(
    texts: list[tuple[str, bool]], sent_at: datetime, context: SenderContext, zone: str
) -> DueParse | None:
    """The clearest deadline: the strongest cue wins; on a tie, the earlier text (the ask)."""
    best: DueParse | None = None
    for text, require_cue in texts:
        found = find_due_dates(
            without_courtesy(text),
            sent_at=sent_at,
            time_zone=zone,
            working_day_end=context.working_day_end,
            working_day_start=context.working_day_start,
            require_cue=require_cue,
            locale=context.language,
            region=context.region,
        )
        if found and (best is None or _clearer(found[0], best)):
            best = found[0]
    return best


def _clearer(candidate: DueParse, best: DueParse) -> bool:
    if candidate.strength != best.strength:
        return candidate.strength > best.strength
    return best.ambiguous and not candidate.ambiguous


def _zone(context: SenderContext, notes: list[str]) -> str:
    try:
        return resolve_zone(context.time_zone).key
    except ValueError:
        notes.append(
            f"I could not recognise the time zone {context.time_zone!r}, "
            "so I read the dates in UTC."
        )
        return "UTC"


def _due_notes(due: DueParse | None, text: str) -> tuple[list[Missing], list[str]]:
    if due is None:
        vague = any(word in text.lower() for word in ("asap", "as soon as possible", "urgent"))
        hint = ' "As soon as possible" does not give a date to plan around.' if vague else ""
        return [Missing.DUE_DATE], [
            f"I could not find a due date.{hint} Reply with one, for example "
            '"Friday 3pm" or "4 December".'
        ]
    # Quoted without "by" or "due": when the answer quotes this note, the answer's own date
    # (first, and no weaker) is the one read.
    words = _CUE_PREFIX.sub("", due.text) or due.text
    if due.ambiguous:
        return [Missing.DUE_AMBIGUOUS], [
            f'"{words}" could mean more than one date. Reply with the date written out, '
            'for example "4 December".'
        ]
    if due.in_past:
        return [Missing.DUE_IN_PAST], [
            f'"{words}" is already past. Reply with a new date, for example "next Friday".'
        ]
    return [], []


_CUE_PREFIX = re.compile(
    r"^(?:by|before|due(?:\s+(?:on|by|date|at))?:?|deadline(?:\s+(?:is|of))?:?|until|till"
    r"|no\s+later\s+than|on\s+or\s+before|on|for|at|bis(?:\s+(?:zum|zur))?|vor|am"
    r"|d['\u2019]ici|avant|pour|para|antes\s+del?|hasta)\s+(?:the\s+|le\s+|el\s+|la\s+)?",
    re.IGNORECASE,
)


_DUE_NOTE_MARKS = (
    "I could not find a due date",
    "could mean more than one date",
    "is already past",
)


def _is_due_note(note: str) -> bool:
    return any(mark in note for mark in _DUE_NOTE_MARKS)


def _forwarded_lines(
    email: InboundEmail, quoted: str, quoted_from: str, *, any_author: bool = False
) -> list[str] | None:
    """The forwarded message's own lines, when the forwarder wrote it themselves.

    With ``any_author``, whoever wrote it: the forwarder asked Accord to track it.
    """
    sender = email.sender
    address, name = split_quoted_header(quoted_from)
    same_person = (
        any_author
        or address == sender.address
        or (not address and bool(sender.name) and name.lower() == sender.name.lower())
    )
    if not same_person or not quoted:
        return None
    inner = split_body(quoted, is_html=False)
    return content_lines(inner.new)


_FORWARD_SUBJECT = re.compile(r"^\s*(?:fw|fwd|wg|tr|rv|vs|enc|i|doorst)\s*:", re.IGNORECASE)
_CARRIED_SUBJECT = re.compile(
    r"^\s*(?:re|aw|antw|sv|r|rif|réf|rép|fw|fwd|wg|tr|rv|vs|enc|i|doorst)\s*:", re.IGNORECASE
)
_FORWARD_MARK = re.compile(
    r"^-{2,}\s*(?:" + FORWARDED_MESSAGE + r")|^(?:" + BEGIN_FORWARDED + r")",
    re.IGNORECASE | re.MULTILINE,
)


def _tracked_ask(
    email: InboundEmail,
    quoted: str,
    quoted_from: str,
    names: list[str],
    deadline: Callable[[str], DueParse | None],
) -> tuple[list[str], Ask] | None:
    """The ask of a forwarded message the forwarder asks Accord to track."""
    if not _is_forward(email, ""):
        return None
    forwarded = _forwarded_lines(email, quoted, quoted_from, any_author=True)
    if forwarded is None or says_no_action(without_courtesy("\n".join(forwarded))):
        return None
    ask = find_ask(forwarded, names, deadline)
    return (forwarded, ask) if ask is not None else None


def _is_forward(email: InboundEmail, new_text: str) -> bool:
    # A reply quotes history that must not be re-read; only a forward hands over an ask.
    del new_text
    return bool(_FORWARD_SUBJECT.match(email.subject) or _FORWARD_MARK.search(email.body[:50_000]))


def _subject_ask(
    email: InboundEmail,
    names: list[str],
    lines: list[str],
    dated: Callable[[str], DueParse | None],
) -> Ask | None:
    """An ask written in the subject alone ("Sam - please send the Q1 forecast by Friday").

    Above an empty body, or a few words pointing to it ("See subject, thx"), a subject
    addressed to a recipient that names a thing and its deadline is an ask too ("Grace:
    Tailspin QBR deck - Tue 2/9").
    """
    if _CARRIED_SUBJECT.match(email.subject):
        # A reply's or forward's subject is the earlier message's words, not the sender's:
        # "Fwd: Can you send the W-9?" above "Already handled this one" asks nothing.
        return None
    topic = clean_subject(email.subject)
    if not topic:
        return None
    if has_request_cue(topic):
        return find_ask([topic], names)
    body = " ".join(lines)
    if len(body.split()) > _SHORT_BODY_WORDS or (body and not _POINTS_TO_SUBJECT.search(body)):
        # Only an empty body, or one that points to the subject ("See subject, thx").
        return None
    if not body and email.has_attachments:
        # "Sam: Q3 results - Friday" with a file and no words delivers; it does not ask.
        return None
    due = dated(topic)
    if due is not None and is_statement_ask(topic, names, due, bare=True):
        return Ask(sentence=topic, statement=True)
    return None


_SHORT_BODY_WORDS = 8
_POINTS_TO_SUBJECT = re.compile(
    r"\b(?:subject|subj|title|above|betreff|siehe\s+oben|objet|titre|asunto|arriba|t[íi]tulo)\b",
    re.IGNORECASE,
)


def read_email(email: InboundEmail, context: SenderContext) -> Reading:
    """Read an email sent to (or copied to) Accord into commitments.

    The sender is the manager; each To recipient inside the organisation, other than Accord
    and the sender, is an owner with a commitment of their own. Only the sender's new text is
    read (quoted history is not). A forward whose new text asks nothing is read from the
    forwarded message when the forwarder wrote it.

    Args:
        email: the message.
        context: Accord's address, the organisation's domains and the sender's time zone
            and working day.

    Returns:
        What was understood: ``ignored`` (do nothing), ``missing`` (ask the manager) or one
        draft per owner.
    """
    if len(email.subject) > MAX_SUBJECT_CHARS:
        # A subject is a line: read only its start, so no pattern runs over an endless one.
        email = email.model_copy(update={"subject": email.subject[:MAX_SUBJECT_CHARS]})
    reason = screen(email, context)
    if reason is not None:
        return Reading(ignored=reason, manager=email.sender)
    notes: list[str] = []
    zone = _zone(context, notes)
    split = split_body(email.body[:RAW_BODY_READ_CHARS], is_html=email.body_is_html)
    groups: list[Mailbox] = []
    owners = _owners(email, context, notes, groups)
    names = [person.first_name.lower() for person in [*email.to, *email.cc]]
    names += [person.first_name.lower() for person in context.people]
    lines = content_lines(split.new)
    own_lines = lines
    has_deadline = _deadline_check(email.sent_at, context, zone)
    any_date = _deadline_check(email.sent_at, context, zone, require_cue=False)
    no_action = says_no_action(without_courtesy(without_informed(split.new, owners)))
    ask = None if no_action else find_ask(lines, names, has_deadline, dated=any_date)
    if ask is None and not no_action and split.quoted and _is_forward(email, split.new):
        forwarded = _forwarded_lines(email, split.quoted, split.quoted_from)
        if forwarded is not None and not says_no_action(without_courtesy("\n".join(forwarded))):
            lines = forwarded
            ask = find_ask(lines, names, has_deadline, dated=any_date)
            if not owners:
                owners = [
                    Mailbox(address=address)
                    for address in split.quoted_to
                    if address.rpartition("@")[2] in context.tenant_domains
                    and address not in context.agent_addresses
                    and address != email.sender.address
                ]
                names += [owner.first_name.lower() for owner in owners]
    if ask is not None and split.quoted and asks_to_track(ask.sentence, names):
        # "Please track this one for me" above a forward: the work is in the forwarded text.
        tracked = _tracked_ask(email, split.quoted, split.quoted_from, names, has_deadline)
        if tracked is not None:
            lines, ask = tracked
    tracked_doer = ""
    if ask is not None and asks_to_track(ask.sentence, names):
        # "Please track this one: Sam is sending the figures by Thursday": the statement is
        # the work, and the person it names is the doer.
        stated, tracked_doer = tracked_statement(ask.sentence, names)
        ask = Ask(sentence=stated, statement=True) if stated else ask
    team_work = False
    if ask is None and not no_action:
        # Said to a person, only a team's duty asks who owns it; its future is news.
        ask = find_team_handover(
            own_lines, names, has_deadline, duty_only=not _to_accord_alone(email, context)
        )
        lines = own_lines if ask is not None else lines
        team_work = ask is not None
    if ask is None and not no_action:
        dated = _deadline_check(email.sent_at, context, zone, require_cue=False)
        ask = _subject_ask(email, names, lines, dated)
    language = detect_language(split.new or email.subject, context.language)
    if ask is None:
        if not readable(split.new) or not readable(email.subject):
            notes.append(
                "I read requests in English, German, French and Spanish, and found none here."
            )
        return Reading(
            ignored=Ignored.NOT_A_REQUEST,
            owners=owners,
            notes=notes,
            manager=email.sender,
            language=language,
            excluded_groups=groups,
        )
    if team_work:
        # A team named as the doer is no person: the manager is asked who owns it.
        owners = []
    delegate = tracked_doer or delegate_of(ask.sentence, names)
    owners = _addressed_in_copy(ask.sentence, email, context, owners, notes)
    if not owners and _to_accord_alone(email, context):
        owners = _owners_named_in_text(ask.sentence, lines, email, context, notes, delegate)
    elif len(owners) > 1:
        owners = _owners_meant(ask.sentence, owners, delegate, notes)
    if len(owners) > 1:
        owners = _without_copied(ask.sentence, "\n".join(own_lines), owners, notes)
    if len(email.body) > MAX_ANALYSED_CHARS:
        notes.append(
            f"Your message is long, so I read only its first {MAX_ANALYSED_CHARS:,} characters."
        )
    text = "\n".join(lines)
    due = _due(
        [(ask.sentence, False), (ask.deadline, False), (text, True), (email.subject, True)],
        email.sent_at,
        context,
        zone,
    )
    if due is None and split.quoted and lines is own_lines and _is_forward(email, ""):
        # "Can you handle this?" above a forward, with no date of its own: the forwarded
        # request's deadline ("by January 15") is the one to meet.
        forwarded = _forwarded_lines(email, split.quoted, split.quoted_from, any_author=True)
        if forwarded:
            due = _due([("\n".join(forwarded), True)], email.sent_at, context, zone)
    title = title_from(
        ask.sentence,
        due_text=due.text if due else "",
        subject=email.subject,
        names=names,
        before=_sentence_before(ask.sentence, lines),
    )
    criteria = criteria_from(lines)
    derived = False
    if title and not criteria:
        criteria = derived_criteria(title, email.sender.first_name)
        derived = True
        notes.append(
            f'You did not say what done looks like, so I suggest: "{criteria}". '
            "Change it if you had something else in mind."
        )
    missing: list[Missing] = []
    if not owners:
        missing.append(Missing.OWNER)
        notes.append(
            "I could not tell who this is for. Write to them directly with me in Cc, "
            "or reply with their email address."
        )
    if not title:
        missing.append(Missing.TITLE)
        notes.append("I could not tell what is being asked. Reply with a one-line summary.")
    due_missing, due_notes = _due_notes(due, text)
    missing += due_missing
    notes += due_notes
    if due is not None and due.anchor:
        notes.append(f"I took the due date from your words: {due.anchor}.")
    description = description_from(lines)
    reading = Reading(
        missing=missing,
        owners=owners,
        notes=notes,
        manager=email.sender,
        title=title,
        description=description,
        success_criteria=criteria,
        criteria_derived=derived,
        due=due.due if due else None,
        due_text=due.text if due else "",
        due_anchor=due.anchor if due else "",
        language=language,
        excluded_groups=groups,
    )
    if due is not None and not due.in_past:
        reading = _with_notice_check(reading, email.sent_at, due.due, context, zone)
    if missing or due is None:
        return reading
    return reading.model_copy(update={"drafts": _drafts(reading, due.due)})


def _sentence_before(sentence: str, lines: list[str]) -> str:
    """The sentence just before the ask in the text, or "" when it comes first."""
    found = sentences(lines)
    at = found.index(sentence) if sentence in found else 0
    return found[at - 1] if at > 0 else ""


def _deadline_check(
    sent_at: datetime, context: SenderContext, zone: str, *, require_cue: bool = True
) -> Callable[[str], DueParse | None]:
    """The deadline a sentence sets: a date with a cue, or one that is a deadline alone.

    Without ``require_cue``, any date the sentence names (a subject's "Deck - Tue 2/9").
    """

    def deadline(sentence: str) -> DueParse | None:
        found = find_due_dates(
            sentence,
            sent_at=sent_at,
            time_zone=zone,
            working_day_end=context.working_day_end,
            working_day_start=context.working_day_start,
            require_cue=require_cue,
            locale=context.language,
            region=context.region,
        )
        return found[0] if found else None

    return deadline


def _to_accord_alone(email: InboundEmail, context: SenderContext) -> bool:
    """Whether the mail names nobody in To but Accord (and perhaps the sender)."""
    return all(
        recipient.address in {*context.agent_addresses, email.sender.address}
        for recipient in email.to
    )


def _owners_named_in_text(
    sentence: str,
    lines: list[str],
    email: InboundEmail,
    context: SenderContext,
    notes: list[str],
    delegate: str = "",
) -> list[Mailbox]:
    """The owner a mail to Accord alone names in its text ("Omar is taking over ...").

    Only people the caller knows in the organisation count (``context.people``), by full
    name, or by first name when just one of them has it; the person the ask hands the work
    to (``delegate``: "Omar" in "Omar is taking over the plan from Sam") is searched first,
    then the ask sentence, then the rest of the text.
    """
    known = {person.address: person for person in [*context.people, *email.cc]}
    people = [
        person
        for person in known.values()
        if person.domain in context.tenant_domains
        and person.address not in context.agent_addresses
        and person.address != email.sender.address
        and not is_group(person, context.groups)
    ]
    # Cc recipients are kept informed, so they are owners only when named as the doer.
    copied = {person.address for person in email.cc}
    candidates = [person for person in people if person.address not in copied]
    searches = ((delegate, people), (sentence, candidates), ("\n".join(lines), candidates))
    for text, pool in searches:
        found = _people_in(text, pool) if text else []
        if len(found) == 1:
            return found
        if len(found) > 1:
            names = " or ".join(person.name or person.address for person in found)
            notes.append(f"I could not tell whether this is for {names}.")
            return []
    return []


def _addressed_in_copy(
    sentence: str,
    email: InboundEmail,
    context: SenderContext,
    owners: list[Mailbox],
    notes: list[str],
) -> list[Mailbox]:
    """The owner when the ask is addressed by name to one Cc recipient and to no owner.

    "Sam, Alex is taking this over. Alex, please have it closed by Friday" to Sam with Alex
    in Cc: Cc recipients are kept informed, unless the ask itself turns to one of them.
    """
    called = {name.lower() for name in addressees(sentence)}
    if not owners or not called:
        return owners
    if any(owner.first_name.lower() in called for owner in owners):
        return owners
    copied = [
        person
        for person in email.cc
        if person.first_name.lower() in called
        and person.domain in context.tenant_domains
        and person.address not in context.agent_addresses
        and not is_group(person, context.groups)
    ]
    if len(copied) != 1 or len(called) != 1 or copied[0].address == email.sender.address:
        return owners
    notes.append(f"You asked {copied[0].name or copied[0].address} by name, so this is for them.")
    return copied


def _owners_meant(
    sentence: str, owners: list[Mailbox], delegate: str, notes: list[str]
) -> list[Mailbox]:
    """Of several To recipients, the ones the ask is for.

    An ask that names its doer ("Sam owns the plan, Priya reviews it", "ACTION: Sam to
    circulate the roadmap") is for that one person; one that leaves the choice open ("could
    one of you ...") is for none of them yet, and the manager is asked who.
    """
    if delegate:
        named = _people_in(delegate, owners)
        if len(named) == 1:
            return named
    if leaves_owner_open(sentence):
        names = " or ".join(owner.name or owner.address for owner in owners)
        notes.append(f"I could not tell whether this is for {names}.")
        return []
    return owners


def _without_copied(
    sentence: str, text: str, owners: list[Mailbox], notes: list[str]
) -> list[Mailbox]:
    """Of several owners, leave out those only kept informed, or keep the one the ask calls.

    "Omar, that's with you; Maya, just for visibility": Maya is copied, not asked. "One
    thing I need from you, Nina: the cap table": the ask calls one of them by name.
    """
    informed = kept_informed(text, owners)
    if informed:
        names = " and ".join(person.name or person.address for person in informed)
        verb = "is" if len(informed) == 1 else "are"
        notes.append(f"You said {names} {verb} only kept informed, so this is not for them.")
        return [owner for owner in owners if owner not in informed]
    called = {name.lower() for name in called_by_name(sentence)}
    meant = [owner for owner in owners if owner.first_name.lower() in called]
    if len(meant) == 1:
        return meant
    # "Hi both, ... Omar, can you take that one?": the ask opens by calling some of the To
    # recipients; the others are owners only when the ask names them too ("Omar, can you
    # and Priya ...").
    opened = {name.lower() for name in addressees(sentence)}
    meant = [owner for owner in owners if owner.first_name.lower() in opened]
    if meant and not _people_in(sentence, [owner for owner in owners if owner not in meant]):
        return meant
    return owners


def _people_in(text: str, people: list[Mailbox]) -> list[Mailbox]:
    words = set(_NAME_WORD.findall(text))
    lowered = text.lower()
    found: list[Mailbox] = []
    for person in people:
        full = person.name.strip()
        by_full = bool(full) and len(full.split()) > 1 and full.lower() in lowered
        by_address = person.address in lowered
        first = person.first_name
        shared = sum(1 for other in people if other.first_name == first)
        by_first = bool(person.name) and first in words and shared == 1
        if (by_full or by_address or by_first) and person not in found:
            found.append(person)
    return found


_NAME_WORD = re.compile(r"(?<![\w@.])[A-Z][\w'-]*")


def _with_notice_check(
    reading: Reading, sent_at: datetime, due: datetime, context: SenderContext, zone: str
) -> Reading:
    """Flag a due date too close to start on the grace window alone."""
    zones = [context.owner_time_zones.get(owner.address, zone) for owner in reading.owners]
    for owner_zone in zones or [zone]:
        reason = short_notice(
            sent_at, due, owner_zone, context.working_day_start, context.working_day_end
        )
        if reason:
            return reading.model_copy(
                update={
                    "needs_manager_confirmation": True,
                    "confirmation_reason": reason,
                    "notes": [
                        *reading.notes,
                        "This is due very soon, so I will wait for you to confirm it before "
                        "telling anyone.",
                    ],
                }
            )
    return reading


def _drafts(reading: Reading, due: datetime) -> list[Draft]:
    return [
        Draft(
            owner=owner,
            title=reading.title,
            description=reading.description,
            success_criteria=reading.success_criteria,
            due=due,
            due_text=reading.due_text,
            criteria_derived=reading.criteria_derived,
        )
        for owner in reading.owners
    ]


def complete_due(reading: Reading, due: DueParse, *, now: datetime | None = None) -> Reading:
    """Complete a reading that lacked a usable due date with the manager's answer.

    Typical use: the manager answered "Friday 3pm"; the caller parses it with
    :func:`domain.intake.parse_due` relative to the answer's sent time, then calls this.
    Notes about the old due date are replaced; other notes (such as derived criteria) stay.

    Args:
        reading: a reading whose ``missing`` lists a due-date problem.
        due: the date read from the answer (or built by the caller, e.g. from a flag).
        now: when given, ``due.in_past`` is decided against it instead of trusted, for a
            ``DueParse`` the caller built rather than parsed.

    Returns:
        The reading with the date; complete (with drafts) when nothing else is missing,
        otherwise still listing what is missing (including the answer's own date problem).
    """
    if reading.ignored is not None:
        return reading
    if now is not None:
        due = due.model_copy(update={"in_past": due.due <= now})
    others = [
        item
        for item in reading.missing
        if item not in (Missing.DUE_DATE, Missing.DUE_IN_PAST, Missing.DUE_AMBIGUOUS)
    ]
    due_missing, due_notes = _due_notes(due, "")
    updated = reading.model_copy(
        update={
            "missing": others + due_missing,
            "notes": [note for note in reading.notes if not _is_due_note(note)] + due_notes,
            "due": due.due,
            "due_text": due.text,
            "drafts": [],
        }
    )
    if updated.missing or not updated.owners or not updated.title:
        return updated
    return updated.model_copy(update={"drafts": _drafts(updated, due.due)})
