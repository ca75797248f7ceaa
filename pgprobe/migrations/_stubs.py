"""Stand-ins for extensions a rehearsal server lacks (vector, pg_net, pg_cron, ...).

A stub creates the extension's schema, types and functions with the same names and
signatures and trivial bodies, so that the rest of a migration can be rehearsed.  Nothing a
stub returns is meaningful; every stub used is named in the rehearsal report.

>>> {"pg_cron", "pg_net", "pg_tle", "vector"} <= set(STUBS)
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Stub:
    extension: str
    default_schema: str | None
    """Schema the real extension always uses (``None``: relocatable, use the asked/current one)."""
    sql: str
    """Template; ``@schema@`` is replaced by the quoted target schema."""
    skip_statement: str | None = None
    """Regex (case-insensitive) of statements that cannot run even with the stub (e.g. an
    ``hnsw`` index): they are skipped and reported."""


_VECTOR = """
create type @schema@.vector;
create function @schema@.vector_in(cstring, oid, integer) returns @schema@.vector
  language internal immutable strict as 'textin';
create function @schema@.vector_out(@schema@.vector) returns cstring
  language internal immutable strict as 'textout';
create function @schema@.vector_typmod_in(cstring[]) returns integer
  language internal immutable strict as 'varchartypmodin';
create function @schema@.vector_typmod_out(integer) returns cstring
  language internal immutable strict as 'varchartypmodout';
create type @schema@.vector (input = @schema@.vector_in, output = @schema@.vector_out,
  typmod_in = @schema@.vector_typmod_in, typmod_out = @schema@.vector_typmod_out,
  internallength = variable, storage = extended);
create type @schema@.halfvec;
create function @schema@.halfvec_in(cstring, oid, integer) returns @schema@.halfvec
  language internal immutable strict as 'textin';
create function @schema@.halfvec_out(@schema@.halfvec) returns cstring
  language internal immutable strict as 'textout';
create type @schema@.halfvec (input = @schema@.halfvec_in, output = @schema@.halfvec_out,
  typmod_in = @schema@.vector_typmod_in, typmod_out = @schema@.vector_typmod_out,
  internallength = variable, storage = extended);
create function @schema@.l2_distance(@schema@.vector, @schema@.vector) returns double precision
  language sql immutable as 'select 0::double precision';
create function @schema@.cosine_distance(@schema@.vector, @schema@.vector) returns double precision
  language sql immutable as 'select 0::double precision';
create function @schema@.inner_product(@schema@.vector, @schema@.vector) returns double precision
  language sql immutable as 'select 0::double precision';
create function @schema@.negative_inner_product(@schema@.vector, @schema@.vector)
  returns double precision language sql immutable as 'select 0::double precision';
create function @schema@.vector_dims(@schema@.vector) returns integer
  language sql immutable as 'select 0';
create function @schema@.vector_norm(@schema@.vector) returns double precision
  language sql immutable as 'select 0::double precision';
create operator @schema@.<-> (leftarg = @schema@.vector, rightarg = @schema@.vector,
  function = @schema@.l2_distance);
create operator @schema@.<=> (leftarg = @schema@.vector, rightarg = @schema@.vector,
  function = @schema@.cosine_distance);
create operator @schema@.<#> (leftarg = @schema@.vector, rightarg = @schema@.vector,
  function = @schema@.negative_inner_product);
create cast (@schema@.vector as real[]) with inout as implicit;
create cast (real[] as @schema@.vector) with inout as assignment;
create cast (text as @schema@.vector) with inout as implicit;
"""

_PG_NET = """
create schema if not exists net;
create table if not exists net.http_request_queue (id bigserial, method text, url text,
  headers jsonb, body bytea, timeout_milliseconds integer);
create table if not exists net._http_response (id bigint, status_code integer, content_type text,
  headers jsonb, content text, timed_out boolean, error_msg text,
  created timestamptz not null default now());
create function net.http_get(url text, params jsonb default '{}', headers jsonb default '{}',
  timeout_milliseconds integer default 5000) returns bigint language sql as 'select 0::bigint';
create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
  headers jsonb default '{"Content-Type": "application/json"}',
  timeout_milliseconds integer default 5000) returns bigint language sql as 'select 0::bigint';
create function net.http_delete(url text, params jsonb default '{}', headers jsonb default '{}',
  timeout_milliseconds integer default 5000) returns bigint language sql as 'select 0::bigint';
