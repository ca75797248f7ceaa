"""outliers/calls with and without pg_stat_statements; bloat and unused-index estimates
checked against a table whose truth is known (80% of its rows deleted, an index never used)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from pgprobe.embedded import Server
from pgprobe.inspect import Inspector
from pgprobe.inspect._inspector import PGSS_MISSING, PGSS_NOT_LOADED
from tests._servers import server_directory
from tests.conftest import FLAVOR


@pytest.fixture(scope="module")
def pgss_server() -> Iterator[Server]:
    """A server of its own with pg_stat_statements preloaded."""
    server = Server.start(FLAVOR, server_directory(f"{FLAVOR}-pgss"),  # type: ignore[arg-type]
                          settings={"shared_preload_libraries": "pg_stat_statements",
                                    "pg_stat_statements.track": "all"})
    try:
        yield server
    finally:
        server.stop(remove=True)


def test_server_settings_reach_the_server(pgss_server: Server) -> None:
    with psycopg.connect(pgss_server.dsn(), autocommit=True) as conn:
        value = conn.execute("show shared_preload_libraries").fetchone()
    assert value == ("pg_stat_statements",)


def test_outliers_and_calls_list_a_slow_statement(pgss_server: Server) -> None:
    dsn = pgss_server.create_database(f"pgss_{uuid.uuid4().hex[:8]}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create schema extensions")
        conn.execute("create extension pg_stat_statements schema extensions")
        conn.execute("select extensions.pg_stat_statements_reset()")
        for _ in range(2):
            conn.execute("select pg_sleep(0.3)")
        for i in range(25):
            conn.execute("select %s::int + 1", (i,))
    with Inspector(dsn) as db:
        outliers, calls = db.outliers(), db.calls()
    assert outliers.note is None
    top = outliers.iloc[0]
    assert "pg_sleep" in top["query"] and top["calls"] == 2
    assert top["mean_ms"] >= 290 and top["share_pct"] > 50
    assert calls.iloc[0]["calls"] >= 25 and "::int +" in calls.iloc[0]["query"]
    # the empty frame shown without the extension has exactly these columns
    with Inspector(pgss_server.dsn()) as db:
        missing = db.outliers()
    assert missing.note == PGSS_MISSING and len(missing) == 0
    assert list(missing.columns) == list(outliers.columns)


def test_outliers_without_pg_stat_statements_says_so(scratch_dsn: str) -> None:
    with Inspector(scratch_dsn) as db:
        frame = db.outliers()
        assert frame.note == PGSS_MISSING and len(frame) == 0
        assert "create extension pg_stat_statements" in frame._repr_html_()
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create extension pg_stat_statements")  # installed, not preloaded
    with Inspector(scratch_dsn) as db:
        assert db.calls().note == PGSS_NOT_LOADED


def make_bloated(dsn: str) -> None:
    """``bloated``: 100,000 rows, 80% deleted evenly (so VACUUM cannot truncate), vacuumed and
    analyzed; ``bloated_n`` never used. ``compact``: the same rows, nothing deleted."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in ("bloated", "compact"):
            conn.execute(f"create table {name} (id int primary key, payload text, n int)")
            conn.execute(f"insert into {name} select g, md5(g::text) || md5(g::text), "
                         "(g * 7919) % 100003 from generate_series(1, 100000) g")
            conn.execute(f"create index {name}_n on {name} (n)")
        conn.execute("delete from bloated where id % 5 <> 0")
        conn.execute("vacuum analyze bloated")
        conn.execute("vacuum analyze compact")
    with psycopg.connect(dsn, autocommit=True) as conn:  # use compact_n once
        conn.execute("set enable_seqscan = off")
        conn.execute("select count(*) from compact where n = 7").fetchone()


def _measured_bloat(dsn: str) -> dict[str, float]:
    """The truth, from pgstattuple: free + dead share of each table, and the leaf space an
    index does not use at its fillfactor (90)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create extension if not exists pgstattuple")
        truth = {}
        for name in ("bloated", "compact"):
            free, dead = conn.execute("select free_percent, dead_tuple_percent from "
                                      "pgstattuple(%s::regclass)", (name,)).fetchone()
            truth[f"public.{name}"] = free + dead
            (density,) = conn.execute("select avg_leaf_density from pgstatindex(%s::regclass)",
                                      (f"{name}_n",)).fetchone()
            truth[f"public.{name}_n"] = max(0.0, 100 * (1 - density / 90))
    return truth


def test_bloat_estimates_match_pgstattuple(scratch_dsn: str) -> None:
    make_bloated(scratch_dsn)
    with Inspector(scratch_dsn) as db:
        bloat = db.bloat().set_index("name")
    truth = _measured_bloat(scratch_dsn)
    assert truth["public.bloated"] > 70 and truth["public.compact"] < 10  # the setup worked
    for name, measured in truth.items():
        assert bloat.loc[name, "bloat_pct"] == pytest.approx(measured, abs=10), name
    assert bloat.loc["public.bloated", "kind"] == "table"
    assert bloat.loc["public.bloated_n", "kind"] == "index"
    assert bloat.loc["public.bloated_n", "table"] == "public.bloated"
    row = bloat.loc["public.bloated"]
    assert row["bloat_bytes"] + row["expected_bytes"] == row["size_bytes"]


def test_unused_indexes_lists_the_never_used_index(scratch_dsn: str) -> None:
    make_bloated(scratch_dsn)
    with Inspector(scratch_dsn) as db:
        unused = db.unused_indexes()
        usage = db.index_stats().set_index("name")
    names = set(unused["name"])
    assert "public.bloated_n" in names
    assert "public.compact_n" not in names  # scanned once
    assert not any(n.endswith("_pkey") for n in names)  # constraints are never "unused"
    assert unused.set_index("name").loc["public.bloated_n", "size_bytes"] > 100_000
    assert usage.loc["public.compact_n", "idx_scan"] >= 1
    assert usage.loc["public.bloated_n", "unused"]


def test_collation_drift_finds_an_index_built_with_another_version(scratch_dsn: str) -> None:
    """What an OS/ICU upgrade leaves behind, made by recording an older version of a
    versioned collation (ICU on PG 15, the builtin provider on PG 18; a superuser catalog
    update, in a scratch database)."""
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        found = conn.execute(
            "select oid, oid::regcollation::text, format('%I.%I', 'pg_catalog', collname) "
            "from pg_collation where collprovider <> 'd' "
            "and pg_collation_actual_version(oid) is not null "
            "order by collprovider = 'i' desc, collname limit 1").fetchone()
        assert found is not None, "no versioned collation on this server"
        oid, name, qualified = found
        conn.execute(f"create table words (w text collate {name}, plain text)")
        conn.execute("create index words_w on words (w)")
        conn.execute("create index words_plain on words (plain)")
    with Inspector(scratch_dsn) as db:
        assert "public.words_w" not in set(db.view("collation-drift")["name"])
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("update pg_collation set collversion = '0.1' where oid = %s", (oid,))
    with Inspector(scratch_dsn) as db:
        drift = db.view("collation-drift").set_index("name")
        toast = db.view("toast-sizes").set_index("table")
        xid = db.view("xid-age").set_index("table")
    assert list(drift.index) == ["public.words_w"]
    row = drift.loc["public.words_w"]
    assert row["recorded_version"] == "0.1" and row["actual_version"] not in (None, "0.1")
    assert row["collation"] == qualified and "reindex index public.words_w" in row["fix"]
    assert toast.loc["public.words", "toast_bytes"] >= 0 and not toast.loc["public.words", "locked"]
    assert xid.loc["public.words", "xid_age"] >= 0
