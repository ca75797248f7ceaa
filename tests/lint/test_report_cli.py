"""Renderings (DataFrame, markdown, text, HTML, JSON) and the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pgprobe import demo
from pgprobe.lint import LintReport, lint

KEYS = ["rule", "severity", "file", "line", "column", "message", "hint"]


@pytest.fixture(scope="module")
def report() -> LintReport:
    return lint(demo.migrations_dir())


def test_frame_markdown_text_html(report: LintReport) -> None:
    df = report.to_frame()
    assert list(df.columns) == KEYS and len(df) == len(report)
    assert set(df["severity"]) <= {"error", "warning", "info"}
    md = report.to_markdown()
    assert md.count("\n| `") == len(report) and "procedural-outside-plpgsql" in md
    text = report.to_text()
    assert text.splitlines()[-1] == report.summary()
    assert "028_ticket_parent_index.sql:4:1: error [not-in-transaction]" in text
    html = report._repr_html_()
    assert html.count("<tr>") == len(report) + 1 and "&lt;" not in report.summary()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgprobe.lint", *args],
                          capture_output=True, text=True)


def test_cli_json_is_the_findings(report: LintReport) -> None:
    out = _cli(str(demo.migrations_dir()), "--format", "json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert [list(d) for d in data] == [KEYS] * len(data)
    assert data == report.to_records()


def test_cli_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "20240101000000_ok.sql").write_text(
        "create table public.a (id int);\nalter table public.a enable row level security;\n"
        "create policy r on public.a using (true);\n")
    assert _cli(str(tmp_path)).returncode == 0
    (tmp_path / "20240102000000_warn.sql").write_text("create index on public.a (id);\n")
    warn = _cli(str(tmp_path), "--format", "markdown")
    assert warn.returncode == 0 and "index-not-concurrent" in warn.stdout
    missing = _cli(str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
    only = _cli(str(demo.migrations_dir()), "--rule", "rls-missing", "--format", "json")
    assert {d["rule"] for d in json.loads(only.stdout)} == {"rls-missing"}
    assert _cli("--list-rules").stdout.count("\n") >= 19


def test_pgprobe_cli_registers_lint(tmp_path: Path) -> None:
    """``pgprobe lint`` (the package CLI) runs the same command."""
    cli = pytest.importorskip("pgprobe.cli")
    (tmp_path / "20240101000000_a.sql").write_text("create table public.t (id int);\n")
    out = subprocess.run([sys.executable, "-c", "import sys, pgprobe.cli as c; "
                          "sys.exit(c.main(sys.argv[1:]))", "lint", str(tmp_path),
                          "--format", "json"], capture_output=True, text=True)
    assert cli is not None
    assert out.returncode == 1, out.stderr
    assert json.loads(out.stdout)[0]["rule"] == "rls-missing"


def test_same_findings_without_orjson() -> None:
    """orjson is only a speed-up: with the standard library's json the findings are equal."""
    code = ("import sys; sys.modules['orjson'] = None\n"
            "from pgprobe import demo\nfrom pgprobe.lint import lint\n"
            "import pgprobe.lint._source as s\nassert s._json_loads.__module__ == 'json'\n"
            "print(lint(demo.migrations_dir()).to_json())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == lint(demo.migrations_dir()).to_records()
