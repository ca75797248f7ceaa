"""The postmortem report and the CLI commands."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from pgprobe import demo
from pgprobe.cli import main
from pgprobe.migrations import postmortem, rehearse

from ._folders import POSTMORTEM, write


def test_postmortem_markdown_and_html(tmp_path: Path, scratch_dsn: str, demo_snapshot) -> None:
    folder = write(tmp_path / "m", POSTMORTEM)
    r = rehearse(folder, scratch_dsn=scratch_dsn)
    pm = postmortem(folder, demo_snapshot, rehearsal=r)
    md = pm.to_markdown()
    for heading in ("# Migration postmortem", "## Summary", "## Rehearsal",
                    "## Verification against the target", "## Migration history"):
        assert heading in md
    assert "Silent failures" in md and "20250120093000_ai_analyses_retry.sql:4" in md
    assert "unknown to the files" in md          # demo history has versions these files lack
    if pm.lint is not None:
        assert "## Lint" in md and "error-swallowed" in md
    out = pm.save(tmp_path / "pm.html")
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<table>" in page
    assert "<script" not in page
    assert pm.save(tmp_path / "pm.md").read_text() == md


def test_postmortem_reports_parts_it_cannot_run(tmp_path: Path) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);"})
    pm = postmortem(folder, "postgresql://nobody@/nodb?host=/nonexistent", rehearse=False,
                    lint=False)
    assert pm.errors and pm.errors[0].startswith("target:")
    assert "## Could not run" in pm.to_markdown()


def test_cli_rehearse_exit_codes_and_json(tmp_path: Path, scratch_dsn: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", POSTMORTEM)
    code = main(["rehearse", str(folder), "--scratch-dsn", scratch_dsn, "--format", "json", "-q"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert [f["outcome"] for f in data["files"]] == [
        "applied", "applied, but declared objects missing", "applied"]
    assert {p["object"] for p in data["problems"]} >= {"public.ai_analyses"}


def test_cli_rehearse_bad_directory_is_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rehearse", str(tmp_path / "nope"), "--scratch-dsn", "postgresql:///x"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no such migrations directory" in err


def test_cli_verify_and_history(demo_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["history", str(demo.migrations_dir()), "--dsn", demo_dsn, "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 1
    assert any(r["status"] == "unknown to the files" for r in rows)
    code = main(["verify", str(demo.migrations_dir()), "--dsn", demo_dsn])
    out = capsys.readouterr().out
    assert code == 1 and "tickets_parent_ticket_id_idx" in out


def test_cli_postmortem_writes_a_file(tmp_path: Path, demo_dsn: str, scratch_dsn: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", POSTMORTEM)
    out = tmp_path / "report.md"
    code = main(["postmortem", str(folder), "--dsn", demo_dsn, "--scratch-dsn", scratch_dsn,
                 "-o", str(out)])
    assert code == 1  # the postmortem's folder has something to look at (docs/cli.md)
    text = out.read_text()
    assert "## Rehearsal" in text and "## Migration history" in text
    assert "password" not in text.lower()


def test_cli_rehearse_a_folder_without_migrations(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "schema.sql").write_text("create table a (id int);")
    code = main(["rehearse", str(tmp_path), "--scratch-dsn", "postgresql:///unused"])
    err = capsys.readouterr().err
    assert code == 2 and "no migration files" in err and "schema.sql" in err


def test_lint_is_reexported() -> None:
    import pgprobe.migrations as m

    report = m.lint(demo.migrations_dir())
    assert any(f.rule == "error-swallowed" for f in report)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rehearse_progress_bar_on_a_terminal(tmp_path: Path, scratch_dsn: str,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);",
                                    "2_b.sql": "create table b (id int);",
                                    "3_c.sql": "create table c (id int);"})
    err = _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["rehearse", str(folder), "--scratch-dsn", scratch_dsn]) == 0
    drawn = err.getvalue()
    assert "3/3" in drawn and "3_c.sql" in drawn  # the bar reached the last file
    assert "[1/3]" not in drawn
    assert "3/3 applied" in capsys.readouterr().out  # the summary still goes to stdout


def test_rehearse_progress_silent_when_piped_or_quiet(tmp_path: Path, scratch_dsn: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);",
                                    "2_b.sql": "create table b (id int);"})
    assert main(["rehearse", str(folder), "--scratch-dsn", scratch_dsn]) == 0
    assert capsys.readouterr().err == ""


def test_rehearse_progress_callback_per_file_in_the_cli(tmp_path: Path, scratch_dsn: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from pgprobe.migrations import _rehearse

    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);",
                                    "2_b.sql": "create table b (id int);"})
    seen: list[tuple[int, int, str]] = []
    real = _rehearse.rehearse

    def recording(*args: object, progress: object = None, **kwargs: object) -> object:
        assert callable(progress)

        def spy(i: int, n: int, fr: object) -> None:
            seen.append((i, n, getattr(fr, "filename", "")))
            progress(i, n, fr)

        return real(*args, progress=spy, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_rehearse, "rehearse", recording)
    assert main(["rehearse", str(folder), "--scratch-dsn", scratch_dsn]) == 0
    assert seen == [(1, 2, "1_a.sql"), (2, 2, "2_b.sql")]


def test_rehearse_quiet_passes_no_callback(tmp_path: Path, scratch_dsn: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from pgprobe.migrations import _rehearse

    folder = write(tmp_path / "m", {"1_a.sql": "create table a (id int);"})
    real = _rehearse.rehearse
    passed: list[object] = []
    monkeypatch.setattr(_rehearse, "rehearse",
                        lambda *a, progress=None, **k: passed.append(progress) or real(*a, **k))
    assert main(["rehearse", str(folder), "--scratch-dsn", scratch_dsn, "-q"]) == 0
    assert passed == [None]
