"""Expectations (YAML and the Python assertion API) on the real demo database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from pgprobe import InputError
from pgprobe.catalog import Snapshot
from pgprobe.diff import ExpectationError, check, diff, expect, load_expectations_text

HERE = Path(__file__).parent
DEMO_YAML = HERE / "demo_expectations.yml"


def run(dsn: str, *statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)  # type: ignore[arg-type]  # fixed test DDL


def test_demo_expectations_hold(demo_snapshot: Snapshot) -> None:
    result = check(DEMO_YAML, demo_snapshot)
    assert result.ok, result.to_text()
    assert len(result.checks) > 40
    assert result.report().same


def test_broken_copy_fails_with_the_listed_reasons(scratch_demo_dsn: str) -> None:
    run(
        scratch_demo_dsn,
        "alter table public.tickets rename column title to name",
        "alter table public.ticket_activities rename constraint ticket_activities_ticket_id_fkey "
        "to ta_ticket_id_fkey",
        "alter table public.ai_analyses disable row level security",
        'alter policy "Anyone can read open tickets" on public.tickets to authenticated',
        "revoke insert on public.ai_analyses from authenticated",
        "alter publication supabase_realtime drop table public.message_queue",
    )
    result = check(DEMO_YAML, scratch_demo_dsn)
    assert not result.ok and result.exit_code == 1
    failed = {c.subject: c for c in result.failures}
    assert set(failed) == {
        "public.tickets.columns.title",
        "public.tickets.columns.name",
        "public.ticket_activities.constraints.ticket_activities_ticket_id_fkey.name",
        "public.ai_analyses.rls.enabled",
        "public.tickets.policies.Anyone can read open tickets.roles",
        "public.ai_analyses.grants.authenticated.INSERT",
        "publications.supabase_realtime.tables.public.message_queue",
        # both relationship tests select tickets.title, which is gone
        "requests.GET /ticket_activities?select=id,ticket:tickets(title)",
        "requests.GET /tickets?select=title,creator:users!tickets_created_by_fkey(email)",
    }, result.to_text()
    assert failed["public.tickets.columns.title"].detail == "missing; did you mean name?"
    assert failed["public.ticket_activities.constraints.ticket_activities_ticket_id_fkey.name"].detail \
        == "it is named ta_ticket_id_fkey, not ticket_activities_ticket_id_fkey"
    # the checks on a missing column are skipped, not failed twice
    text = result.to_text()
    assert "✗ public.tickets has column title: missing; did you mean name?" in text
    report = result.report()
    assert len(report) == 9 and report.left_label == "expectations"
    rls = next(c for c in report if c.path == "public.ai_analyses.rls.enabled")
    assert (rls.change, rls.old, rls.new) == ("changed", True, False)
    # diff() with an expectations file on one side gives the same report
    assert diff(DEMO_YAML, scratch_demo_dsn).paths() == report.paths()


def test_relationship_tests_catch_an_ambiguous_embed(scratch_demo_dsn: str) -> None:
    # a second FK from ticket_activities to tickets makes `ticket:tickets(...)` ambiguous
    run(scratch_demo_dsn, "alter table public.ticket_activities add column merged_into bigint "
        "references public.tickets (id)")
    result = check(DEMO_YAML, scratch_demo_dsn)
    assert [c.subject for c in result.failures] == [
        "requests.GET /ticket_activities?select=id,ticket:tickets(title)"]
    failure = result.failures[0]
    assert failure.detail is not None and failure.detail.startswith("PGRST201: ")
    assert "tickets!ticket_activities_merged_into_fkey" in failure.detail
    assert failure.change is not None and failure.change.new == "ambiguous"


def test_relationship_tests_rows_as_role(demo_dsn: str, demo_snapshot: Snapshot) -> None:
    ex = expect(demo_snapshot, dsn=demo_dsn)
    ex.request("GET /tickets?select=title", role="authenticated",
               claims={"sub": "00000000-0000-0000-0000-00000000000a", "role": "authenticated"},
               min_rows=1)
    ex.request("GET /monitoring_events?select=id", role="authenticated", min_rows=1)
    assert [c.status for c in ex.checks] == ["pass", "fail"], ex.to_text()
    assert ex.failures[0].detail == "returned 0 rows"   # RLS on, no policy: [] not an error
    # without a live database the requests are only planned
    offline = expect(demo_snapshot)
    offline.request("GET /tickets?select=title,users(email)")
    assert offline.failures and offline.failures[0].detail.startswith("PGRST201")  # type: ignore[union-attr]


def test_assertion_api_collects_everything(demo_snapshot: Snapshot) -> None:
    ex = expect(demo_snapshot)
    (ex.table("public.tickets")
       .has_columns("title", "status", "name")
       .fk_to("public.users", via="created_by")
       .fk_to("public.users", via="assignee", name="tickets_assignee_fk")
       .rls()
       .policy(roles="anon", command="select")
       .grants("anon", "select"))
    ex.table("public.tikets").has_columns("title")
    ex.enum("public.contact_type").has_labels("email", "fax")
    ex.publication("supabase_realtime").includes("public.message_queue")
    ex.table("public.ticket_activities").fk_to("public.tickets", name="ta_ticket_id_fkey")
    failures = [c.to_text() for c in ex.failures]
    assert failures == [
        "✗ public.tickets has column name: missing; did you mean title?",
        "✗ public.tickets has a foreign key tickets_assignee_fk (assignee) -> public.users: "
        "it is named tickets_assignee_fkey, not tickets_assignee_fk",
        "✗ public.tikets exists: missing; did you mean public.tickets?",
        "✗ enum public.contact_type has label 'fax': missing; labels are email, sms, push",
        "✗ public.ticket_activities has a foreign key ta_ticket_id_fkey -> public.tickets: it is "
        "named ticket_activities_ticket_id_fkey, not ta_ticket_id_fkey",
    ]
    skipped = [c for c in ex.checks if c.status == "skip"]
    assert [c.description for c in skipped] == ["public.tikets has column title"]
    html = ex._repr_html_()
    assert "✗" in html and "did you mean public.tickets?" in html
    md = ex.to_markdown()
    assert "- [x] public.tickets exists" in md and "- [ ] **public.tikets exists" in md
    with pytest.raises(ExpectationError, match="5 expectation"):
        ex.assert_ok()


@pytest.mark.parametrize(
    "text, where, message",
    [
        ("tables:\n  public.t:\n    colums: {id: int}\n", "x.yml:3:5",
         "unknown key 'colums' in table public.t (hint: did you mean columns?)"),
        ("tables:\n  public.t:\n    rls: yes please\n", "x.yml:3:10",
         "expected rls (true or false), got 'yes please'"),
        ("tables:\n  public.t:\n    policies:\n      p: {roles: {a: 1}}\n", "x.yml:4:18",
         "expected roles (a name or a list of names), got a mapping"),
        ("tables: [public.t]\n", "x.yml:1:9", "expected tables (a mapping), got a list"),
        ("tables:\n  public.t:\n    foreign_keys:\n      - columns: [a]\n", "x.yml:4:9",
         "a foreign key of public.t needs 'to' (the referenced table)"),
        ("tables:\n  public.t:\n    policies:\n      p: {command: selct}\n", "x.yml:4:20",
         "expected command: one of all, select, insert, update, delete; got 'selct' "
         "(hint: did you mean select?)"),
        ("tables:\n  public.t:\n    columns: {a: int\n", "x.yml:4:1",
         "invalid YAML: expected ',' or '}', but got '<stream end>'"),
        ("tables:\n  a: 1\n  a: 2\n", "x.yml:3:3", "duplicate key 'a' in tables"),
        ("requests:\n  - /tickets\n", "x.yml:2:5", "expected 'METHOD /path?query', got '/tickets'"),
        ("", "x.yml:1:1", "empty expectations file"),
        ("postgrest:\n  db-schemas: [a, b]\n", "x.yml:2:15",
         "expected a value for db-schemas (a string)"),
        ("- tables\n", "x.yml:1:1", "expected the expectations file (a mapping), got a list"),
    ],
)
def test_malformed_yaml_gives_one_line_error(text: str, where: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_expectations_text(text, "x.yml")
    err = str(info.value)
    assert "\n" not in err
    assert err.startswith(f"{where}: {message}"), err


def test_strict_mode(demo_snapshot: Snapshot) -> None:
    exp = load_expectations_text(
        "strict: true\nschemas: [public]\ntables:\n  public.labels:\n"
        "    columns: [id, name]\n", "strict.yml")
    result = exp.check(demo_snapshot)
    subjects = [c.subject for c in result.failures]
    assert "public.labels.columns.color" in subjects          # unmentioned column
    assert "public.tickets" in subjects                        # unmentioned table
    assert "public.labels.columns.id" not in subjects


def test_check_cli(tmp_path: Path, demo_dsn: str, scratch_demo_dsn: str) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pgprobe.diff._cli", *args],
                              capture_output=True, text=True, timeout=120)

    ok = cli("check", str(DEMO_YAML), "--dsn", demo_dsn)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines()[0].startswith("expectations on ")
    from_env = subprocess.run([sys.executable, "-m", "pgprobe.diff._cli", "check", str(DEMO_YAML)],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PGPROBE_DSN": demo_dsn})
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    run(scratch_demo_dsn, "alter table public.tickets disable row level security")
    bad = cli("check", str(DEMO_YAML), "--dsn", scratch_demo_dsn, "--failures-only")
    assert bad.returncode == 1
    # the header names the DSN, so it may wrap at the terminal's width; the findings follow it
    assert [line for line in bad.stdout.splitlines() if line.startswith("✗")] == [
        "✗ public.tickets has row level security enabled: row level security is disabled"]
    assert "58 passed, 1 failed" in " ".join(bad.stdout.split())
    broken = tmp_path / "broken.yml"
    broken.write_text("tables:\n  public.tickets:\n    rls: maybe\n")
    err = cli("check", str(broken), "--dsn", demo_dsn)
    assert err.returncode == 2
    assert err.stderr.strip() == (f"pgprobe: error: {broken}:3:10: expected rls (true or false), "
                                  "got 'maybe'")


def test_documented_format_example_parses() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "expectations.md").read_text()
    block = doc.split("## The file format", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    exp = load_expectations_text(block, "docs/expectations.md")
    assert exp.label == "ticketing app contract" and exp.requests == 2
    assert len(exp.steps) > 5


def test_supabase_internal_schemas_are_read_when_named(demo_dsn: str,
                                                       demo_snapshot: Snapshot) -> None:
    exp = load_expectations_text(
        "tables:\n  auth.users:\n    columns: [id, email]\n  public.users:\n"
        "    foreign_keys: [{to: auth.users, columns: id}]\n", "auth.yml")
    assert exp.schemas == {"auth", "public"}
    result = check(exp, demo_dsn)
    assert result.ok, result.to_text()
    # a default snapshot lists auth but does not read it: the check says so, it does not fail
    ex = expect(demo_snapshot)
    ex.table("auth.users").has_columns("id")
    assert ex.ok and [c.status for c in ex.checks] == ["skip", "skip"]
    assert "schema auth was not read" in (ex.checks[0].detail or "")
