"""``pgprobe postgrest`` and ``pgprobe relationships --embed`` say why, and how to fix it,
within 80 columns and without escape codes."""

from __future__ import annotations

import json

import psycopg
import pytest

from pgprobe.cli import main


@pytest.fixture(autouse=True)
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert max((len(line) for line in out.splitlines()), default=0) <= 80, out
    return code, " ".join(out.split())  # lines fold at 80: compare the words


def test_empty_answer_says_why_and_exits_0(demo_dsn: str, capsys) -> None:
    code, out = run(["postgrest", "GET", "/monitoring_events", "--dsn", demo_dsn], capsys)
    with psycopg.connect(demo_dsn) as conn:
        n = conn.execute("select count(*) from monitoring_events").fetchone()[0]  # type: ignore[index]
    assert code == 0
    assert ("-- why: 0 rows: RLS on public.monitoring_events has no policy at all, so anon "
            f"sees no row; the owner (postgres) sees {n}") in out


def test_role_and_claims(demo_dsn: str, capsys) -> None:
    with psycopg.connect(demo_dsn) as conn:
        sub, n = conn.execute("select created_by::text, count(*) from tickets "
                              "where created_by is not null group by 1 limit 1").fetchone()  # type: ignore[misc]
    code, out = run(["postgrest", "GET", "/tickets?select=id", "--dsn", demo_dsn,
                     "--role", "authenticated"], capsys)
    assert code == 0 and "the JWT has no 'sub' (auth.uid() is null)" in out
    code, out = run(["postgrest", "GET", "/tickets?select=id", "--dsn", demo_dsn,
                     "--role", "authenticated", "--claims", json.dumps({"sub": sub})], capsys)
    assert code == 0 and "-- why" not in out
    body = out.split("Vary: Accept, Prefer, Range", 1)[1]
    assert len(json.loads(body)) >= n


def test_bad_claims_cannot_run(demo_dsn: str, capsys) -> None:
    assert main(["postgrest", "GET", "/tickets", "--dsn", demo_dsn, "--claims", "{sub"]) == 2
    assert "--claims is not JSON" in capsys.readouterr().err
    assert main(["postgrest", "GET", "/tickets", "--dsn", demo_dsn, "--claims", "[1]"]) == 2


def test_error_answer_shows_evidence_and_the_checked_fix(demo_dsn: str, capsys) -> None:
    code, out = run(["postgrest", "GET",
                     "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)",
                     "--dsn", demo_dsn], capsys)
    assert code == 1
    assert "-- catalog evidence" in out and "relationships that exist" in out
    assert "checked offline: it translates and every column exists" in out
    # the corrected path folds at 80 columns: compare without the spaces of the fold
    assert ("ticket:tickets!ticket_activities_ticket_id_fkey(title)"
            in out.replace(" ", ""))
    assert "fixed: tickets.name -> title (42703)" in out


def test_relationships_embed_request_form(demo_snapshot, tmp_path, capsys) -> None:
    snap = tmp_path / "snap.json"
    demo_snapshot.save(snap)
    code, out = run(["relationships", "--snapshot", str(snap), "--embed",
                     "ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)"], capsys)
    assert code == 1
    assert "ticket_activities_ticket_id_fkey(title)" in out.replace(" ", "")
    assert "fixed: tickets.name -> title (42703)" in out
    code, out = run(["relationships", "--snapshot", str(snap), "--embed",
                     "ticket_activities?select=id,ticket:tickets(title)"], capsys)
    assert code == 0 and "every column exists" in out
    code = main(["relationships", "--snapshot", str(snap), "--embed", "tickets",
                 "users!tickets_assignee_fkey(emial)", "--format", "json"])
    assert code == 1  # JSON is for programs: not folded
    fixed = json.loads(capsys.readouterr().out)["request"]
    assert fixed["corrected"].endswith("tickets_assignee_fkey(email)") and fixed["ok"]
    assert main(["relationships", "--snapshot", str(snap), "--embed", "tickets"]) == 2


def test_no_junction_note_for_a_direct_embed(demo_snapshot, tmp_path, capsys) -> None:
    snap = tmp_path / "snap.json"
    demo_snapshot.save(snap)
    code, out = run(["relationships", "--snapshot", str(snap), "--embed", "tickets", "users(*)"],
                    capsys)
    assert code == 1 and "PGRST201" in out
    assert "junction" not in out  # the tables with keys to both sides are not asked about
    # (tests/relationships/test_rel_explain.py: the note stays for a many-to-many)


def test_both_commands_word_the_fix_alike(demo_dsn: str, demo_snapshot, tmp_path, capsys) -> None:
    from pgprobe.postgrest._fix import fix_request

    path = "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)"
    fix = fix_request(demo_snapshot, "GET", path, config={"db-schemas": "public"})
    assert fix.ok and len(fix.steps) == 2
    snap = tmp_path / "snap.json"
    demo_snapshot.save(snap)
    _, via_postgrest = run(["postgrest", "GET", path, "--dsn", demo_dsn], capsys)
    _, via_relationships = run(["relationships", "--snapshot", str(snap), "--embed",
                                path.lstrip("/")], capsys)
    for out in (via_postgrest, via_relationships):
        words = out.replace(" ", "")  # the corrected path may fold anywhere at 80 columns
        for line in fix.to_lines():
            assert line.replace(" ", "") in words, (line, out)
