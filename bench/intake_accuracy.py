"""How well intake reads email: per-field accuracy over the labelled corpus.

Run ``./dev python -m bench.intake_accuracy`` (``--output FILE`` also writes the Markdown
table, ``--failures`` lists every miss). tests/domain/intake/test_accuracy.py runs the same
evaluation and holds each field to a threshold. The corpus lives in tests/intake_corpus/.
"""

from __future__ import annotations

import argparse
import sys
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from domain.intake import InboundEmail, Mailbox, Reading, SenderContext, read_email
from domain.timezones import resolve_zone

CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "intake_corpus"
HOLDOUT_DIR = CORPUS_DIR / "holdout"
"""Cases written after the parser was tuned on the main corpus; its first run is in
docs/intake.md, general gaps it showed were fixed afterwards."""
FRESH_DIR = CORPUS_DIR / "fresh"
"""Cases written last, after every change to the parser: never tuned on."""
SETS = (
    ("Main corpus (the parser was tuned on it)", CORPUS_DIR),
    ("Held-out corpus (first run in docs/intake.md; gaps fixed since)", HOLDOUT_DIR),
    ("Fresh corpus (never tuned on)", FRESH_DIR),
)
OUTCOMES = ("request", "needs_info", "ignored")
FIELDS = (
    "classification",
    "ignored_reason",
    "owners",
    "due",
    "title",
    "success_criteria",
    "missing",
    "no_commitment_from_non_request",
    "nothing_started_when_info_missing",
)
_SAME_REASONS = {"outside_tenant": {"outside_tenant", "unauthenticated_sender"}}
"""The corpus format has one reason for mail from no authenticated person of the tenant:
outsiders and spoofs alike; intake tells a spoof apart as ``unauthenticated_sender``."""
_PADDING_LINE = "2026-11-23 09:00:01 INFO ingest worker heartbeat ok queue=0 lag_ms=3\n"


@dataclass(frozen=True)
class Case:
    """One labelled email."""

    case_id: str
    category: str
    email: InboundEmail
    context: SenderContext
    expect: dict[str, Any]


