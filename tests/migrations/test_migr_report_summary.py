"""The postmortem's summary and body say the same thing about the rehearsal: both are derived
from one ``RehearsalOutcome`` (went on past each failure, or stopped at one)."""

from __future__ import annotations

import re

import pytest

from pgprobe.migrations._report import Postmortem, RehearsalOutcome, rehearsal_markdown
from pgprobe.migrations._results import FileResult, Rehearsal, ServerMessage


def _file(version: str, status: str, *, error: str | None = None) -> FileResult:
    path = f"supabase/migrations/{version}_m.sql"
    message = ServerMessage("ERROR", error, where=f"{path}:1:1") if error else None
    return FileResult(path, version, "m", status=status, error=message)


def _went_on() -> Rehearsal:
    return Rehearsal([_file("001", "failed", error="relation t does not exist"),
                      _file("002", "applied"),
                      _file("003", "failed", error="syntax error at or near IF"),
                      _file("004", "applied")])


def _stopped() -> Rehearsal:
    return Rehearsal([_file("001", "applied"),
                      _file("002", "failed", error="relation t does not exist"),
                      _file("003", "not_run"), _file("004", "not_run")])


def _summary(r: Rehearsal) -> str:
    line = next(s for s in Postmortem("t", "supabase/migrations", rehearsal=r).summary_lines()
                if s.startswith("rehearsal:"))
    return line


@pytest.mark.parametrize("make,stopped", [(_went_on, False), (_stopped, True)])
def test_summary_and_body_agree(make, stopped: bool) -> None:
    r = make()
    facts = RehearsalOutcome.of(r)
    summary, body = _summary(r), rehearsal_markdown(r)
    assert facts.stopped is stopped
    for text in (summary, body):
        assert ("stopped at" in text.lower()) is stopped, text
        assert ("went on past" in text) is (not stopped), text
    # the counts agree: "applied/attempted" in the summary is the body's first sentence
    counted = re.search(r"(\d+)/(\d+) files applied", summary)
    assert counted and f"{counted[1]}/{counted[2]} files applied" in body
    assert counted[1] == str(len(r.applied))


def test_already_applied_files_are_not_counted_as_attempted() -> None:
    r = Rehearsal([_file("001", "already_applied"), _file("002", "applied")])
    assert "1/1 files applied" in _summary(r) and "1/1 files applied" in rehearsal_markdown(r)
