"""types check on files as real projects commit them (issue 10, class 8): synthetic repros.

Automatic semicolon insertion before a member named ``in_...``; platform schemas written by
``supabase gen types``; placeholder files; computed fields; views printed by other generator
versions; hand-written files that spell tables through a generic helper.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe._errors import InputError
from pgprobe.cli import main
from pgprobe.types import check, generate, parse_types_text

SCHEMA = """
create table public.uploads (id bigint primary key, bucket_id text not null,
                             in_progress_size bigint not null, in2 int, inside text);
create table public.profiles (id bigint primary key, first text, last text);
create table public.notes (id bigint primary key, profile_id bigint references public.profiles(id),
                           body text not null);
create function public.full_name(p public.profiles) returns text language sql stable
  as $$ select p.first || ' ' || p.last $$;
create view public.note_view as select n.id, n.body, n.profile_id from public.notes n;
"""


@pytest.fixture()
def real_dsn(scratch_dsn: str) -> str:
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)  # type: ignore[call-overload]
    return scratch_dsn


@pytest.fixture()
def generated(real_dsn: str) -> str:
    return generate(pgprobe.snapshot(real_dsn), ["public"])


def _check_cli(path: Path, dsn: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["types", "check", str(path), "--dsn", dsn, *extra])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- automatic semicolons
def test_member_named_in_something_after_a_line_without_semicolon(real_dsn: str, generated: str,
                                                                  tmp_path: Path) -> None:
    assert "          id: number\n          in_progress_size: number\n" in generated
    db = parse_types_text(generated)
    assert list(db.schemas["public"].tables["uploads"].row) == [
        "bucket_id", "id", "in_progress_size", "in2", "inside"]
    # not byte-identical (a comment), so the file is really parsed and compared
    path = tmp_path / "database.types.ts"
    path.write_text("// committed\n" + generated)
    assert check(path, pgprobe.snapshot(real_dsn)).same
    with psycopg.connect(real_dsn, autocommit=True) as conn:
        conn.execute("alter table public.uploads drop column in_progress_size")
    report = check(path, pgprobe.snapshot(real_dsn))
    assert [c.path for c in report.changes] == ["public.uploads.columns.in_progress_size"]


def test_a_real_syntax_error_is_still_reported_where_it_is() -> None:
    text = "export type Database = {\n  public: {\n    Tables: {\n      t: { Row: { in_x: string\n"
    with pytest.raises(InputError, match=r"<text>:\d+:\d+: not valid TypeScript"):
        parse_types_text(text)


# ---------------------------------------------------------------- platform schemas
PLATFORM = '''  graphql_public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      graphql: {
        Args: { operationName?: string; query?: string; variables?: Json; extensions?: Json }
        Returns: Json
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
'''

STORAGE = '''  storage: {
    Tables: {
      buckets: {
        Row: { id: string; name: string; public: boolean | null }
        Insert: { id: string; name: string; public?: boolean | null }
        Update: { id?: string; name?: string; public?: boolean | null }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
'''


def _with_platform(generated: str) -> str:
    """The file as ``supabase gen types`` writes it: graphql_public first, storage after."""
    head, sep, rest = generated.partition("export type Database = {\n")
    text = head + sep + PLATFORM + rest
    return text.replace("\n  }\n}\n\ntype DatabaseWithoutInternals", "\n  }\n" + STORAGE
                        + "}\n\ntype DatabaseWithoutInternals", 1)


def test_platform_schemas_are_not_reported_removed(real_dsn: str, generated: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "database.types.ts"
    path.write_text(_with_platform(generated))
    assert set(parse_types_text(path.read_text()).schemas) == {"graphql_public", "public", "storage"}
    code, out, err = _check_cli(path, real_dsn, capsys)
    assert code == 0, out
    assert "removed" not in out and "graphql_public" not in out
    assert "not compared: graphql_public, storage" in err
    # named: compared when the database has it, never "removed" when it does not
    code, out, err = _check_cli(path, real_dsn, capsys, "--schema", "storage")
    assert code == 2 and "storage" in err and "removed" not in out
    with pytest.raises(InputError, match="nothing to check: storage not in this database"):
        check(path, pgprobe.snapshot(real_dsn), ["storage"])


def test_schema_option_filters_both_sides(real_dsn: str, generated: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with psycopg.connect(real_dsn, autocommit=True) as conn:
        conn.execute("create schema app; create table app.jobs (id int primary key)")
    snap_text = generate(pgprobe.snapshot(real_dsn, schemas=["public", "app"]), ["public", "app"])
    path = tmp_path / "database.types.ts"
    path.write_text(snap_text.replace("jobs:", "old_jobs:", 1))
    code, out, _ = _check_cli(path, real_dsn, capsys)
    assert code == 1 and "app.old_jobs" in out  # the drift is there ...
    code, out, _ = _check_cli(path, real_dsn, capsys, "--schema", "public")
    assert code == 0 and "app" not in out  # ... and --schema public leaves app out of both sides


# ---------------------------------------------------------------- placeholders
@pytest.mark.parametrize("text", [
    "export type Database = Record<string, unknown>\n",
    "export type Database = any\n",
    "export interface Database {}\n",
])
def test_placeholder_is_nothing_to_check(text: str, real_dsn: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "database.types.ts"
    path.write_text(text)
    code, out, err = _check_cli(path, real_dsn, capsys)
    assert code == 2 and out == ""
    assert err.startswith("pgprobe: error: ") and "nothing to check" in err
    with pytest.raises(InputError, match="nothing to check"):
        check(path, pgprobe.snapshot(real_dsn))


def test_empty_template_is_nothing_to_check(scratch_dsn: str, real_dsn: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str], pg_server) -> None:  # type: ignore[no-untyped-def]
    empty = pg_server.create_database("empty_for_template", replace=True)
    try:
        path = tmp_path / "types.ts"
        path.write_text(generate(pgprobe.snapshot(empty), ["public"]))
    finally:
        pg_server.drop_database("empty_for_template")
    code, _, err = _check_cli(path, real_dsn, capsys)
    assert code == 2 and "declares no tables, views, functions" in err


# ---------------------------------------------------------------- computed fields, views
def _drop_row_member(text: str, table: str, member: str) -> str:
    """The file an older generator prints: the computed field only under Functions."""
    start = text.index(f"      {table}: {{\n        Row: {{\n")
    end = text.index("        }\n", start)
    row = text[start:end]
    return text[:start] + re.sub(rf"\n          {member}: [^\n]*", "", row, count=1) + text[end:]


def test_computed_fields_in_row_or_not_are_not_drift(real_dsn: str, generated: str,
                                                     tmp_path: Path) -> None:
    assert "full_name: string | null" in generated.split("      profiles: {")[1].split("Insert:")[0]
    older = _drop_row_member(generated, "profiles", "full_name")
    assert older != generated
    path = tmp_path / "database.types.ts"
    path.write_text(older)
    snap = pgprobe.snapshot(real_dsn)
    assert check(path, snap).same, check(path, snap).to_text()
    # a real column missing from Row still counts
    path.write_text(_drop_row_member(generated, "profiles", "last"))
    assert [c.path for c in check(path, snap).changes] == ["public.profiles.columns.last"]


def test_views_printed_by_older_generators_are_not_drift(real_dsn: str, generated: str,
                                                         tmp_path: Path) -> None:
    view = generated.index("      note_view: {")
    end = generated.index("\n      }\n", view)
    block = generated[view:end]
    assert "Insert:" in block and "Relationships: [" in block and "notes_profile_id_fkey" in block
    # an older generator: Row only, and no relationships for views
    row_only = block[: block.index("        Insert:")] + "        Relationships: []"
    path = tmp_path / "database.types.ts"
    path.write_text(generated[:view] + row_only + generated[end:])
    report = check(path, pgprobe.snapshot(real_dsn))
    assert report.same, report.to_text()


# ---------------------------------------------------------------- hand-written helpers
def test_hand_written_generic_table_helper_is_read(real_dsn: str, tmp_path: Path) -> None:
    text = '''type BaseTable<R, I, U> = { Row: R; Insert: I; Update: U; Relationships: Array<{ foreignKeyName: string }> }
export type Database = {
  public: {
    Tables: {
      notes: BaseTable<
        { id: number; body: "todo" | "done"; profile_id: number | null; title: string },
        { id: number; body: string; profile_id?: number | null },
        { id?: number; body?: string; profile_id?: number | null }
      >
    }
  }
}
'''
    db = parse_types_text(text)
    notes = db.schemas["public"].tables["notes"]
    assert list(notes.row) == ["id", "body", "profile_id", "title"] and notes.relationships is None
    path = tmp_path / "types.ts"
    path.write_text(text)
    report = check(path, pgprobe.snapshot(real_dsn))
    paths = {c.path: c.change for c in report.changes}
    # a narrowed string ("todo" | "done") is not drift; a column the table lacks is
    assert paths["public.notes.columns.title"] == "removed"
    assert "public.notes.columns.body.type" not in paths


# ---------------------------------------------------------------- extensions elsewhere
def test_extension_functions_in_another_schema_are_not_removed(scratch_dsn: str, pg_server,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Production created pg_trgm in public (the file lists its functions); the database
    checked against (a stand-in, a rehearsal) has it in schema extensions."""
    prod = pg_server.create_database("prod_trgm_public", replace=True)
    try:
        with psycopg.connect(prod, autocommit=True) as conn:
            conn.execute("create extension pg_trgm schema public; "
                         "create table public.t (id int primary key, addr inet)")
        text = generate(pgprobe.snapshot(prod), ["public"])
    finally:
        pg_server.drop_database("prod_trgm_public")
    assert "show_trgm: " in text and "addr: unknown" in text
    path = tmp_path / "database.types.ts"
    path.write_text(text.replace("addr: unknown", "addr: unknown | null"))  # older generators
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create table public.t (id int primary key, addr inet)")
    code, out, _ = _check_cli(path, scratch_dsn, capsys)
    assert code == 1 and "functions.public.show_trgm  function removed" in out  # really gone
    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute("create schema extensions; create extension pg_trgm schema extensions")
    code, out, err = _check_cli(path, scratch_dsn, capsys)
    assert code == 0, out
    assert "function(s) of pg_trgm (schema extensions)" in err and "show_trgm" in err
