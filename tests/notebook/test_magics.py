"""The magics, in-process on a real IPython shell and the real demo database."""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg
import pytest
from IPython.core.error import UsageError

from pgprobe.notebook import FindingsView, SnapshotView, TableView, _session

CANARY = "canary-pw-7Qx9"  # same as conftest.CANARY (tests are not a package)


def _count(dsn: str, query: str, params: Any = None) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query, params).fetchone()[0]  # type: ignore[index]


def test_connect_banner_has_no_password(ip: Any, demo_pw_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    ip.user_ns["DSN"] = demo_pw_dsn
    ip.run_line_magic("pgprobe", "connect $DSN")
    session = _session.current()
    out = capsys.readouterr().out
    assert "connected to" in out and "read-only" in out
    assert CANARY not in out
    assert CANARY not in session._repr_html_() and CANARY not in repr(session)
    assert session.live and "demo_readonly" in session.banner_text()


def test_sql_binds_notebook_variables(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    first = _count(demo_dsn, "select min(id) from tickets")
    ip.user_ns.update(tid=first, pat="%e%")
    df = ip.run_cell_magic("sql", "", "select id, title from tickets where id = :tid or title ilike {pat} order by id")
    expected = _count(demo_dsn, "select count(*) from tickets where id = %s or title ilike %s", (first, "%e%"))
    assert len(df) == expected and df["id"].iloc[0] == first
    assert list(df.columns) == ["id", "title"]


def test_sql_values_are_never_executed(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    evil = "x'); select pg_sleep(5); --"
    ip.user_ns["evil"] = evil
    df = ip.run_cell_magic("sql", "", "select {evil}::text as v, :evil = {evil} as same")
    assert df["v"].tolist() == [evil] and df["same"].tolist() == [True]


def test_sql_as_role_with_claims_applies_rls(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    owner = ip.run_cell_magic("sql", "", "select id from tickets")
    anon = ip.run_cell_magic("sql", "--as anon", "select id from tickets")
    assert len(owner) == _count(demo_dsn, "select count(*) from tickets")
    assert len(anon) == _count(demo_dsn, "select count(*) from tickets where status = 'open'")
    assert len(anon) < len(owner)
    with psycopg.connect(demo_dsn) as conn:
        user = conn.execute("select assignee from tickets where assignee is not null limit 1").fetchone()[0]  # type: ignore[index]
    mine = _count(demo_dsn, "select count(*) from tickets where created_by = %s or assignee = %s", (user, user))
    ip.user_ns["claims"] = {"sub": str(user), "role": "authenticated"}
    df = ip.run_cell_magic("sql", "--as authenticated --claims claims -o mine_df",
                           "select id, auth.uid() as uid from tickets")
    assert len(df) == mine and ip.user_ns["mine_df"] is df
    assert {str(u) for u in df["uid"]} == {str(user)}
    df2 = ip.run_cell_magic("sql", f"--as authenticated --claims '{{\"sub\": \"{user}\"}}'",
                            "select id from tickets")
    assert len(df2) == mine


def test_sql_errors_are_one_line(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    with pytest.raises(UsageError, match="column \"name\" does not exist"):
        ip.run_cell_magic("sql", "", "select name from tickets")
    with pytest.raises(UsageError, match="read-only"):
        ip.run_cell_magic("sql", "", "delete from tickets")
    with pytest.raises(UsageError, match="--claims is not valid JSON"):
        ip.run_cell_magic("sql", "--as anon --claims '{nope'", "select 1")
    with pytest.raises(UsageError, match="did you mean snapshot"):
        ip.run_line_magic("pgprobe", "snapshto")


def test_not_connected_says_how(ip: Any) -> None:
    _session._set_current(None)
    with pytest.raises(UsageError, match="not connected.*%pgprobe connect"):
        ip.run_cell_magic("sql", "", "select 1")


def test_snapshot_and_table(ip: Any, demo_dsn: str, tmp_path: Any) -> None:
    _session.connect(demo_dsn, show=False)
    view = ip.run_line_magic("pgprobe", f"snapshot --save {tmp_path / 's.json'} -o snap")
    assert isinstance(view, SnapshotView)
    assert "public" in view._repr_html_() and "tickets" in repr(view)
    assert (tmp_path / "s.json").exists() and ip.user_ns["snap"].has_table("public.tickets")
    table = ip.run_line_magic("pgprobe", "table ai_analyses")
    assert isinstance(table, TableView)
    html = table._repr_html_()
    for policy in ip.user_ns["snap"].table("ai_analyses").policies:
        assert policy.name in html
    with pytest.raises(UsageError, match="no relation public.tickts; did you mean public.tickets"):
        ip.run_line_magic("pgprobe", "table tickts")


def test_erd_magic(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    graph = ip.run_line_magic("pgprobe", "erd tickets --depth 2")
    svg = graph.pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and "tickets_assignee_fkey" in svg and "ticket_activities" in svg


def test_lint_magic(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    view = ip.run_line_magic("pgprobe", "lint demo")
    assert isinstance(view, FindingsView) and len(view) > 0
    rules = {f.rule for f in view.findings}
    assert "procedural-outside-plpgsql" in rules
    assert "procedural-outside-plpgsql" in view._repr_html_()


def test_replay_from_pin(ip: Any, demo_dsn: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pin = tmp_path / "pin.json"
    live = _session.connect(demo_dsn, pin=pin, show=False)
    assert pin.exists() and live.live
    tables = {r.qualified_name for r in live.snap.relations}
    gone = f"postgresql://postgres:{CANARY}@/nowhere?host={tmp_path}/nosock"
    ip.user_ns["GONE"] = gone
    ip.user_ns["PIN"] = str(pin)
    ip.run_line_magic("pgprobe", "connect $GONE --pin $PIN")
    session = _session.current()
    assert session.mode == "replay" and not session.live
    assert {r.qualified_name for r in session.snap.relations} == tables
    assert ip.run_cell_magic("sql", "", "select 1") is None
    out = capsys.readouterr().out
    assert "needs a live database" in out and CANARY not in out and CANARY not in repr(session)
    assert isinstance(ip.run_line_magic("pgprobe", "table tickets"), TableView)
    assert ip.run_line_magic("pgprobe", "erd tickets") is not None


def test_diff_magic(ip: Any, demo_dsn: str, tmp_path: Any) -> None:
    pin = tmp_path / "pin.json"
    _session.connect(demo_dsn, pin=pin, show=False)
    report = ip.run_line_magic("pgprobe", "diff pinned live")
    assert report.same


def test_postgrest_live_matches_sql_as_anon(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    ip.user_ns["T"] = "tickets"
    view = ip.run_cell_magic("postgrest", "-o res", "GET /{T}?select=id,title&order=id\nPrefer: count=exact\n")
    assert ip.user_ns["res"] is view and view.status == 200 and view.ok
    with psycopg.connect(demo_dsn) as conn:
        ids = [r[0] for r in conn.execute("select id from tickets where status = 'open' order by id")]
    assert [row["id"] for row in view.body] == ids
    assert list(view.frame().columns) == ["id", "title"]
    html = view._repr_html_()
    assert "GET /tickets?select=id,title" in html and "tickets" in view.sql and "SELECT" in html.upper()
    authed = ip.run_cell_magic("postgrest", "--as service_role", "GET /tickets?select=id")
    assert len(authed.body) == _count(demo_dsn, "select count(*) from tickets")


def test_postgrest_errors_are_explained(ip: Any, demo_dsn: str) -> None:
    _session.connect(demo_dsn, show=False)
    amb = ip.run_cell_magic("postgrest", "--explain", "GET /tickets?select=id,users(email)")
    assert amb.error["code"] == "PGRST201" and amb.status == 300
    html = amb._repr_html_()
    assert "users!tickets_assignee_fkey" in html and "users!tickets_created_by_fkey" in html
    assert "ambiguous" in html and "PGRST201" in repr(amb)
    guessed = ip.run_cell_magic("postgrest", "", "GET /ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(id,title)")
    assert guessed.error["code"] == "PGRST200" and "No foreign key" in guessed._repr_html_()
    fk = next(c.name for c in _session.current().snap.table("ticket_activities").foreign_keys
              if c.ref == "public.tickets")
    assert f"tickets!{fk}" in repr(guessed) and f"tickets!{fk}" in guessed._repr_html_()
    right = ip.run_cell_magic("postgrest", "", "GET /ticket_activities?select=id,ticket:tickets!ticket_activities_ticket_id_fkey(id,title)")
    assert right.ok and "LEFT JOIN" in right.plain_sql.upper()
    with pytest.raises(UsageError, match="unknown HTTP method FETCH"):
        ip.run_cell_magic("postgrest", "", "FETCH /tickets")
    with pytest.raises(UsageError, match="not JSON"):
        ip.run_cell_magic("postgrest", "", "POST /tickets\nPrefer: return=representation\n\n{nope")


def test_postgrest_offline_explains_from_the_pin(ip: Any, demo_dsn: str, tmp_path: Any) -> None:
    pin = tmp_path / "pin.json"
    _session.connect(demo_dsn, pin=pin, show=False)
    _session.connect(demo_dsn, pin=pin, replay=True, show=False)
    view = ip.run_cell_magic("postgrest", "", "GET /ticket_activities?select=id,ticket:tickets(title)")
    assert not view.live and view.body is None and view.error is None
    assert "ticket_activities" in view.sql and "offline" in view._repr_html_()


def test_live_run_reports_changes_since_the_pin(scratch_demo_dsn: str, tmp_path: Any) -> None:
    pin = tmp_path / "pin.json"
    first = _session.connect(scratch_demo_dsn, pin=pin, show=False)
    assert first.since_pin is None and pin.exists()
    again = _session.connect(scratch_demo_dsn, pin=pin, show=False)
    assert again.since_pin is not None and again.since_pin.same and "same as the pin" in again.banner_text()
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.tickets add column name text")
    changed = _session.connect(scratch_demo_dsn, pin=pin, show=False)
    assert "public.tickets.columns.name" in changed.since_pin.paths()
    assert "changed since the pin: 1 differences" in changed.banner_text()
    _session.current().close()


def test_diff_magic_sees_a_changed_database(ip: Any, scratch_demo_dsn: str, tmp_path: Any) -> None:
    pin = tmp_path / "pin.json"
    _session.connect(scratch_demo_dsn, pin=pin, show=False)
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.tickets drop column priority")
    _session.connect(scratch_demo_dsn, pin=pin, show=False)
    report = ip.run_line_magic("pgprobe", "diff pinned live -o d")
    removed = [c.path for c in report.changes if c.change == "removed"]
    assert "public.tickets.columns.priority" in removed  # (and its check constraint with it)
    assert all(p.startswith("public.tickets.") and "priority" in p for p in removed)
    assert not [c for c in report.changes if c.change != "removed"]
    assert ip.user_ns["d"] is report and "priority" in report._repr_html_()
    _session.current().close()


def test_postgrest_writes_never_persist(ip: Any, scratch_demo_dsn: str) -> None:
    _session.connect(scratch_demo_dsn, show=False)
    for prefer in ("return=representation", "return=representation, tx=commit"):
        view = ip.run_cell_magic("postgrest", "--as service_role",
                                 f'POST /labels\nPrefer: {prefer}\n\n{{"name": "nb-probe"}}')
        assert view.status in (201, 403, 405) or view.error
    assert _count(scratch_demo_dsn, "select count(*) from labels where name = 'nb-probe'") == 0
    _session.current().close()


@pytest.mark.slow
def test_connect_demo_starts_the_embedded_demo_once(ip: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from pgprobe import demo

    monkeypatch.setenv("PGPROBE_HOME", str(tmp_path / "home"))
    try:
        ip.run_line_magic("pgprobe", "connect demo")
        first = _session.current()
        assert first.live and "pgprobe_demo" in first.banner_text()
        assert first.snap.table("public.tickets").has_column("title")
        ip.run_line_magic("pgprobe", "connect demo")  # the same server, not a second one
        assert _session.current().probe.safe_dsn == first.label
        assert "connected to" in capsys.readouterr().out
    finally:
        with contextlib.suppress(Exception):
            _session.current().close()
        demo.down()


def test_connect_without_argument_uses_the_resolution_order(ip: Any, demo_pw_dsn: str, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PGPROBE_DSN", demo_pw_dsn)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@/elsewhere?host=/nonexistent")
    ip.run_line_magic("pgprobe", "connect")
    session = _session.current()
    assert session.live and "demo_readonly" in session.banner_text()
    status = ip.run_line_magic("pgprobe", "status")
    out = capsys.readouterr().out + repr(status) + status._repr_html_()
    assert "LIVE" in status._repr_html_() and CANARY not in out
    ip.run_line_magic("pgprobe", "disconnect")
    assert not _session.current().live
