"""The corpus evaluation behind `./dev python -m bench.intake_accuracy`, held to thresholds.

Thresholds sit just under what was measured (docs/intake.md); a drop below one fails.
Mail that is not a request must never become a commitment: that one is 100%, always.
"""

from functools import cache
from pathlib import Path

import pytest

from bench.intake_accuracy import (
    CORPUS_DIR,
    FRESH_DIR,
    HOLDOUT_DIR,
    Report,
    evaluate,
    load_corpus,
)

THRESHOLDS = {
    CORPUS_DIR: {
        "classification": 0.98,
        "ignored_reason": 0.98,
        "owners": 0.99,
        "due": 0.97,
        "title": 0.97,
        "success_criteria": 0.94,
        "missing": 0.96,
        "nothing_started_when_info_missing": 0.96,
    },
    # Rounds 1 to 11, each after its first run (docs/intake.md) and the fixes it led to.
    HOLDOUT_DIR: {
        "classification": 0.98,
        "ignored_reason": 0.98,
        "owners": 0.99,
        "due": 0.98,
        "title": 0.95,
        "missing": 0.96,
        "nothing_started_when_info_missing": 0.97,
    },
    # The first run of the fresh round (round 12, docs/intake.md), written without reading the
    # parser and never tuned on: these floors keep it from getting worse.
    FRESH_DIR: {
        "classification": 0.95,
        "ignored_reason": 0.99,
        "owners": 0.98,
        "due": 0.92,
        "title": 0.85,
        "missing": 0.93,
        "nothing_started_when_info_missing": 0.96,
    },
}


# Round 9's first run made one in the reader alone (round 9 is in holdout/ now), listed in
# docs/intake.md: a spoofed mail to a colleague that intake never reads (it is not sent to
# Accord, and no one flagged it in their own Sent Items). Nothing else may join.
KNOWN_FALSE_STARTS: dict[Path, frozenset[str]] = {
    HOLDOUT_DIR: frozenset({"f9-en-spoof-723"}),
}
# Round 11's first run made one through intake too (f11-en-thirdparty-706, a status note that
# reports someone else's promise); it is not listed: the reader must leave it alone.


# A fresh round exists only between writing it and moving it to holdout/ (see its README).
PRESENT = [folder for folder in (CORPUS_DIR, HOLDOUT_DIR, FRESH_DIR) if any(folder.glob("*.yaml"))]


@cache
def report_of(folder: Path) -> Report:
    return evaluate(load_corpus(folder))


@pytest.mark.parametrize("folder", PRESENT, ids=lambda p: p.name)
def test_not_a_request_never_becomes_a_commitment(folder: Path) -> None:
    score = report_of(folder).scores["no_commitment_from_non_request"]
    assert score.total > 0
    known = KNOWN_FALSE_STARTS.get(folder, frozenset())
    assert {miss.split(":")[0] for miss in score.misses} <= known, score.misses


@pytest.mark.parametrize("folder", [f for f in THRESHOLDS if f in PRESENT], ids=lambda p: p.name)
def test_field_accuracy_stays_above_thresholds(folder: Path) -> None:
    report = report_of(folder)
    below = {
        name: (f"{report.scores[name].accuracy:.3f} < {minimum}", report.scores[name].misses)
        for name, minimum in THRESHOLDS[folder].items()
        if report.scores[name].accuracy < minimum
    }
    assert not below


def test_the_main_and_held_out_sets_are_present() -> None:
    assert CORPUS_DIR in PRESENT
    assert HOLDOUT_DIR in PRESENT


def test_the_corpus_is_big_and_varied() -> None:
    cases = load_corpus(CORPUS_DIR)
    assert len(cases) >= 150
    outcomes = {case.expect["outcome"] for case in cases}
    assert outcomes == {"request", "needs_info", "ignored"}
    assert {case.expect.get("ignored") for case in cases} >= {
        "auto_reply",
        "bulk",
        "own_mail",
        "outside_tenant",
        "not_a_request",
        "too_large",
    }
    assert sum(case.email.body_is_html for case in cases) >= 20
    assert len({case.context.time_zone for case in cases}) >= 5
    assert sum(len(case.expect["owners"]) > 1 for case in cases) >= 5
