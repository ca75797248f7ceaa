"""``pgprobe advise``: formats, --type, --fail-on, exit codes, --migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgprobe.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["advise", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_findings_have_the_documented_shape(scenario_dsn: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--dsn", scenario_dsn, "--format", "json")
    findings = json.loads(out)
    assert code == 1
    assert set(findings[0]) >= {"rule", "level", "category", "schema", "object", "detail",
                                "remediation", "evidence"}
    assert {f["level"] for f in findings} == {"ERROR", "WARN", "INFO"}
    ext = next(f for f in findings if f["rule"] == "extension_in_public")
    assert ext["schema"] is None and ext["object"] == "citext"


def test_type_and_fail_on_pick_the_exit_code(scenario_dsn: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--dsn", scenario_dsn, "--type", "performance", "--format", "json")
    findings = json.loads(out)
    assert {f["category"] for f in findings} == {"performance"}
    assert code == 0  # no performance rule is an ERROR
    code, _, _ = _run(capsys, "--dsn", scenario_dsn, "--type", "performance", "--fail-on", "warn")
    assert code == 1


def test_sarif_and_markdown(scenario_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "--dsn", scenario_dsn, "--format", "sarif", "--rule", "no_primary_key")
    sarif = json.loads(out)
    result = sarif["runs"][0]["results"][0]
    assert sarif["version"] == "2.1.0" and result["ruleId"] == "no_primary_key"
    assert result["level"] == "note"
    _, out, _ = _run(capsys, "--dsn", scenario_dsn, "--format", "markdown", "--type", "security")
    assert out.startswith("# Advisors:") and "## ERROR" in out


def test_text_fits_the_terminal_and_hides_the_password(
        scenario_dsn: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    code, out, _ = _run(capsys, "--dsn", scenario_dsn)
    assert code == 1
    assert max(len(line) for line in out.splitlines()) <= 90
    assert "None" not in out and "nan" not in out
    assert "errors," in out


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--snapshot", str(tmp_path / "missing.json"))
    assert code == 2 and "no snapshot file" in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "--snapshot", str(tmp_path / "missing.json"), "--rule", "x")
    assert code == 2
    code, _, err = _run(capsys, "--migrations", str(tmp_path / "nope"))
    assert code == 2 and "no migrations folder" in err


def test_unknown_rule_is_an_input_error(scenario_dsn: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--dsn", scenario_dsn, "--rule", "no_such_rule")
    assert code == 2 and "no advisor rule no_such_rule" in err


def test_migrations_name_the_file_that_introduced_each_finding(
        pg_server: object, tmp_path: Path) -> None:
    from pgprobe.advise._migrations import advise_migrations

    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "20240101000000_init.sql").write_text(
        "create table public.orgs (id bigint primary key);\n"
        "alter table public.orgs enable row level security;\n")
    (folder / "20240102000000_members.sql").write_text(
        "create table public.members (id bigint primary key,\n"
        "  org_id bigint references public.orgs);\n")
    (folder / "20240103000000_policy.sql").write_text(
        "create policy read on public.orgs for select to authenticated\n"
        "  using (id = (auth.jwt() ->> 'org')::bigint);\n")
    report = advise_migrations(folder, server=pg_server)
    where = {(f.rule, f.object): report.migration(f) for f in report.findings}
    assert where[("rls_disabled_in_public", "members")].endswith("20240102000000_members.sql")
    assert where[("unindexed_foreign_keys", "members")].endswith("20240102000000_members.sql")
    assert where[("auth_rls_initplan", "orgs")].endswith("20240103000000_policy.sql")
    # fixed by a later file: no longer reported
    assert ("rls_enabled_no_policy", "orgs") not in where
    assert all(v is not None for v in where.values())
    assert "migration" in report.frame().columns
