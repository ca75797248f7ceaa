"""Migration SQL from a diff: the generator's choices, and the demo's story proven.

The round trips over many schema pairs are in ``test_migration_roundtrip.py``; these tests
pin what a migration says (order, hazards, refusals, options) and the postmortem's ending:
from the demo's real state to the state its migrations declare, a clean migration, proven.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from pgprobe import demo
from pgprobe._errors import InputError
from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
from pgprobe.cli import main
from pgprobe.diff import DiffReport, diff
from pgprobe.diff.sql import Migration, MigrationOptions
from pgprobe.embedded import Server
from pgprobe.migrations._files import migration_files, split_statements
from pgprobe.migrations._rehearse import stand_in_sql


def _table(name: str, *cols: Column, cons: tuple[Constraint, ...] = ()) -> Relation:
    return Relation("public", name, "table", columns=cols, constraints=cons)


def _id(name: str = "id") -> Column:
    return Column(name, 1, "bigint", "int8", nullable=False)


def test_circular_foreign_keys_come_after_both_tables() -> None:
    a = _table("a", _id(), Column("b_id", 2, "bigint", "int8"),
               cons=(Constraint("a_pkey", "primary", ("id",), "PRIMARY KEY (id)"),
                     Constraint("a_b", "foreign", ("b_id",), "FOREIGN KEY (b_id) REFERENCES "
                                "public.b(id)", "public", "b", ("id",))))
    b = _table("b", _id(), Column("a_id", 2, "bigint", "int8"),
               cons=(Constraint("b_pkey", "primary", ("id",), "PRIMARY KEY (id)"),
                     Constraint("b_a", "foreign", ("a_id",), "FOREIGN KEY (a_id) REFERENCES "
                                "public.a(id)", "public", "a", ("id",))))
    m = diff(Snapshot(), Snapshot(relations=(a, b))).to_sql()
    kinds = [(s.kind, s.action, s.object) for s in m]
    creates = [i for i, k in enumerate(kinds) if k[:2] == ("rel", "create")]
    at = {k[2]: i for i, k in enumerate(kinds) if k[0] == "con"}
    assert len(creates) == 2 and len(at) == 4
    assert max(creates) < min(at.values())
    assert at["public.b.b_pkey"] < at["public.a.a_b"] and at["public.a.a_pkey"] < at["public.b.b_a"]


def test_data_loss_is_refused_and_explained() -> None:
    before = Snapshot(relations=(_table("t", _id(), Column("note", 2, "text", "text")),))
    after = Snapshot(relations=(_table("t", _id()),))
    report = diff(before, after)
    refused = report.to_sql()
    assert not refused.statements and refused.refused
    assert "deletes its values" in refused.refused[0].reason
    assert "REFUSED public.t.note" in str(refused) and refused.exit_code == 1
    allowed = report.to_sql(allow_data_loss=True)
    assert [h.kind for s in allowed for h in s.hazards] == ["data_loss"]
    assert 'DROP COLUMN "note"' in str(allowed)


def test_type_without_cast_is_refused_and_dropped_only_when_allowed() -> None:
    before = Snapshot(relations=(_table("t", _id(), Column("flag", 2, "boolean", "bool")),))
    after = Snapshot(relations=(_table("t", _id(), Column("flag", 2, "date", "date")),))
    report = diff(before, after)
    assert "no cast from boolean to date" in report.to_sql().refused[0].reason
    sql = str(report.to_sql(allow_data_loss=True))
    assert sql.index('DROP COLUMN "flag"') < sql.index('ADD COLUMN "flag" date')


def test_retype_keeps_data_with_using_and_names_the_rewrite() -> None:
    before = Snapshot(relations=(_table("t", _id(), Column("n", 2, "integer", "int4")),))
    after = Snapshot(relations=(_table("t", _id(), Column("n", 2, "bigint", "int8")),))
    (st,) = diff(before, after).to_sql().statements
    assert st.sql.endswith('TYPE bigint USING "n"::bigint')
    assert st.lock == "ACCESS EXCLUSIVE"
    assert [h.kind for h in st.hazards] == ["table_rewrite", "access_exclusive"]


def test_enum_labels_added_in_place_before_and_after() -> None:
    from pgprobe.catalog._model import EnumType

    a = Snapshot(enums=(EnumType("public", "e", ("a", "c")),))
    b = Snapshot(enums=(EnumType("public", "e", ("a", "b", "c", "d")),))
    m = diff(a, b).to_sql()
    assert [s.sql for s in m] == [
        "ALTER TYPE \"public\".\"e\" ADD VALUE IF NOT EXISTS 'b' BEFORE 'c'",
        "ALTER TYPE \"public\".\"e\" ADD VALUE IF NOT EXISTS 'd' AFTER 'c'"]
    assert not m.transactional  # a new label is usable only once committed


def test_concurrently_splits_the_script() -> None:
    from pgprobe.catalog._model import Index

    t = _table("t", _id())
    idx = Index("t_id_idx", ("id",), "CREATE INDEX t_id_idx ON public.t USING btree (id)")
    report = diff(Snapshot(relations=(t,)),
                  Snapshot(relations=(Relation("public", "t", "table", columns=t.columns,
                                               indexes=(idx,)),)))
    plain = report.to_sql()
    assert plain.transactional and plain.statements[0].lock == "SHARE"
    assert plain.statements[0].hazards[0].kind == "long_validation"
    m = report.to_sql(MigrationOptions(concurrently=True))
    assert "CREATE INDEX CONCURRENTLY t_id_idx" in str(m) and not m.transactional


def test_report_without_snapshots_cannot_give_sql() -> None:
    with pytest.raises(InputError, match="cannot give SQL"):
        DiffReport([], "a", "b").to_sql()


def test_html_shows_hazards_before_the_script() -> None:
    before = Snapshot(relations=(_table("t", _id(), Column("note", 2, "text", "text")),))
    m = diff(before, Snapshot(relations=(_table("t", _id()),))).to_sql(allow_data_loss=True)
    html = m._repr_html_()
    assert isinstance(m, Migration)
    assert html.index("data_loss") < html.index("<pre") < html.index("DROP COLUMN")


# -- the demo's story ---------------------------------------------------------------------
@pytest.fixture()
def declared_dsn(pg_server: Server) -> Iterator[str]:
    """A database holding what the demo's migration files declare: the Supabase stand-in,
    then every file in version order, each in its own transaction (statement by statement
    when it has CREATE INDEX CONCURRENTLY); files that fail are retried once the others ran
    (the old-style 028 file needs the tables the later files make)."""
    name = f"declared_{uuid.uuid4().hex[:10]}"
    dsn = pg_server.create_database(name)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(stand_in_sql())  # type: ignore[call-overload]
            pending = migration_files(demo.migrations_dir())
            for _ in range(2):
                pending = [f for f in pending if not _apply(conn, f.path.read_text())]
        yield dsn
    finally:
        pg_server.drop_database(name)


def _apply(conn: psycopg.Connection[object], text: str) -> bool:
    try:
        if "concurrently" in text.lower():
            for st in split_statements(text):
                conn.execute(st.text)  # type: ignore[call-overload]
        else:
            with conn.transaction():
                conn.execute(text)  # type: ignore[call-overload]
    except psycopg.Error:
        return False
    return True


def test_demo_story_clean_migration_is_proven(demo_dsn: str, declared_dsn: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from pgprobe.migrations import verify

    assert verify(declared_dsn, demo.migrations_dir()).query("status == 'missing'").empty
    report = diff(demo_dsn, declared_dsn)
    assert not report.same
    flavor = "system" if "15" in str(psycopg.connect(demo_dsn).info.server_version)[:2] \
        else "embedded"
    code = main(["diff", demo_dsn, declared_dsn, "--sql", "--prove", "--server", flavor])
    out = capsys.readouterr().out
    assert code == 1  # differences
    assert "proven: source + migration == target" in out
    migration = report.to_sql()
    assert not migration.refused and not migration.unsupported
    # every difference the report names is acted on by some statement
    for change in report:
        obj = change.path.split(".columns.")[0].split(".indexes.")[0]
        assert any(st.object.startswith(obj.split(".comment")[0]) for st in migration), change
    assert "tickets_parent_ticket_id_idx" in out


def test_cli_sql_from_snapshot_files(tmp_path: object, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    from pathlib import Path

    before = Snapshot(relations=(_table("t", _id()),))
    after = Snapshot(relations=(_table("t", _id(), Column("note", 2, "text", "text")),))
    a, b, out = (Path(str(tmp_path)) / n for n in ("a.json", "b.json", "m.sql"))
    before.save(a)
    after.save(b)
    assert main(["diff", str(a), str(b), "--sql"]) == 1
    assert 'ADD COLUMN "note" text' in capsys.readouterr().out
    assert main(["diff", str(a), str(b), "-o", str(out)]) == 1
    assert 'ADD COLUMN "note" text' in out.read_text()
    assert main(["diff", str(a), str(a), "--sql"]) == 0
    assert main(["diff", str(b), str(a), "--sql"]) == 1  # refused, and said so
    assert "refused public.t.note" in capsys.readouterr().err
    missing = Path(str(tmp_path)) / "nope.json"
    assert main(["diff", str(a), str(missing), "--sql"]) == 2


def test_dropped_foreign_key_names_the_postgrest_embeds(demo_snapshot: Snapshot) -> None:
    import dataclasses

    acts = demo_snapshot.table("public.ticket_activities")
    fk = next(c for c in acts.foreign_keys if c.ref == "public.tickets")
    changed = dataclasses.replace(acts, constraints=tuple(c for c in acts.constraints
                                                          if c is not fk))
    target = dataclasses.replace(demo_snapshot, relations=tuple(
        changed if r is acts else r for r in demo_snapshot.relations))
    (st,) = diff(demo_snapshot, target).to_sql().statements
    assert st.sql.endswith(f'DROP CONSTRAINT "{fk.name}"')
    (hazard,) = [h for h in st.hazards if h.kind == "postgrest_embed"]
    assert fk.name in hazard.message and "ticket_activities" in hazard.message
