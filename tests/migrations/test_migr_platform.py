"""Issue 10, classes 6 and 7: the default rehearsal provides what a Supabase database has,
and what the server normalises is never reported as a silent failure.  Synthetic repros,
real PostgreSQL (both flavors through ``pg_server``), no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgprobe.embedded import Server
from pgprobe.migrations import rehearse, verify
from pgprobe.migrations._platform import (
    PREINSTALLED,
    SUPABASE_EXTENSIONS,
    platform_cause,
    scratch_flavor,
    server_extensions,
)
from pgprobe.migrations._runner import _extension_hint

from ._folders import write


def _problems(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{f.filename}: {c.declared.kind} {c.declared.name} {c.status} ({c.actual})"
            for f in r.files for c in f.problems]


# -- class 6: the platform ------------------------------------------------------------------------
def test_default_server_is_the_one_closest_to_supabase() -> None:
    chosen = server_extensions(scratch_flavor())
    for flavor in ("embedded", "system"):
        other = server_extensions(flavor)
        assert len(chosen & PREINSTALLED.keys()) >= len(other & PREINSTALLED.keys())


def test_default_rehearsal_has_what_every_supabase_database_has(tmp_path: Path) -> None:
    # no server, no flags: what `pgprobe rehearse DIR` does
    folder = write(tmp_path / "m", {
        "1_ids.sql": "create table public.t (id uuid primary key default "
                     "extensions.uuid_generate_v4(), token bytea default gen_random_bytes(8),\n"
                     "  h text default encode(extensions.digest('x', 'sha256'), 'hex'));\n"
                     "insert into public.t default values;\n"
                     "select graphql.resolve('{ __typename }');\n"
                     "select vault.create_secret('s3cret', 'api_key');\n",
    })
    r = rehearse(folder)
    assert r.ok, r.summary()


def test_platform_extensions_and_schemas_are_stood_in_for(tmp_path: Path,
                                                          pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_ext.sql": "create extension if not exists pg_net with schema extensions;\n"
                     "create extension if not exists http with schema extensions;\n"
                     "create extension if not exists pg_cron;\n"
                     "create extension if not exists pgmq;\n"
                     "create extension if not exists pg_jsonschema with schema extensions;\n"
                     "create extension if not exists wrappers with schema extensions;\n"
                     "create extension if not exists index_advisor;\n",
        "2_use.sql": "create table public.orders (id bigint primary key, total numeric);\n"
                     "create trigger orders_hook after insert on public.orders for each row\n"
                     "  execute function supabase_functions.http_request(\n"
                     "    'https://example.com/hook', 'POST', '{}', '{}', '5000');\n"
                     "select cron.schedule('nightly', '0 3 * * *', 'select 1');\n"
                     "select pgmq.create('jobs');\n"
                     "select * from pgmq.list_queues();\n"
                     "select http_set_curlopt('CURLOPT_TIMEOUT', '5');\n"
                     "select net.http_post('https://example.com', '{}'::jsonb);\n"
                     "select realtime.send('{}'::jsonb, 'evt', 'topic');\n"
                     "create foreign data wrapper stripe_wrapper handler stripe_fdw_handler\n"
                     "  validator stripe_fdw_validator;\n"
                     "create server stripe_server foreign data wrapper stripe_wrapper\n"
                     "  options (api_key 'x');\n"
                     "create view public.active_sessions as select user_id from auth.sessions;\n"
                     "alter extension pg_net update;\n"
                     "comment on extension pg_cron is 'jobs';\n",
    })
    r = rehearse(folder, server=pg_server)
    assert r.ok, r.summary()
    assert {"pg_net", "http", "pg_cron", "pgmq", "wrappers"} <= set(r.stubs)
    assert any("is a pgprobe stand-in" in s for s in r.files[1].skipped)


def test_an_extension_supabase_does_not_offer_fails_like_on_supabase(
        tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {"1_x.sql": "create extension if not exists pgprobe_nope;\n"})
    r = rehearse(folder, server=pg_server)
    err = r.files[0].error
    assert r.files[0].status == "failed"
    assert err.message == 'extension "pgprobe_nope" is not available'
    assert err.where.endswith("1_x.sql:1:1")


def test_pg_tle_registered_extension_runs_its_script(tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_tle.sql": "create extension if not exists pg_tle;\n"
                     "select pgtle.install_extension('hello_tle', '1.0', 'demo',\n"
                     "  $x$create function hello() returns int language sql as 'select 42'$x$);\n"
                     "create extension hello_tle;\n"
                     "select hello();\n"
                     "drop extension if exists hello_tle;\n",
    })
    r = rehearse(folder, server=pg_server)
    assert r.ok, r.summary()
    assert "hello_tle" in r.stubs


def test_commit_inside_a_file_ends_the_implicit_transaction(tmp_path: Path,
                                                            pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_type.sql": "create type public.perm as enum ('read');\n",
        "2_add.sql": "alter type public.perm add value 'write';\n"
                     "alter type public.perm add value 'admin';\n"
                     "commit;\n"
                     "create table public.grants (p public.perm default 'write');\n",
        "3_unsafe.sql": "alter type public.perm add value 'owner';\n"
                        "create table public.owners (p public.perm default 'owner');\n",
    })
    r = rehearse(folder, server=pg_server, stop_on_error=False)
    assert [f.status for f in r.files] == ["applied", "applied", "failed"], r.summary()
    assert "unsafe use of new value" in r.files[2].error.message


def test_hints_never_ask_to_add_what_supabase_preinstalls() -> None:
    for ext in PREINSTALLED:
        assert "create extension" not in _extension_hint(ext, stubs=True)
        assert "create extension" not in _extension_hint(ext, stubs=False)
    # offered but not enabled by default: enabling it is the migration's job
    assert "create extension" in _extension_hint("vector", stubs=True)
    assert "Supabase does not offer" in _extension_hint("pgprobe_nope", stubs=True)


@pytest.mark.parametrize(("message", "cause"), [
    ('extension "pgsodium" is not available', "pgsodium"),
    ('could not open extension control file "/usr/share/x/extension/pg_net.control": No such '
     'file or directory', "pg_net"),
    ('schema "supabase_functions" does not exist', "supabase_functions"),
    ('relation "auth.sessions" does not exist', "auth"),
    ('relation "public.athletes" does not exist', None),
    ('extension "pgprobe_nope" is not available', None),
])
def test_platform_cause(message: str, cause: str | None) -> None:
    assert platform_cause(message) == cause
    assert cause is None or cause in SUPABASE_EXTENSIONS or not cause.startswith("pg_")


# -- class 7: no false silent failures --------------------------------------------------------------
def test_enum_values_added_renamed_and_placed_are_not_silent_failures(
        tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_type.sql": "create type public.status as enum ('new', 'done');\n",
        "2_two_values.sql": "alter type public.status add value 'started';\n"
                            "alter type public.status add value if not exists 'blocked' "
                            "before 'done';\n"
                            "alter type public.status add value if not exists 'started';\n",
        "3_same_file.sql": "create type public.level as enum ('low', 'high');\n"
                           "alter type public.level add value 'mid' after 'low';\n"
                           "alter type public.level rename value 'high' to 'top';\n",
        "4_rename.sql": "alter type public.status rename value 'new' to 'open';\n",
    })
    r = rehearse(folder, server=pg_server)
    assert r.ok and not _problems(r), _problems(r)


def test_function_arguments_with_type_modifiers_are_not_silent_failures(
        tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_ext.sql": "create extension if not exists vector with schema extensions;\n",
        "2_fn.sql": "create function public.f(a varchar(10), b numeric(10,2), c char(3),\n"
                    "  d timestamp(3) with time zone, e bit varying(4), v extensions.vector(3))\n"
                    "returns int language sql as 'select 1';\n"
                    "create function public.g(n decimal(5), t time(0)[]) returns void\n"
                    "language plpgsql as $$ begin end $$;\n",
    })
    r = rehearse(folder, server=pg_server, keep=True)
    try:
        assert r.ok and not _problems(r), _problems(r)
        # without a server (verify reads the target's catalog): the same rule, from the text
        found = verify(r.dsn, folder)
        assert not len(found[found["kind"] == "function"]), found.to_string()
    finally:
        pg_server.drop_database(r.database)


def test_what_a_migration_rightly_leaves_out_is_not_a_silent_failure(
        tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_t.sql": "create table public.pools (addr text, chain int);\n"
                   "create unique index pools_addr_idx on public.pools (addr, chain);\n"
                   "alter table public.pools add constraint pools_pkey primary key\n"
                   "  using index pools_addr_idx;\n"
                   "create temp table to_delete as select 1 as id;\n"
                   "create index pools_chain_idx on public.pools (chain);\n",
        "2_guarded.sql": "do $$ begin\n"
                         "  if not exists (select 1 from pg_class where relname = "
                         "'pools_chain_idx') then\n"
                         "    create index pools_chain_idx2 on public.pools (chain);\n"
                         "  end if;\n"
                         "end $$;\n",
    })
    r = rehearse(folder, server=pg_server)
    assert r.ok and not _problems(r), _problems(r)


def test_a_real_silent_failure_is_still_caught(tmp_path: Path, pg_server: Server) -> None:
    folder = write(tmp_path / "m", {
        "1_swallowed.sql": "do $$ begin\n"
                           "  create function public.h(a varchar(10)) returns int\n"
                           "  language sql as 'select nope';\n"
                           "exception when others then null;\n"
                           "end $$;\n",
    })
    r = rehearse(folder, server=pg_server)
    f = r.files[0]
    assert f.status == "applied" and f.silent_failure
    [problem] = f.problems
    assert (problem.declared.kind, problem.declared.name, problem.status) == (
        "function", "public.h", "missing")


def test_cli_default_rehearse_needs_no_flags(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from pgprobe.cli import main

    folder = write(tmp_path / "m", {
        "1_jobs.sql": "create extension if not exists pg_cron;\n"
                      "create table public.tokens (t bytea default gen_random_bytes(16));\n"
                      "select cron.schedule('purge', '0 * * * *', 'delete from public.tokens');\n",
    })
    code = main(["rehearse", str(folder), "--format", "json", "-q"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ok"] and "pg_cron" in out["stubs"], out
