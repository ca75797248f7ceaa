"""``pgprobe inspect`` on the command line: views, why-waiting, formats, widths, exit codes."""

from __future__ import annotations

import json

import pytest

from pgprobe.cli import main
from pgprobe.inspect import VIEWS


def test_blocking_and_why_waiting_commands(contention, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["inspect", "--dsn", contention.dsn, "blocking"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    order = [next(i for i, line in enumerate(lines) if str(pid) in line)
             for pid in (contention.a, contention.b, contention.c)]
    assert order == sorted(order) and "└─" in out and "None" not in out and "nan" not in out

    assert main(["inspect", "why-waiting", "--dsn", contention.dsn,
                 "--application", "session_c"]) == 1
    out = capsys.readouterr().out
    assert f"pid {contention.c}" in out and f"pid {contention.a}" in out
    assert f"pg_terminate_backend({contention.a})" in out and "not run" in out

    assert main(["inspect", "why-waiting", "--dsn", contention.dsn, "--pid", str(contention.a),
                 "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "is not waiting" in out and str(contention.b) in out

    assert main(["inspect", "why-waiting", "--dsn", contention.dsn, "--format", "json"]) == 1
    answers = json.loads(capsys.readouterr().out)
    assert {a["pid"] for a in answers} == {contention.b, contention.c}
    assert {a["root"] for a in answers} == {contention.a}


def test_every_view_runs_from_the_cli(scratch_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    for name in VIEWS:
        assert main(["inspect", "--dsn", scratch_dsn, name, "--format", "json"]) == 0, name
        payload = json.loads(capsys.readouterr().out)
        assert payload["view"] == name and isinstance(payload["rows"], list)
    assert main(["inspect", "--dsn", scratch_dsn, "outliers"]) == 0
    assert "pg_stat_statements is not installed" in capsys.readouterr().out
    assert main(["inspect", "--dsn", scratch_dsn, "long-running-queries", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("pid,role,application")
    assert main(["inspect", "why-waiting", "--dsn", scratch_dsn]) == 0
    assert "no session is waiting" in capsys.readouterr().out


def test_unknown_view_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["inspect", "--dsn", "x", "blocked"])
    assert exc.value.code == 2
    assert "blocking" in capsys.readouterr().err
