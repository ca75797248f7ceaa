"""pgprobe.types.check: a committed types file vs the database, by meaning."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe._errors import InputError
from pgprobe.types import check, generate, parse_types_text


def test_fresh_file_is_same(demo_dsn: str, tmp_path: Path) -> None:
    snap = pgprobe.snapshot(demo_dsn)
    path = tmp_path / "database.types.ts"
    path.write_text(generate(snap, ["public"]))
    report = check(path, snap)
    assert report.same, report.to_text()


def test_supabase_cli_3_file_is_same_as_postgres_meta_file(sample_dsn: str, research_dir: Path) -> None:
    """Generator noise (ComputedFields, view nullability, formatting) does not count."""
    snap = pgprobe.snapshot(sample_dsn)
    for name in ("sample-types.ts", "sample-types.supabase-cli-3.1.0.ts"):
        report = check(research_dir / name, snap)
        assert report.same, report.to_text()


def test_hand_edited_style_is_same(sample_dsn: str, research_dir: Path, tmp_path: Path) -> None:
    text = (research_dir / "sample-types.ts").read_text()
    edited = (
        text.replace('Database["public"]["Enums"]["ticket_status"] | null',
                     "null | Database['public']['Enums']['ticket_status']")
        .replace("tags: string[]", "tags: Array<string>")
        .replace('ticket_status: "open" | "pending" | "closed"',
                 "ticket_status: 'open' | 'pending' | 'closed';")
        .replace("metadata: Json | null", "metadata: (Json | null)")
        .replace("export type Database = {\n  public: {",
                 "export type Database = {\n  __InternalSupabase: { PostgrestVersion: '12' }\n  public: {")
    )
    assert edited != text
    path = tmp_path / "edited.ts"
    path.write_text(edited)
    report = check(path, pgprobe.snapshot(sample_dsn))
    assert report.same, report.to_text()


def test_stale_file_reports_exactly_the_changed_items(scratch_demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "database.types.ts"
    path.write_text(generate(pgprobe.snapshot(scratch_demo_dsn), ["public"]))
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.labels rename column color to colour")
        conn.execute("alter table public.ticket_activities drop constraint ticket_activities_user_id_fkey")
        conn.execute("alter type public.contact_type add value 'webhook'")
        conn.execute("alter table public.message_queue alter column recipient drop not null")
        conn.execute("create table public.audit_log (id bigint primary key, note text)")
    report = check(path, pgprobe.snapshot(scratch_demo_dsn))
    got = {(c.change, c.path) for c in report}
    assert got == {
        ("removed", "public.labels.columns.color"),
        ("added", "public.labels.columns.colour"),
        # the FK and its copy through the view users_secure (PostgREST's view relationships)
        ("removed", "public.ticket_activities.relationships.ticket_activities_user_id_fkey->users"),
        ("removed",
         "public.ticket_activities.relationships.ticket_activities_user_id_fkey->users_secure"),
        ("changed", "enums.public.contact_type.labels"),
        ("changed", "public.message_queue.columns.recipient.nullable"),
        ("changed", "public.message_queue.columns.recipient.insert"),
        ("added", "public.audit_log"),
    }, report.to_text()
    by_path = {c.path: c for c in report}
    assert by_path["public.labels.columns.color"].hint == "did you mean colour?"
    assert by_path["public.labels.columns.color"].severity == "error"
    assert by_path["enums.public.contact_type.labels"].new == ["email", "sms", "push", "webhook"]
    assert by_path["public.message_queue.columns.recipient.insert"].old == "required"
    assert by_path["public.message_queue.columns.recipient.insert"].new == "optional"
    assert by_path[
        "public.ticket_activities.relationships.ticket_activities_user_id_fkey->users"].hint is None
    assert report.exit_code == 1


def test_renamed_fk_and_wrong_column_name_get_hints(demo_dsn: str, tmp_path: Path) -> None:
    """The postmortems' guesses: ta_ticket_id_fkey and tickets.name."""
    snap = pgprobe.snapshot(demo_dsn)
    text = generate(snap, ["public"])
    text = text.replace('"ticket_activities_ticket_id_fkey"', '"ta_ticket_id_fkey"')
    text = text.replace("          title: string\n", "          name: string\n", 1)
    path = tmp_path / "old.types.ts"
    path.write_text(text)
    report = check(path, snap)
    removed = {c.path: c for c in report if c.change == "removed"}
    fk = removed["public.ticket_activities.relationships.ta_ticket_id_fkey"]
    assert fk.hint == "did you mean ticket_activities_ticket_id_fkey?"
    col = next(c for p, c in removed.items() if p.endswith(".columns.name"))
    assert col.hint == "did you mean title?"


