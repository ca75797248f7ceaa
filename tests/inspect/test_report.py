"""``inspect report`` exit codes on healthy and unhealthy databases, and the rules file."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pgprobe._errors import InputError
from pgprobe.cli import main
from pgprobe.inspect import Inspector
from pgprobe.inspect.rules import load_rules
from tests.inspect.test_stats import make_bloated


def test_a_fresh_database_is_healthy(scratch_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Inspector(scratch_dsn) as db:
        report = db.report()
    assert report.exit_code == 0, report.frame()
    assert not report.failed and not report.errors
    assert main(["inspect", "report", "--dsn", scratch_dsn]) == 0
    out = capsys.readouterr().out
    assert "inspect report" in out and "passed" in out


def test_bloat_fails_the_report(scratch_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    make_bloated(scratch_dsn)
    with Inspector(scratch_dsn) as db:
        report = db.report()
    assert report.exit_code == 1
    failed = {r.rule: r for r in report.failed}
    assert set(failed) == {"bloat"}
    assert any("public.bloated" in m for m in failed["bloat"].matches)
    assert not any("public.compact " in m for m in failed["bloat"].matches)
    unused = next(r for r in report.results if r.rule == "unused-indexes")
    assert unused.status == "warn"  # a warning does not change the exit code
    assert main(["inspect", "report", "--dsn", scratch_dsn]) == 1
    assert "bloat" in capsys.readouterr().out


def test_rules_file_thresholds_and_levels(scratch_dsn: str, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[idle-in-transaction]\nmax_seconds = 0\n\n[bloat]\nlevel = "off"\n')
    holder = psycopg.connect(scratch_dsn, application_name="forgotten")
    try:
        holder.execute("select 1")  # now idle in transaction
        make_bloated(scratch_dsn)
        assert main(["inspect", "report", "--dsn", scratch_dsn, "--rules", str(rules),
                     "--save-dir", str(tmp_path / "csv")]) == 1
        with Inspector(scratch_dsn) as db:
            report = db.report(rules)
    finally:
        holder.close()
    failed = {r.rule: r for r in report.failed}
    assert set(failed) == {"idle-in-transaction"}
    assert "app `forgotten`" in failed["idle-in-transaction"].matches[0]
    assert next(r for r in report.results if r.rule == "bloat").status == "off"
    assert (tmp_path / "csv" / "idle-in-transaction.csv").read_text().count("forgotten") == 1


def test_bad_rules_files_are_one_line_errors(tmp_path: Path, scratch_dsn: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[long-runing]\nmax_seconds = 10\n")
    with pytest.raises(InputError, match=r"unknown rule \[long-runing\].*long-running"):
        load_rules(bad)
    bad.write_text("[bloat]\nmax_percent = 10\n")
    with pytest.raises(InputError, match="has no setting 'max_percent'.*max_pct"):
        load_rules(bad)
    bad.write_text("[bloat]\nmax_pct = 'ten'\n")
    with pytest.raises(InputError, match="must be a number"):
        load_rules(bad)
    bad.write_text("[bloat\n")
    assert main(["inspect", "report", "--dsn", scratch_dsn, "--rules", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pgprobe: error:") and len(err.strip().splitlines()) == 1


def test_unreachable_database_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    dsn = "postgresql://nobody:secret@/nodb?host=/nonexistent-socket-dir"
    assert main(["inspect", "report", "--dsn", dsn]) == 2
    err = capsys.readouterr().err
    assert "cannot connect" in err and "secret" not in err