"""

_PG_CRON = """
create schema if not exists cron;
create table if not exists cron.job (jobid bigserial primary key, schedule text not null,
  command text not null, nodename text not null default 'localhost',
  nodeport integer not null default 5432, database text not null default current_database(),
  username text not null default current_user, active boolean not null default true,
  jobname text);
create table if not exists cron.job_run_details (jobid bigint, runid bigserial primary key,
  job_pid integer, database text, username text, command text, status text,
  return_message text, start_time timestamptz, end_time timestamptz);
create function cron.schedule(schedule text, command text) returns bigint language sql
  as 'insert into cron.job (schedule, command) values ($1, $2) returning jobid';
create function cron.schedule(job_name text, schedule text, command text) returns bigint
  language sql
  as 'insert into cron.job (jobname, schedule, command) values ($1, $2, $3) returning jobid';
create function cron.schedule_in_database(job_name text, schedule text, command text,
  database text, username text default null, active boolean default true) returns bigint
  language sql
  as 'insert into cron.job (jobname, schedule, command) values ($1, $2, $3) returning jobid';
create function cron.unschedule(job_id bigint) returns boolean language sql
  as 'with d as (delete from cron.job where jobid = $1 returning 1) select count(*) > 0 from d';
create function cron.unschedule(job_name text) returns boolean language sql
  as 'with d as (delete from cron.job where jobname = $1 returning 1) select count(*) > 0 from d';
create function cron.alter_job(job_id bigint, schedule text default null,
  command text default null, database text default null, username text default null,
  active boolean default null) returns void language sql as 'select';
"""

_HTTP = """
create type @schema@.http_method as enum ('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD');
create type @schema@.http_header as (field character varying, value character varying);
create type @schema@.http_response as (status integer, content_type character varying,
  headers @schema@.http_header[], content character varying);
create type @schema@.http_request as (method @schema@.http_method, uri character varying,
  headers @schema@.http_header[], content_type character varying, content character varying);
