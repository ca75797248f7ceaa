"""pgprobe.types.generate: byte-identical to postgres-meta 0.99.0."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import pgprobe
from pgprobe.types import generate
from pgprobe.types._collate import collation_key
from pgprobe.types._generate import generate_from_meta
from pgprobe.types._meta import TgMeta
from pgprobe.types._tsdoc import member_text, prop_key, string_literal


def test_sample_schema_equals_recorded_postgres_meta_output(sample_dsn: str, research_dir: Path) -> None:
    """Offline oracle: research/postgres-meta/sample-types.ts was printed by postgres-meta 0.99.0."""
    expected = (research_dir / "sample-types.ts").read_text()
    snap = pgprobe.snapshot(sample_dsn)
    assert generate(snap, ["public"]) == expected


def test_cli_gen_writes_the_same_file(sample_dsn: str, research_dir: Path, tmp_path: Path) -> None:
    from pgprobe.cli import main

    out = tmp_path / "database.types.ts"
    assert main(["types", "gen", "--dsn", sample_dsn, "--schema", "public", "-o", str(out)]) == 0
    assert out.read_text() == (research_dir / "sample-types.ts").read_text()


def test_gen_from_saved_snapshot(sample_dsn: str, research_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from pgprobe.cli import main

    path = tmp_path / "snap.json"
    pgprobe.snapshot(sample_dsn).save(str(path))
    assert main(["types", "gen", "--snapshot", str(path)]) == 0
    assert capsys.readouterr().out == (research_dir / "sample-types.ts").read_text()


def test_empty_schema_sections() -> None:
    text = generate_from_meta(TgMeta(["public"], [], [], [], [], [], [], [], []))
    assert "    Tables: {\n      [_ in never]: never\n    }\n" in text
    assert "export const Constants = {\n  public: {\n    Enums: {},\n  },\n} as const\n\n" in text


@pytest.mark.parametrize(
    ("names", "ordered"),
    [
        (["users", "user_profiles"], ["user_profiles", "users"]),  # '_' sorts before letters
        (["t10", "t_1", "t1"], ["t_1", "t1", "t10"]),  # ... and before digits
        (["Zeta", "alpha", "Alpha"], ["alpha", "Alpha", "Zeta"]),  # case only breaks ties
        (["b", "ä", "a"], ["a", "ä", "b"]),
        # recorded from node 20 (ICU 78): new Intl.Collator("en").compare
        (["z", "ø", "o", "p"], ["o", "ø", "p", "z"]),
        (["ß", "st", "ss", "sr"], ["sr", "ss", "ß", "st"]),
        (["af", "æ", "ae", "ad"], ["ad", "ae", "æ", "af"]),
        (["Ω", "ω", "α", "z"], ["z", "α", "ω", "Ω"]),
    ],
)
def test_collation_matches_intl_collator(names: list[str], ordered: list[str]) -> None:
    assert sorted(names, key=collation_key) == ordered


@pytest.mark.parametrize(
    ("key", "printed"),
    [("id", "id"), ("my-col", '"my-col"'), ("default", "default"), ("1st", '"1st"'),
     ("größe", "größe"), ("$x", "$x"), ("a b", '"a b"')],
)
def test_property_keys_are_quoted_only_when_needed(key: str, printed: str) -> None:
    assert prop_key(key) == printed


def test_string_literals_pick_the_quote_with_fewer_escapes() -> None:
    assert string_literal("it's") == '"it\'s"'
    assert string_literal('say "hi"') == "'say \"hi\"'"


def test_long_union_member_breaks_like_prettier() -> None:
    t = ("union", (("ref", 'Database["public"]["Enums"]["ticket_status_long"]'), ("ref", "null")))
    assert member_text("    ", "some_really_long_column_name_here_ok", True, t) == (
        "    some_really_long_column_name_here_ok?:\n"
        '      | Database["public"]["Enums"]["ticket_status_long"]\n'
        "      | null"
    )


# ---------------------------------------------------------------- real postgres-meta (npm)
@pytest.fixture(scope="session")
def postgres_meta() -> object:
    from pgprobe._errors import DependencyError
    from pgprobe.types._oracle import postgres_meta_types

    try:
        from pgprobe.types._oracle import POSTGRES_META_VERSION, install_npm_package

        install_npm_package(f"@supabase/postgres-meta@{POSTGRES_META_VERSION}",
                            f"postgres-meta-{POSTGRES_META_VERSION}")
    except DependencyError as exc:
        pytest.skip(str(exc))
    return postgres_meta_types


def _snapshot_all(dsn: str) -> pgprobe.Snapshot:
    import argparse

    from pgprobe.types._cli import _snapshot

    return _snapshot(argparse.Namespace(dsn=dsn, snapshot=None), [])


@pytest.mark.npm
def test_demo_equals_postgres_meta(demo_dsn: str, postgres_meta) -> None:  # type: ignore[no-untyped-def]
    expected = postgres_meta(demo_dsn, ["public"])
    assert generate(_snapshot_all(demo_dsn), ["public"]) == expected


@pytest.mark.npm
def test_demo_several_schemas_equal_postgres_meta(demo_dsn: str, postgres_meta) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from pgprobe.types._cli import _snapshot

    schemas = ["auth", "public"]
    snap = _snapshot(argparse.Namespace(dsn=demo_dsn, snapshot=None), schemas)
    assert generate(snap, schemas) == postgres_meta(demo_dsn, schemas)


@pytest.mark.npm
@pytest.mark.parametrize(
    "schemas", [["public"], ["public", "other", "extra"], ["extra"], ["MySchema", "public"]])
def test_edge_cases_equal_postgres_meta(edge_dsn: str, postgres_meta, schemas: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert generate(_snapshot_all(edge_dsn), schemas) == postgres_meta(edge_dsn, schemas)


@pytest.mark.npm
@pytest.mark.slow
def test_bench_200_tables_equals_postgres_meta(scratch_dsn: str, pg_server, shared_dir: Path, tmp_path: Path, postgres_meta) -> None:  # type: ignore[no-untyped-def]
    sql = subprocess.run(["python3", str(shared_dir / "bench" / "make_schema.py"), "200"],
                         check=True, capture_output=True, text=True).stdout
    (tmp_path / "bench200.sql").write_text(sql)
    pg_server.psql(scratch_dsn, file=tmp_path / "bench200.sql")
    snap = _snapshot_all(scratch_dsn)
    for schemas in (["app"], ["public", "app"]):
        assert generate(snap, schemas) == postgres_meta(scratch_dsn, schemas)



def test_schema_not_read_into_the_snapshot_is_an_error(demo_snapshot: pgprobe.Snapshot) -> None:
    from pgprobe._errors import InputError

    assert not demo_snapshot.schema("auth").expanded
    with pytest.raises(InputError, match="schema auth is listed but was not read"):
        generate(demo_snapshot, ["public", "auth"])


@pytest.mark.npm
def test_options_equal_postgres_meta(sample_dsn: str, postgres_meta) -> None:  # type: ignore[no-untyped-def]
    snap = pgprobe.snapshot(sample_dsn)
    long_name = "a_default_schema_name_long_enough_to_wrap"
    assert generate(snap, ["public"], default_schema=long_name) == postgres_meta(
        sample_dsn, ["public"], extra_env={"PG_META_GENERATE_TYPES_DEFAULT_SCHEMA": long_name})
    assert generate(snap, ["public"], detect_one_to_one=False) == postgres_meta(
        sample_dsn, ["public"],
        extra_env={"PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "false"})


def test_cli_unknown_schema_is_one_line_with_hint(sample_dsn: str, capsys) -> None:  # type: ignore[no-untyped-def]
    from pgprobe.cli import main

    assert main(["types", "gen", "--dsn", sample_dsn, "--schema", "pubic"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no schema pubic" in err and "did you mean public?" in err


# Names in many scripts: Latin with ø ß æ, Greek, CJK, emoji, mixed case, digits.
NON_ASCII_NAMES = ["Ørsted", "ørsted", "orsted", "straße", "strasse", "Strasse", "æble", "aeble",
                   "zebra", "Ωmega", "ωmega", "αλφα", "東京", "大阪", "😀emoji", "emoji😀", "Mixed_Case",
                   "mixed_case", "MIXED", "t10", "t2", "t_1", "T1", "café", "cafe", "Cafe"]


@pytest.mark.npm
def test_collation_equals_node_intl_collator() -> None:
    """The ICU collation against the JavaScript one itself, on names in many scripts."""
    import json
    import shutil

    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = ("const names = JSON.parse(process.argv[1]);"
              "console.log(JSON.stringify(names.sort(new Intl.Collator('en').compare)))")
    for names in (NON_ASCII_NAMES, list(reversed(NON_ASCII_NAMES))):
        out = subprocess.run(["node", "-e", script, json.dumps(names)], check=True,
                             capture_output=True, text=True).stdout
        assert sorted(names, key=collation_key) == json.loads(out)


@pytest.fixture()
def non_ascii_dsn(scratch_dsn: str) -> str:
    """Tables, columns, enum labels, functions and a view named in many scripts."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(scratch_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("create type public.{} as enum ({})").format(
            sql.Identifier("états"), sql.SQL(", ").join(sql.Literal(n) for n in NON_ASCII_NAMES)))
        for i, table in enumerate(NON_ASCII_NAMES[::2]):
            columns = [sql.SQL("{} bigint primary key").format(sql.Identifier("id"))]
            columns += [sql.SQL("{} text").format(sql.Identifier(c))
                        for c in NON_ASCII_NAMES[i % 3::3] if c != "id"]
            conn.execute(sql.SQL("create table public.{} ({})").format(
                sql.Identifier(table), sql.SQL(", ").join(columns)))
        conn.execute(sql.SQL("create table public.{} (id bigint primary key, {} bigint "
                             "references public.{}(id), s public.{})").format(
            sql.Identifier("Über"), sql.Identifier("ørsted_id"), sql.Identifier("Ørsted"),
            sql.Identifier("états")))
        conn.execute(sql.SQL("create view public.{} as select * from public.{}").format(
            sql.Identifier("視圖"), sql.Identifier("Über")))
        for name in ("ß_fn", "ss_fn", "Ω_fn", "東_fn"):
            conn.execute(sql.SQL("create function public.{}(x integer) returns integer "
                                 "language sql as 'select x'").format(sql.Identifier(name)))
    return scratch_dsn


@pytest.mark.npm
def test_non_ascii_names_equal_postgres_meta(non_ascii_dsn: str, postgres_meta) -> None:  # type: ignore[no-untyped-def]
    expected = postgres_meta(non_ascii_dsn, ["public"])
    assert "Ørsted" in expected and "東京" in expected and "😀emoji" in expected
    assert generate(_snapshot_all(non_ascii_dsn), ["public"]) == expected
