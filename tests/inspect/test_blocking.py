"""The blocking tree and why-waiting on real contention (A -> B -> C)."""

from __future__ import annotations

import pgprobe
from pgprobe.inspect import Inspector


def test_blocking_tree_is_a_to_b_to_c(contention) -> None:
    with Inspector(contention.dsn) as db:
        frame = db.blocking()
    assert list(frame["pid"]) == [contention.a, contention.b, contention.c]
    by_pid = frame.set_index("pid")
    assert by_pid.loc[contention.a, "depth"] == 0
    assert by_pid.loc[contention.b, "parent"] == contention.a
    assert by_pid.loc[contention.c, "parent"] == contention.b
    assert set(by_pid["root"]) == {contention.a}
    assert by_pid.loc[contention.a, "state"] == "idle in transaction"
    assert by_pid.loc[contention.a, "application"] == "session_a"
    assert "lock table tickets" in by_pid.loc[contention.a, "query"]
    assert by_pid.loc[contention.b, "waiting_for"] == "AccessExclusiveLock on public.tickets"
    assert by_pid.loc[contention.c, "waiting_for"] == "AccessShareLock on public.tickets"
    # C is held by both A (hard block) and B (queued ahead): both are listed
    assert set(by_pid.loc[contention.c, "blocked_by"]) == {contention.a, contention.b}
    assert by_pid.loc[contention.b, "wait_s"] > 0
    assert frame.taken_at is not None and "└─" in by_pid.loc[contention.c, "tree"]


def test_why_waiting_names_the_root_blocker_for_b_and_c(contention) -> None:
    with pgprobe.inspect(contention.dsn) as db:
        answers = {w.pid: w for w in db.why_waiting()}
        assert set(answers) == {contention.b, contention.c}
        b, c = answers[contention.b], answers[contention.c]
        assert b.blockers == [contention.a] and b.root == contention.a
        assert c.blockers[0] == contention.b and contention.a in c.blockers
        assert c.root == contention.a
        for answer in (b, c):
            assert f"pid {contention.a} (`idle in transaction`" in answer.sentence
            assert "app `session_a`" in answer.sentence
            assert f"pg_terminate_backend({contention.a})" in answer.suggestion
        assert "waiting" in b.sentence and "AccessExclusiveLock on public.tickets" in b.sentence
        assert "alter table tickets" in b.sentence
        only_c = db.why_waiting(application="session_c")
        assert [w.pid for w in only_c] == [contention.c]
        assert [w.pid for w in db.why_waiting(query_like="ALTER TABLE")] == [contention.b]
        assert [w.pid for w in db.why_waiting(pid=contention.b)] == [contention.b]
        assert db.why_waiting(pid=contention.a) == []


def test_idle_in_transaction_lists_a(contention) -> None:
    with Inspector(contention.dsn) as db:
        frame = db.idle_in_transaction()
        locks = db.locks()
    assert list(frame["pid"]) == [contention.a]
    row = frame.iloc[0]
    assert row["application"] == "session_a" and row["sessions_blocked"] == 2
    assert row["locks_held"] >= 1 and "lock table" in row["last_query"]
    waiting = locks[~locks["granted"]]
    assert set(waiting["pid"]) == {contention.b, contention.c}
    held = locks[(locks["pid"] == contention.a) & (locks["relation"] == "public.tickets")]
    assert list(held["mode"]) == ["AccessExclusiveLock"]


def test_the_probe_never_waits_on_a_lock(contention) -> None:
    """Every view answers while A holds an ACCESS EXCLUSIVE lock on a user table."""
    with Inspector(contention.dsn) as db:
        frames = dict(db.views())
        assert db.probe.read_only
    assert list(frames) == list(pgprobe.inspect.VIEWS)
    sizes = frames["table-sizes"].set_index("name")
    assert sizes.loc["public.tickets", "locked"]
    assert sizes.loc["public.tickets", "total_bytes"] is None
    assert "locked by another session" in (frames["table-sizes"].note or "")