create function @schema@.http(request @schema@.http_request) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_get(uri character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_get(uri character varying, data jsonb)
  returns @schema@.http_response language sql as 'select null::@schema@.http_response';
create function @schema@.http_post(uri character varying, content character varying,
  content_type character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_post(uri character varying, data jsonb)
  returns @schema@.http_response language sql as 'select null::@schema@.http_response';
create function @schema@.http_delete(uri character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_header(field character varying, value character varying)
  returns @schema@.http_header language sql as 'select row($1, $2)::@schema@.http_header';
"""

_PGMQ = """
create schema if not exists pgmq;
create type pgmq.message_record as (msg_id bigint, read_ct integer, enqueued_at timestamptz,
  vt timestamptz, message jsonb, headers jsonb);
create type pgmq.queue_record as (queue_name character varying, is_partitioned boolean,
  is_unlogged boolean, created_at timestamptz);
create table if not exists pgmq.meta (queue_name character varying not null unique,
  is_partitioned boolean not null default false, is_unlogged boolean not null default false,
  created_at timestamptz not null default now());
create function pgmq.format_table_name(queue_name text, prefix text) returns text
  language sql immutable as 'select lower($2 || ''_'' || $1)';
create function pgmq."create"(queue_name text) returns void language plpgsql as $$
begin
  execute format('create table if not exists pgmq.%I (msg_id bigserial primary key, '
    'read_ct integer not null default 0, enqueued_at timestamptz not null default now(), '
    'vt timestamptz not null default now(), message jsonb, headers jsonb)',
    pgmq.format_table_name(queue_name, 'q'));
  execute format('create table if not exists pgmq.%I (msg_id bigint primary key, '
    'read_ct integer not null default 0, enqueued_at timestamptz not null default now(), '
    'archived_at timestamptz not null default now(), vt timestamptz not null, message jsonb, '
    'headers jsonb)',
    pgmq.format_table_name(queue_name, 'a'));
  insert into pgmq.meta (queue_name) values (queue_name) on conflict do nothing;
end $$;
create function pgmq.list_queues() returns setof pgmq.queue_record language sql
  as 'select queue_name, is_partitioned, is_unlogged, created_at from pgmq.meta';
create function pgmq.drop_queue(queue_name text) returns boolean language sql
  as 'with d as (delete from pgmq.meta where meta.queue_name = $1 returning 1)
      select count(*) > 0 from d';
create function pgmq.send(queue_name text, msg jsonb, delay integer default 0)
  returns setof bigint language sql as 'select 0::bigint';
create function pgmq.send_batch(queue_name text, msgs jsonb[], delay integer default 0)
  returns setof bigint language sql as 'select 0::bigint';
create function pgmq.read(queue_name text, vt integer, qty integer)
  returns setof pgmq.message_record language sql as 'select null::pgmq.message_record limit 0';
create function pgmq.pop(queue_name text) returns setof pgmq.message_record
  language sql as 'select null::pgmq.message_record limit 0';
create function pgmq.delete(queue_name text, msg_id bigint) returns boolean
  language sql as 'select true';
create function pgmq.archive(queue_name text, msg_id bigint) returns boolean
  language sql as 'select true';
"""

_JSONSCHEMA = """
create function @schema@.json_matches_schema(schema json, instance json) returns boolean
  language sql immutable as 'select true';
create function @schema@.jsonb_matches_schema(schema json, instance jsonb) returns boolean
  language sql immutable as 'select true';
create function @schema@.jsonschema_is_valid(schema json) returns boolean
  language sql immutable as 'select true';
"""

_VAULT = """
create schema if not exists vault;
create table if not exists vault.secrets (id uuid primary key default gen_random_uuid(),
  name text unique, description text not null default '', secret text not null,
  key_id uuid, nonce bytea, created_at timestamptz not null default now(),
  updated_at timestamptz not null default now());
create or replace view vault.decrypted_secrets as
  select s.*, s.secret as decrypted_secret from vault.secrets s;
create function vault.create_secret(new_secret text, new_name text default null,
  new_description text default '', new_key_id uuid default null) returns uuid language sql
  as 'insert into vault.secrets (secret, name, description) values ($1, $2, $3) returning id';
create function vault.update_secret(secret_id uuid, new_secret text default null,
  new_name text default null, new_description text default null, new_key_id uuid default null)
  returns void language sql as 'select';
"""

_PGCRYPTO = """
create function @schema@.gen_random_bytes(integer) returns bytea language sql volatile
  as 'select decode(repeat(''00'', $1), ''hex'')';
create function @schema@.gen_random_uuid() returns uuid language sql volatile
  as 'select pg_catalog.gen_random_uuid()';
create function @schema@.digest(text, text) returns bytea language sql immutable
  as 'select pg_catalog.sha256(convert_to($1, ''UTF8''))';
create function @schema@.digest(bytea, text) returns bytea language sql immutable
  as 'select pg_catalog.sha256($1)';
create function @schema@.hmac(text, text, text) returns bytea language sql immutable
  as 'select pg_catalog.sha256(convert_to($2 || $1, ''UTF8''))';
create function @schema@.hmac(bytea, bytea, text) returns bytea language sql immutable
  as 'select pg_catalog.sha256($2 || $1)';
create function @schema@.crypt(text, text) returns text language sql immutable
  as 'select pg_catalog.md5($2 || $1)';
create function @schema@.gen_salt(text) returns text language sql volatile
  as 'select ''$stub$''';
create function @schema@.gen_salt(text, integer) returns text language sql volatile
  as 'select ''$stub$''';
create function @schema@.pgp_sym_encrypt(text, text) returns bytea language sql
  as 'select convert_to($1, ''UTF8'')';
create function @schema@.pgp_sym_encrypt(text, text, text) returns bytea language sql
  as 'select convert_to($1, ''UTF8'')';
create function @schema@.pgp_sym_decrypt(bytea, text) returns text language sql
  as 'select convert_from($1, ''UTF8'')';
create function @schema@.pgp_sym_decrypt(bytea, text, text) returns text language sql
  as 'select convert_from($1, ''UTF8'')';
"""

_UUID_OSSP = """
create function @schema@.uuid_generate_v4() returns uuid language sql volatile
  as 'select pg_catalog.gen_random_uuid()';
create function @schema@.uuid_generate_v1() returns uuid language sql volatile
  as 'select pg_catalog.gen_random_uuid()';
create function @schema@.uuid_generate_v1mc() returns uuid language sql volatile
  as 'select pg_catalog.gen_random_uuid()';
create function @schema@.uuid_generate_v3(namespace uuid, name text) returns uuid
  language sql immutable as 'select pg_catalog.md5($1::text || $2)::uuid';
create function @schema@.uuid_generate_v5(namespace uuid, name text) returns uuid
  language sql immutable as 'select pg_catalog.md5($1::text || $2)::uuid';
create function @schema@.uuid_nil() returns uuid language sql immutable
  as 'select ''00000000-0000-0000-0000-000000000000''::uuid';
create function @schema@.uuid_ns_dns() returns uuid language sql immutable
  as 'select ''6ba7b810-9dad-11d1-80b4-00c04fd430c8''::uuid';
create function @schema@.uuid_ns_url() returns uuid language sql immutable
  as 'select ''6ba7b811-9dad-11d1-80b4-00c04fd430c8''::uuid';
"""

_PGJWT = """
create function @schema@.sign(payload json, secret text, algorithm text default 'HS256')
  returns text language sql immutable as 'select ''stub.jwt.token''';
create function @schema@.verify(token text, secret text, algorithm text default 'HS256')
  returns table(header json, payload json, valid boolean) language sql immutable
  as 'select null::json, null::json, false';
"""

_PG_GRAPHQL = """
create schema if not exists graphql;
create function graphql.resolve(query text, variables jsonb default '{}',
  "operationName" text default null, extensions jsonb default null) returns jsonb
  language sql as 'select ''{}''::jsonb';
"""

_PGSODIUM = """
create schema if not exists pgsodium;
create table if not exists pgsodium.key (id uuid primary key default gen_random_uuid(),
  name text unique, status text default 'valid', created timestamptz not null default now(),
  key_type text, key_id bigint, key_context bytea, comment text);
create or replace view pgsodium.valid_key as select * from pgsodium.key where status = 'valid';
create function pgsodium.randombytes_random() returns integer language sql
  as 'select (random() * 2147483647)::integer';
create function pgsodium.randombytes_buf(size integer) returns bytea language sql
  as 'select decode(repeat(''00'', $1), ''hex'')';
create function pgsodium.crypto_secretbox_keygen() returns bytea language sql
  as 'select decode(repeat(''00'', 32), ''hex'')';
create function pgsodium.create_key(key_type text default 'aead-det', name text default null,
  raw_key bytea default null, raw_key_nonce bytea default null, parent_key uuid default null,
  key_context bytea default '\\x7067736f6469756d', expires timestamptz default null,
  associated_data text default '') returns pgsodium.valid_key language sql
  as 'insert into pgsodium.key (name, key_type) values ($2, $1) returning *';
"""

_HTTP_MORE = """
create function @schema@.http_put(uri character varying, content character varying,
  content_type character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_patch(uri character varying, content character varying,
  content_type character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_head(uri character varying) returns @schema@.http_response
  language sql as 'select null::@schema@.http_response';
create function @schema@.http_set_curlopt(curlopt character varying, value character varying)
  returns boolean language sql as 'select true';
create function @schema@.http_reset_curlopt() returns boolean language sql as 'select true';
create function @schema@.urlencode(string character varying) returns text
  language sql immutable as 'select $1::text';
create function @schema@.urlencode(data jsonb) returns text
  language sql immutable as 'select $1::text';
"""

_PG_TLE = """
create schema if not exists pgtle;
create table if not exists pgtle.pgprobe_registered (name text primary key, version text,
  description text, ext text);
create function pgtle.install_extension(name text, version text, description text, ext text,
  requires text[] default null) returns boolean language sql
  as 'insert into pgtle.pgprobe_registered values ($1, $2, $3, $4)
      on conflict (name) do update set version = $2, ext = $4 returning true';
create function pgtle.install_update_path(name text, fromvers text, tovers text, ext text)
  returns boolean language sql as 'select true';
create function pgtle.set_default_version(name text, version text) returns boolean
  language sql as 'select true';
create function pgtle.uninstall_extension(extname text) returns boolean language sql
  as 'with d as (delete from pgtle.pgprobe_registered where name = $1 returning 1)
      select count(*) > 0 from d';
create function pgtle.uninstall_extension(extname text, version text) returns boolean
  language sql as 'select pgtle.uninstall_extension($1)';
create function pgtle.uninstall_extension_if_exists(extname text) returns boolean
  language sql as 'select pgtle.uninstall_extension($1)';
create function pgtle.available_extensions(out name name, out default_version text,
  out comment text) returns setof record language sql
  as 'select name::name, version, description from pgtle.pgprobe_registered';
"""
"""pg_tle: ``install_extension`` records the name (``pgprobe_registered``), so a later
``create extension`` of it runs the registered script (nothing when it came over the
network, which a rehearsal does not have)."""

_DBDEV = """
create schema if not exists dbdev;
create function dbdev.install(package_name text) returns boolean language plpgsql as $$
begin
  if to_regclass('pgtle.pgprobe_registered') is not null then
    insert into pgtle.pgprobe_registered (name) values (package_name) on conflict do nothing;
  end if;
  return true;
end $$;
"""
"""The database.dev client: ``dbdev.install(name)`` makes ``name`` creatable (empty)."""

_WRAPPER_NAMES = ("airtable", "auth0", "big_query", "bigquery", "cal", "calendly", "clerk",
                  "click_house", "clickhouse", "cognito", "duckdb", "firebase", "hello_world",
                  "iceberg", "logflare", "mssql", "notion", "paddle", "redis", "s3", "snowflake",
                  "stripe", "wasm")


def _wrappers_sql() -> str:
    """Supabase Wrappers' handler/validator pairs: the handler borrows postgres_fdw's (a
    contrib module both servers ship), the validator accepts any option."""
    parts = []
    for name in _WRAPPER_NAMES:
        parts.append(
            f"create function @schema@.{name}_fdw_handler() returns fdw_handler language c "
            f"strict as '$libdir/postgres_fdw', 'postgres_fdw_handler';\n"
            f"create function @schema@.{name}_fdw_validator(options text[], catalog oid) "
            f"returns void language plpgsql as 'begin end';\n"
            f"create function @schema@.{name}_fdw_meta() returns table(name text, version text, "
            f"author text, website text) language sql as 'select null::text, null::text, "
            f"null::text, null::text where false';\n")
    return "".join(parts)


_PGMQ_MORE = """
create function pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
  returns setof pgmq.message_record language sql as 'select null::pgmq.message_record limit 0';
create function pgmq.archive(queue_name text, msg_ids bigint[]) returns setof bigint
  language sql as 'select 0::bigint limit 0';
create function pgmq.delete(queue_name text, msg_ids bigint[]) returns setof bigint
  language sql as 'select 0::bigint limit 0';
create function pgmq.read(queue_name text, vt integer, qty integer, conditional jsonb)
  returns setof pgmq.message_record language sql as 'select null::pgmq.message_record limit 0';
create function pgmq.read_with_poll(queue_name text, vt integer, qty integer,
  max_poll_seconds integer default 5, poll_interval_ms integer default 100,
  conditional jsonb default '{}') returns setof pgmq.message_record
  language sql as 'select null::pgmq.message_record limit 0';
create function pgmq.purge_queue(queue_name text) returns bigint language sql as 'select 0::bigint';
create function pgmq.create_unlogged(queue_name text) returns void language sql as 'select';
create function pgmq.metrics(queue_name text, out queue_name text, out queue_length bigint,
  out newest_msg_age_sec integer, out oldest_msg_age_sec integer, out total_messages bigint,
  out scrape_time timestamptz) returns record language sql
  as 'select $1, 0::bigint, null::integer, null::integer, 0::bigint, now()';
"""

_HASHIDS = """
create function @schema@.id_encode(bigint) returns text language sql immutable
  as 'select $1::text';
create function @schema@.id_encode(bigint, text) returns text language sql immutable
  as 'select $1::text';
create function @schema@.id_encode(bigint, text, integer) returns text language sql immutable
  as 'select $1::text';
create function @schema@.id_decode(text) returns bigint[] language sql immutable
  as 'select array[0::bigint]';
create function @schema@.id_decode(text, text) returns bigint[] language sql immutable
  as 'select array[0::bigint]';
"""

_GENERIC = ""
"""A platform extension pgprobe has no stand-in objects for: only its name is provided."""


def generic_stub(ext: str) -> Stub:
    """The stand-in of a platform extension without a specific stub: nothing but its name."""
    return Stub(ext, None, _GENERIC)


STUBS: dict[str, Stub] = {
    s.extension: s
    for s in (
        Stub("vector", None, _VECTOR,
             skip_statement=r"^\s*create\s+(unique\s+)?index\b.*\busing\s+(hnsw|ivfflat)\b"),
        Stub("pg_net", "net", _PG_NET),
        Stub("pg_cron", "cron", _PG_CRON),
        Stub("http", None, _HTTP + _HTTP_MORE),
        Stub("pgmq", "pgmq", _PGMQ + _PGMQ_MORE),
        Stub("pg_tle", "pgtle", _PG_TLE),
        Stub("supabase-dbdev", "dbdev", _DBDEV),
        Stub("wrappers", None, _wrappers_sql()),
        Stub("pg_hashids", None, _HASHIDS),
        Stub("pg_jsonschema", None, _JSONSCHEMA),
        Stub("supabase_vault", "vault", _VAULT),
        Stub("pgcrypto", None, _PGCRYPTO),
        Stub("uuid-ossp", None, _UUID_OSSP),
        Stub("pgjwt", None, _PGJWT),
        Stub("pg_graphql", "graphql", _PG_GRAPHQL),
        Stub("pgsodium", "pgsodium", _PGSODIUM),
    )
}


def quote_ident(name: str) -> str:
    """Double-quote an identifier (``a"b`` -> ``"a""b"``)."""
    return '"' + name.replace('"', '""') + '"'


def stub_sql(ext: str, schema: str) -> str:
    """The stub script for ``ext`` placed in ``schema``.

    >>> "create function \\"extensions\\".uuid_generate_v4()" in stub_sql("uuid-ossp", "extensions")
    True
    """
    stub = STUBS.get(ext) or generic_stub(ext)
    return stub.sql.replace("@schema@", quote_ident(stub.default_schema or schema))


def skipped_by_stub(ext: str, statement: str) -> bool:
    pat = STUBS[ext].skip_statement if ext in STUBS else None
    return bool(pat and re.search(pat, statement, re.I | re.S))


# Names a migration uses without creating the extension (enabled from the dashboard)
_PROVIDED_BY = [
    (r"\b(vector|halfvec|sparsevec)\b", "vector"),
    (r"\bnet\.|\bhttp_(get|post|delete)\(|schema \"net\"", "pg_net"),
    (r"\bcron\.|schema \"cron\"", "pg_cron"),
    (r"\bhttp_response\b|\bhttp_header\b|function http\(", "http"),
    (r"\bpgmq\.|schema \"pgmq\"", "pgmq"),
    (r"\bjsonb?_matches_schema\b|\bjsonschema_is_valid\b", "pg_jsonschema"),
    (r"\bvault\.|schema \"vault\"", "supabase_vault"),
    (r"\buuid_generate_v[1345]|\buuid_nil\b|\buuid_ns_", "uuid-ossp"),
    (r"\bgen_salt\b|\bcrypt\(|\bgen_random_bytes\b|\bpgp_sym_|\bdigest\(|\bhmac\(", "pgcrypto"),
    (r"\bgraphql\.|schema \"graphql\"", "pg_graphql"),
]


def extension_for_error(message: str) -> str | None:
    """The extension an "undefined type/function/schema" error most likely needs.

    >>> extension_for_error('type "vector" does not exist')
    'vector'
    >>> extension_for_error('function extensions.uuid_generate_v4() does not exist')
    'uuid-ossp'
    """
    m = re.search(r'extension "([^"]+)" (is not available|does not exist)|'
                  r'extension control file ".*/([^/"]+)\.control"', message)
    if m:
        return m.group(1) or m.group(3)
    for pattern, ext in _PROVIDED_BY:
        if re.search(pattern, message, re.I):
            return ext
    return None


def extension_statement_targets(statement: str) -> list[str]:
    """Extensions an ``ALTER``/``DROP``/``COMMENT ON EXTENSION`` statement names (from
    pglast's parse tree), else ``[]``.

    >>> extension_statement_targets('drop extension if exists "supabase-dbdev" cascade')
    ['supabase-dbdev']
    >>> extension_statement_targets("alter extension pg_net update to '0.9'")
    ['pg_net']
    >>> extension_statement_targets("drop table t")
    []
    """
    if not re.match(r"\s*(alter|drop|comment)\b", statement, re.I) or "extension" not in (
            statement.lower()):
        return []
    try:
        import pglast
        from pglast import ast
        from pglast.enums import ObjectType

        [raw] = pglast.parse_sql(statement)
    except Exception:
        return []
    node = raw.stmt
    if isinstance(node, (ast.AlterExtensionStmt, ast.AlterExtensionContentsStmt)):
        return [str(node.extname)]
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_EXTENSION:
        return [str(o.sval) for o in node.objects or () if isinstance(o, ast.String)]
    if (isinstance(node, ast.CommentStmt) and node.objtype == ObjectType.OBJECT_EXTENSION
            and isinstance(node.object, ast.String)):
        return [str(node.object.sval)]
    return []