def test_wrong_ts_type_is_reported(sample_dsn: str, research_dir: Path, tmp_path: Path) -> None:
    text = (research_dir / "sample-types.ts").read_text()
    path = tmp_path / "t.ts"
    path.write_text(text.replace("          email: string\n", "          email: number\n", 1))
    report = check(path, pgprobe.snapshot(sample_dsn))
    assert [(c.path, c.old, c.new) for c in report] == [
        ("public.users.columns.email.type", "number", "string")]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("export type Database = {\n  public: {\n    Tables: { t: { Row: { id: number ] } } }\n  }\n}\n",
         "bad.ts:3:38"),
        ("export type Database = {\n  public: {\n    Tables: { t: { Row: { id: number  } \n",
         "bad.ts:4:1"),
    ],
)
def test_malformed_file_gives_line_and_column(text: str, where: str, tmp_path: Path, sample_dsn: str) -> None:
    path = tmp_path / "bad.ts"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        check(path, pgprobe.snapshot(sample_dsn))
    message = str(err.value)
    assert message.startswith(str(tmp_path / where) + ": not valid TypeScript")
    assert "\n" not in message


def test_cli_check_exit_codes(sample_dsn: str, research_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pgprobe.cli import main

    assert main(["types", "check", str(research_dir / "sample-types.ts"), "--dsn", sample_dsn]) == 0
    bad = tmp_path / "bad.ts"
    bad.write_text("export type Database = { public: { Tables: {\n")
    assert main(["types", "check", str(bad), "--dsn", sample_dsn]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.ts:2:1: not valid TypeScript" in err


def test_file_without_database_type() -> None:
    with pytest.raises(InputError, match="no `Database` type"):
        parse_types_text("export type Other = {}", "x.ts")


def test_function_changes_are_reported_per_argument(scratch_demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "database.types.ts"
    path.write_text(generate(pgprobe.snapshot(scratch_demo_dsn), ["public"]))
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("drop function public.search_tickets(text)")
        conn.execute("create function public.search_tickets(search text, lim integer default 10) "
                     "returns setof public.tickets language sql stable as "
                     "$$ select * from public.tickets where title ilike search limit lim $$")
        conn.execute("alter table public.tickets add column archived boolean not null default false")
    report = check(path, pgprobe.snapshot(scratch_demo_dsn))
    got = {(c.change, c.path, c.old, c.new) for c in report}
    assert got == {
        ("removed", "functions.public.search_tickets.args.query", "string", None),
        ("added", "functions.public.search_tickets.args.search", None, "string"),
        ("added", "functions.public.search_tickets.args.lim", None, "number"),
        ("changed", "functions.public.search_tickets.returns", "-", "archived: boolean"),
        ("added", "public.tickets.columns.archived", None, "boolean"),
    }, report.to_text()
    severity = {c.path.rsplit(".", 1)[-1]: c.severity for c in report}
    assert severity["lim"] == "warning" and severity["search"] == "error"


def test_older_generator_row_reference_returns_are_same(sample_dsn: str, research_dir: Path,
                                                         tmp_path: Path) -> None:
    """Older postgres-meta templates returned `...["Row"][]` instead of spelling the row out."""
    text = (research_dir / "sample-types.ts").read_text()
    start, end = text.index("      tickets_for_user: {"), text.index("    Enums: {")
    old = ('      tickets_for_user: {\n        Args: { p_user: string }\n'
           '        Returns: Database["public"]["Tables"]["tickets"]["Row"][]\n      }\n    }\n')
    path = tmp_path / "old.ts"
    path.write_text(text[:start] + old + text[end:])
    assert check(path, pgprobe.snapshot(sample_dsn)).same


def test_merge_conflict_marker_is_named(research_dir: Path) -> None:
    lines = (research_dir / "sample-types.ts").read_text().split("\n")
    text = "\n".join(lines[:20] + ["<<<<<<< HEAD", "          foo: string", "=======",
                                   "          bar: string", ">>>>>>> feature"] + lines[20:])
    with pytest.raises(InputError, match=r"^x\.ts:21:1: not valid TypeScript: a merge conflict marker"):
        parse_types_text(text, "x.ts")


def test_table_replaced_by_a_view_is_one_change(scratch_demo_dsn: str, tmp_path: Path) -> None:
    path = tmp_path / "database.types.ts"
    path.write_text(generate(pgprobe.snapshot(scratch_demo_dsn), ["public"]))
    with psycopg.connect(scratch_demo_dsn, autocommit=True) as conn:
        conn.execute("alter table public.labels rename to labels_data")
        conn.execute("create view public.labels as select * from public.labels_data")
    report = check(path, pgprobe.snapshot(scratch_demo_dsn))
    assert [(c.change, c.path) for c in report.filter(path_prefix="public.labels.")] == [
        ("changed", "public.labels.kind")], report.to_text()


def test_check_accepts_the_text_itself(sample_dsn: str, research_dir: Path) -> None:
    text = (research_dir / "sample-types.ts").read_text().replace("email: string", "mail: string", 1)
    report = check(text, pgprobe.snapshot(sample_dsn))
    assert {c.path for c in report} == {"public.users.columns.mail", "public.users.columns.email"}