@dataclass
class Score:
    """Right answers out of the cases a field applies to."""

    correct: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of right answers (1.0 when the field applies to no case)."""
        return self.correct / self.total if self.total else 1.0

    def record(self, ok: bool, case_id: str, detail: str) -> None:
        """Count one case."""
        self.total += 1
        if ok:
            self.correct += 1
        else:
            self.misses.append(f"{case_id}: {detail}")


@dataclass
class Report:
    """The evaluation of the whole corpus."""

    scores: dict[str, Score]
    confusion: Counter[tuple[str, str]]
    by_category: dict[str, Score]
    cases: int
    seconds: float


def _mailbox(value: str, people: dict[str, str]) -> Mailbox:
    text = people.get(value, value)
    if "<" in text:
        name, _, rest = text.partition("<")
        return Mailbox(address=rest.rstrip(">").strip(), name=name.strip())
    return Mailbox(address=text)


def _body(raw: dict[str, Any]) -> str:
    body = str(raw.get("body", ""))
    body *= int(raw.get("body_repeat", 1))
    padding = int(raw.get("padding", 0))
    if padding:
        line = f"<p>{_PADDING_LINE.strip()}</p>" if raw.get("html") else _PADDING_LINE
        body += line * (padding // len(line) + 1)
    return body


def _without_non_people(
    email: InboundEmail, tenant: dict[str, Any], people: dict[str, str]
) -> tuple[InboundEmail, list[str]]:
    """Take out of To the tenant's addresses that are no person's, as intake does.

    Intake asks the directory about each To recipient of the organisation and takes groups,
    distribution lists and shared mailboxes out of To into ``SenderContext.groups`` (see
    ``IntakeActivities._expand_groups``). The corpus tenant's directory is tenant.yaml: an
    address of its domains that names none of its people is such a mailbox.
    """
    known = {_mailbox(alias, people).address for alias in people}
    domains = {str(domain).lower() for domain in tenant["domains"]}
    groups = [
        person.address
        for person in email.to
        if person.domain in domains
        and person.address not in known
        and person.address != email.sender.address
    ]
    if not groups:
        return email, []
    to = [person for person in email.to if person.address not in groups]
    return email.model_copy(update={"to": to}), groups


def _read_as_agent_inbox(email: InboundEmail, agent: str) -> bool:
    """Whether intake would read this case as mail sent to Accord, trusting only senders
    Exchange authenticated.

    That is mail with Accord among its recipients; the older sets carry no authentication
    headers at all (their authors did not write them), so only cases that do are held to it.
    """
    to_accord = any(person.address == agent for person in [*email.to, *email.cc])
    written_with_auth = any(
        name in email.headers
        for name in ("x-ms-exchange-organization-authas", "authentication-results")
    )
    return to_accord and written_with_auth


def load_corpus(directory: Path = CORPUS_DIR) -> list[Case]:
    """Load every labelled case of one folder.

    Args:
        directory: a corpus folder (one YAML file per category); the people and domains
            come from tenant.yaml in the main corpus folder.

    Returns:
        The cases, file by file.
    """
    tenant = yaml.safe_load((CORPUS_DIR / "tenant.yaml").read_text(encoding="utf-8"))
    people: dict[str, str] = tenant["people"]
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "tenant.yaml":
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        defaults = document.get("defaults", {})
        for raw_case in document["cases"]:
            raw = {**defaults, **raw_case}
            email = InboundEmail(
                message_id=f"corpus-{raw['id']}",
                conversation_id=f"conversation-{raw['id']}",
                subject=str(raw.get("subject", "")),
                body=_body(raw),
                body_is_html=bool(raw.get("html", False)),
                sender=_mailbox(raw["from"], people),
                to=[_mailbox(item, people) for item in raw.get("to", [])],
                cc=[_mailbox(item, people) for item in raw.get("cc", [])],
                sent_at=datetime.fromisoformat(raw["sent"]),
                headers={str(k): str(v) for k, v in (raw.get("headers") or {}).items()},
                has_attachments=bool(raw.get("attachments", False)),
            )
            email, groups = _without_non_people(email, tenant, people)
            # As intake builds it: the sender's mailbox language (a hint only) and the people
            # the sender knows. Intake passes the sender's direct reports; the corpus tenant has
            # no org chart, so every other person of the tenant stands in for them.
            context = SenderContext(
                groups=groups,
                authenticated_senders_only=_read_as_agent_inbox(email, tenant["agent"]),
                agent_address=tenant["agent"],
                tenant_domains=tenant["domains"],
                time_zone=raw["zone"],
                language=str(raw.get("language", "")),
                people=[
                    person
                    for alias in people
                    if alias != "accord"
                    and (person := _mailbox(alias, people)).address != email.sender.address
                ],
            )
            expect = dict(raw["expect"])
            if "owners" not in expect and expect["outcome"] != "ignored":
                expect["owners"] = [
                    item for item in raw.get("to", []) if item != "accord" and "@" not in item
                ]
            expect["owners"] = [_mailbox(item, people).address for item in expect.get("owners", [])]
            cases.append(Case(raw["id"], path.stem, email, context, expect))
    return cases


def outcome_of(reading: Reading) -> str:
    """Classify a reading: "request" (drafts), "needs_info" (missing) or "ignored"."""
    if reading.ignored is not None:
        return "ignored"
    if reading.drafts and not reading.missing:
        return "request"
    return "needs_info"


def _check_title(title: str, keywords: list[str]) -> bool:
    lowered = title.lower()
    shaped = 0 < len(title) <= 120 and not lowered.startswith(("re:", "fw:", "fwd:"))
    return shaped and all(str(keyword).lower() in lowered for keyword in keywords)


def _score_case(case: Case, reading: Reading, scores: dict[str, Score]) -> None:
    expect = case.expect
    expected, actual = expect["outcome"], outcome_of(reading)
    cid = case.case_id
    scores["classification"].record(expected == actual, cid, f"{expected} -> {actual}")
    if expected == "ignored":
        scores["no_commitment_from_non_request"].record(
            not reading.drafts, cid, f"{len(reading.drafts)} drafts from mail that asks nothing"
        )
    if expected == "needs_info":
        scores["nothing_started_when_info_missing"].record(
            not reading.drafts, cid, f"{len(reading.drafts)} drafts while something is missing"
        )
    if expected == "ignored":
        scores["ignored_reason"].record(
            str(reading.ignored) in _SAME_REASONS.get(expect["ignored"], {expect["ignored"]}),
            cid,
            f"{expect['ignored']} -> {reading.ignored}",
        )
        return
    owners = sorted(owner.address for owner in reading.owners)
    scores["owners"].record(
        owners == sorted(expect["owners"]), cid, f"{sorted(expect['owners'])} -> {owners}"
    )
    if "due" in expect:
        zone = resolve_zone(case.context.time_zone)
        local = reading.due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if reading.due else None
        scores["due"].record(local == expect["due"], cid, f"{expect['due']} -> {local}")
    if "title" in expect:
        scores["title"].record(
            _check_title(reading.title, expect["title"]),
            cid,
            f"{expect['title']} -> {reading.title!r}",
        )
    if "criteria" in expect:
        derived = expect["criteria"] == "derived"
        ok = bool(reading.success_criteria) and reading.criteria_derived == derived
        scores["success_criteria"].record(
            ok, cid, f"{expect['criteria']} -> {reading.success_criteria!r}"
        )
    if expected == "needs_info":
        wanted = sorted(expect.get("missing", []))
        got = sorted(str(item) for item in reading.missing)
        scores["missing"].record(got == wanted, cid, f"{wanted} -> {got}")


def evaluate(cases: list[Case]) -> Report:
    """Read every case and score each field.

    Args:
        cases: the labelled corpus.

    Returns:
        Per-field scores, the confusion of outcomes and per-category classification.
    """
    scores = {name: Score() for name in FIELDS}
    confusion: Counter[tuple[str, str]] = Counter()
    by_category: dict[str, Score] = {}
    started = clock.perf_counter()
    for case in cases:
        reading = read_email(case.email, case.context)
        _score_case(case, reading, scores)
        expected, actual = case.expect["outcome"], outcome_of(reading)
        confusion[(expected, actual)] += 1
        by_category.setdefault(case.category, Score()).record(
            expected == actual, case.case_id, f"{expected} -> {actual}"
        )
    return Report(scores, confusion, by_category, len(cases), clock.perf_counter() - started)


def render(report: Report, *, title: str = "Intake accuracy", failures: bool = False) -> str:
    """Format a report as Markdown tables.

    Args:
        report: the evaluation.
        title: what the cases are.
        failures: also list every miss.

    Returns:
        The text.
    """
    lines = [
        f"### {title}: {report.cases} labelled emails "
        f"({report.seconds * 1000 / max(report.cases, 1):.1f} ms per email)",
        "",
        "| Field | Correct | Cases | Accuracy |",
        "|---|---:|---:|---:|",
    ]
    for name in FIELDS:
        score = report.scores[name]
        lines.append(f"| {name} | {score.correct} | {score.total} | {score.accuracy:.1%} |")
    lines += ["", "Outcomes (rows: labelled, columns: read)", ""]
    lines.append("| labelled \\ read | " + " | ".join(OUTCOMES) + " |")
    lines.append("|---|" + "---:|" * len(OUTCOMES))
    for expected in OUTCOMES:
        row = [str(report.confusion[(expected, actual)]) for actual in OUTCOMES]
        lines.append(f"| {expected} | " + " | ".join(row) + " |")
    lines += ["", "| Category | Outcome right | Cases | Accuracy |", "|---|---:|---:|---:|"]
    for category, score in sorted(report.by_category.items()):
        lines.append(f"| {category} | {score.correct} | {score.total} | {score.accuracy:.1%} |")
    if failures:
        lines += ["", "Misses:"]
        for name in FIELDS:
            lines += [f"- {name}: {miss}" for miss in report.scores[name].misses]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Evaluate the corpus and print (and optionally write) the accuracy table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    parser.add_argument("--failures", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    reports = [(title, evaluate(load_corpus(folder))) for title, folder in SETS if folder.is_dir()]
    sys.stdout.write(
        "\n".join(render(report, title=title, failures=args.failures) for title, report in reports)
    )
    if args.output:
        text = "\n".join(render(report, title=title) for title, report in reports)
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
