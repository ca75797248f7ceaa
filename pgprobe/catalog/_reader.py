"""Read the catalog into a Snapshot: one set-based query per object kind, sent in one pipeline.

The queries are the ``sql/*.sql`` files beside this module; each runs as is in ``psql`` (with
``%(schemas)s`` bound to a text array). Whatever the schema size, a snapshot costs the same
handful of round trips.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import cache, lru_cache
from importlib import resources
from operator import attrgetter
from typing import Any, TypeVar, cast

import psycopg
from psycopg import sql
from psycopg.rows import dict_row, tuple_row

from .._errors import CatalogError, InputError
from .._gc import paused_collector
from ._deparse import FK_ACTIONS, DeparseFacts
from ._lineage import direct_sources, followed, named, oid_array, relation_oids
from ._model import (
    Cast,
    Column,
    CompositeAttribute,
    CompositeType,
    Constraint,
    Domain,
    EnumType,
    Extension,
    Function,
    FunctionArg,
    Grant,
    Index,
    Migration,
    Policy,
    Publication,
    Relation,
    Role,
    Schema,
    Snapshot,
    Trigger,
    ViewColumnSource,
    split_name,
)
from ._querytree import TopQuery
from ._updatable import Updatability, ViewFacts
from ._viewdef import BaseRelation, ViewWriter

_T = TypeVar("_T")

__all__ = ["snapshot", "SKIPPABLE", "SYSTEM_SCHEMAS", "SUPABASE_INTERNAL_SCHEMAS"]

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
SUPABASE_INTERNAL_SCHEMAS = (
    "auth", "storage", "realtime", "_realtime", "extensions", "graphql", "graphql_public",
    "vault", "pgsodium", "pgsodium_masks", "supabase_functions", "supabase_migrations", "net",
    "cron", "pgbouncer", "_analytics", "pgtle", "_supavisor", "pgmq", "tiger", "topology",
)
"""Listed in a snapshot but not expanded unless asked for by name."""

_KINDS = {"r": "table", "p": "partitioned_table", "v": "view", "m": "materialized_view",
          "f": "foreign_table"}
_CONSTRAINT_KINDS = {"p": "primary", "u": "unique", "f": "foreign", "c": "check", "x": "exclusion"}
_MATCH = {"f": "full", "p": "partial", "s": "simple"}
_VOLATILITY = {"i": "immutable", "s": "stable", "v": "volatile"}
_FUNCTION_KINDS = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
_ARG_MODES = {"i": "in", "o": "out", "b": "inout", "v": "variadic", "t": "table"}
_TYPE_KINDS = {"b": "base", "e": "enum", "d": "domain", "c": "composite", "r": "range",
               "m": "multirange", "p": "pseudo"}
_IDENTITY = {"a": "always", "d": "by_default"}

SKIPPABLE = ("constraints", "indexes", "triggers", "policies", "grants", "types", "functions",
             "publications", "extensions", "roles", "view_sources", "casts", "migrations")
"""Kinds ``snapshot(skip=...)`` can leave out."""

_QUERIES = ("server", "schemas", "relations", "columns", "constraints", "indexes", "triggers",
            "policies", "grants", "types", "functions", "publications", "extensions", "roles",
            "view_sources", "casts", "deparse_facts",
            "view_columns_updatable")


@cache
def query_text(name: str) -> str | None:
    """The text of ``sql/<name>.sql`` (None when that query is not shipped)."""
    path = resources.files(__package__) / "sql" / f"{name}.sql"
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def _choose_schemas(all_schemas: Iterable[str], schemas: Sequence[str] | None,
                    exclude: Sequence[str]) -> list[str]:
    if schemas:
        return [s for s in schemas if s not in exclude]
    return [s for s in all_schemas
            if s not in SUPABASE_INTERNAL_SCHEMAS and s not in exclude and s not in SYSTEM_SCHEMAS]


# The biggest results come as tuples whose columns (after the relation oid) are named exactly
# as the model's fields, so objects are built without per-field Python code.
_PREBUILT: dict[str, type] = {"columns": Column, "grants": Grant, "policies": Policy}
_TUPLE_FIELDS: dict[type, tuple[str, ...]] = {Policy: ("roles",)}
_TUPLE_ROWS = frozenset({"constraints", "indexes", "deparse_facts", "view_columns_updatable"})
# Helper queries read only for kinds that need them: left out when all of those are skipped.
_ONLY_FOR = {"deparse_facts": {"indexes", "constraints", "view_sources"}}


def _model_objects(cur_names: Sequence[str], rows: Sequence[Sequence[Any]], cls: type[_T]
                   ) -> dict[int, list[_T]]:
    """Model objects by relation oid. Equal rows share one (frozen) object: a schema-per-tenant
    database repeats the same columns and policies in every schema, so 725,000 columns at
    68,000 relations are a few thousand distinct objects (less memory, less time)."""
    fields = list(cur_names[1:])
    declared = dataclasses.fields(cls)  # type: ignore[arg-type]
    # State in declared order, as the dataclass's __init__ (and dataclasses.replace) set it:
    # instances then share one key layout, which keeps attribute reads fast (__eq__ in diffs).
    names = [f.name for f in declared]
    picks = [(fields.index(f.name), None) if f.name in fields else (-1, f.default)
             for f in declared]
    new = object.__new__
    out: dict[int, list[_T]] = defaultdict(list)
    tuple_at = [fields.index(name) for name in _TUPLE_FIELDS.get(cls, ())]
    shared: dict[tuple[Any, ...], _T] = {}
    for row in rows:
        values = tuple(row[1:])
        if tuple_at:
            as_list = list(values)
            for i in tuple_at:
                as_list[i] = tuple(as_list[i])
            values = tuple(as_list)
        obj = shared.get(values)
        if obj is None:
            obj = new(cls)
            obj.__dict__.update(zip(names, [values[i] if i >= 0 else default
                                            for i, default in picks], strict=True))
            shared[values] = obj
        out[row[0]].append(obj)
    return out


# Groups of about equal server cost, read on connections of their own at once when possible
# (a third connection for the view lineage was tried at 68,000 relations: the three sessions'
# cold catalog caches cost more server time than the overlap saved). `types` reads every
# non-system schema whatever is asked: in a partial snapshot it is the biggest query, so it
# sits with the smaller per-relation ones.
_GROUPS = (
    # the views: their trees (lineage, updatability, plain definitions, all decided after the
    # pipeline on this connection) and what they read, besides relations and policies
    ("server", "schemas", "deparse_facts", "relations", "view_sources",
     # `types` reads every non-system schema whatever is asked: in a partial snapshot it is
     # the biggest query, so it sits with the smaller per-relation ones
     "policies", "view_columns_updatable", "publications", "extensions", "roles", "types"),
    # columns and what is built from them (both groups read the tiny deparse facts)
    ("columns", "deparse_facts", "constraints", "indexes", "grants", "triggers", "functions",
     "casts"),
)
# Results turned into model objects from others read before them in the same group (so on
# the same connection, as soon as they arrive): _GROUPS keeps each after what it needs.
_BUILT_FROM = {"constraints": ("columns", "deparse_facts"),
               "indexes": ("columns", "deparse_facts")}


def _send(conn: psycopg.Connection[Any], names: Sequence[str], params: dict[str, Any],
          results: dict[str, Any]) -> None:
    """Queue the queries in one pipeline, then turn each result into model objects as soon as
    it arrives, while the server is still computing the next ones."""
    queued: list[tuple[str, psycopg.Cursor[Any], psycopg.Cursor[Any]]] = []
    with conn.pipeline() as pipeline:
        # An empty search_path makes every name in definitions and types schema-qualified,
        # so the same database gives the same snapshot whatever the session's settings.
        # No parallel workers: the snapshot's sessions already keep the server's cores busy,
        # and workers only add their own work (a sort and merge per worker for columns.sql):
        # 16 s of server CPU instead of 22 s at 68,000 relations (docs/benchmarks.md).
        conn.execute("select set_config('search_path', '', true), "
                     "set_config('max_parallel_workers_per_gather', '0', true)")
        skip = set(params.get("skip", ()))
        for name in names:
            # view lineage: the trees now, named after the pipeline (see _lineage.py)
            text = query_text("view_trees" if name == "view_sources" else name)
            if text is None or name in skip or (name in _ONLY_FOR and _ONLY_FOR[name] <= skip):
                continue
            factory = (tuple_row if name in _PREBUILT or name in _TUPLE_ROWS
                       or name == "view_sources" else dict_row)
            cur = conn.cursor(row_factory=factory)
            cur.execute(text, params if "%(" in text else None)  # type: ignore[arg-type]
            queued.append((name, cur, conn.execute("select")))
        for name, cur in _as_they_arrive(conn, pipeline, queued):
            results[name] = _converted(name, cur, params, results)
    if "indexes" in results:  # in the same transaction: the same catalog
        results["indexes"] = _indexes(conn, *results["indexes"])
    if "view_sources" in results:
        direct, asked, queries = results["view_sources"]
        # each view's top-level query (None: several queries), for updatability and definitions
        results["view_queries"] = queries
        lineage = followed(direct, asked)
        relation_rows = conn.cursor(row_factory=tuple_row).execute(
            query_text("view_sources") or "", {"oids": relation_oids(lineage)}).fetchall()
        results["view_relations"] = relation_rows  # names for plain view definitions
        results["view_sources"] = _view_column_sources(named(lineage, relation_rows))
    if "relations" in results and "view_sources" in results:
        # on this connection while the other one still works (else _run_all does it)
        _finish_views(conn, results)


def _finish_views(conn: psycopg.Connection[Any], results: dict[str, Any]) -> None:
    """Updatability, definitions and dependencies of the views in relations.sql's rows
    (once: the dependencies are set last)."""
    if "view_dependencies" in results:
        return
    views = [rel for rel in results.get("relations", ()) if rel["kind"] in ("v", "m")]
    queries = results.get("view_queries")
    if queries:  # the rules and triggers of every view read (without trees: the server decides)
        results["instead_events"] = conn.execute(query_text("instead_events") or "",
                                                 {"oids": oid_array(queries)}).fetchall()
    _fill_view_updatability(conn, results, views)  # in the snapshot's transaction
    server_written = _set_view_definitions(conn, results, views)
    _set_view_dependencies(conn, results, views, server_written)


def _view_column_sources(lineage: Iterable[Sequence[str]]
                         ) -> dict[tuple[str, str], tuple[ViewColumnSource, ...]]:
    """Each view's column sources, in (column, source) order, from the named lineage rows
    (``_lineage.LINEAGE_FIELDS``). Built as soon as the lineage is named: on a connection of
    its own, while the other one still works (400,000 of them at 68,000 relations)."""
    found: dict[tuple[str, str], list[tuple[str, ...]]] = defaultdict(list)
    for view_schema, view_name, *source in lineage:
        found[(view_schema, view_name)].append(tuple(source))
    new_source = _new_view_source
    return {view: tuple([new_source(column=column, source_schema=schema, source_table=table,
                                    source_column=source_column)
                         for column, schema, table, source_column in sorted(sources)])
            for view, sources in found.items()}


def _as_they_arrive(conn: psycopg.Connection[Any], pipeline: psycopg.Pipeline,
                    queued: Sequence[tuple[str, psycopg.Cursor[Any], psycopg.Cursor[Any]]]
                    ) -> Iterator[tuple[str, psycopg.Cursor[Any]]]:
    """Each queued cursor as soon as its result is in, while later ones are still computed.

    ``Pipeline.sync()`` returns only once every result has arrived, so a thread of its own
    runs it (holding the connection) while this one reads the cursors already filled: a
    cursor holding its result reads it without the connection (a PGresult stands alone).
    psycopg attaches a result to its cursor in several steps; the trivial ``select`` queued
    after each query (its marker) has a result only once the query's own is fully attached.
    """
    done = threading.Event()
    failure: list[BaseException] = []

    def receive() -> None:
        try:
            pipeline.sync()
        except BaseException as exc:  # raised below, in the caller's thread
            failure.append(exc)
        finally:
            done.set()

    receiver = threading.Thread(target=receive, name="pgprobe-receive", daemon=True)
    receiver.start()
    try:
        for name, cur, marker in queued:
            while marker.rowcount < 0 and not done.wait(0.002):
                pass
            if marker.rowcount < 0:
                break  # the pipeline failed before this result: raised below
            yield name, cur
    except BaseException:
        # Do not wait for the rest of a failed or interrupted read. A cancel request that
        # reaches the server between two queued statements cancels nothing: repeat it until
        # the pipeline gives up (the statement it hits aborts every later one).
        while not done.is_set():
            with contextlib.suppress(psycopg.Error):
                conn.cancel_safe()
            done.wait(0.2)
        raise
    finally:
        receiver.join()
    if failure:
        raise failure[0]


def _converted(name: str, cur: psycopg.Cursor[Any], params: dict[str, Any],
               results: dict[str, Any]) -> Any:
    """One query's result as the reader keeps it: model objects by relation oid
    (``_PREBUILT``, ``_BUILT_FROM``), tuples, or dicts. Runs while the connection is busy
    receiving the next results: reads only the cursor's own result (no ``cur.description``,
    which asks the connection for its encoding)."""
    fetched: Any = cur.fetchall()  # tuples or dicts, by the row factory chosen in _send
    if name == "deparse_facts":
        return DeparseFacts.from_row(fetched[0]) if fetched else None
    if name == "constraints":
        return _constraints(fetched, _ColumnNames(results["columns"]),
                            results.get("deparse_facts"))
    if name == "indexes":
        return _plain_index_definitions(fetched, results["columns"],
                                        results.get("deparse_facts"))
    if name == "view_columns_updatable":
        by_relation: dict[int, dict[int, bool]] = defaultdict(dict)
        for oid, position, updatable in fetched:
            by_relation[oid][position] = bool(updatable)
        return by_relation
    if name in _PREBUILT:
        res = cur.pgresult
        fields = ([(res.fname(i) or b"").decode() for i in range(res.nfields)]
                  if res is not None else [])
        return _model_objects(fields, fetched, _PREBUILT[name])
    if name in _TUPLE_ROWS:
        return fetched
    if name == "view_sources":
        # the kind of each view: updatability facts (_fill_view_updatability)
        results["view_kinds"] = {row[0]: row[3] for row in fetched}
        return direct_sources(fetched)
    dicts: list[dict[str, Any]] = fetched
    if name == "relations":  # parse the ACLs while the server works on
        with_grants = "grants" not in params.get("skip", ())
        for row in dicts:
            row["acl"] = table_grants(row["acl"]) if with_grants else []
    return dicts


def _read_group(dsn: str, snapshot_id: str, group: Sequence[str], params: dict[str, Any],
                out: dict[str, Any], imported: threading.Event,
                failure: list[BaseException]) -> None:
    """Read one group of queries on a connection of its own that imports the first one's
    exported MVCC snapshot (so every connection sees the same catalog)."""
    try:
        from ..connect import connect

        with connect(dsn) as probe, probe.conn.transaction():
            probe.conn.execute("set transaction isolation level repeatable read")
            probe.conn.execute(sql.SQL("set transaction snapshot {}").format(
                sql.Literal(snapshot_id)))
            imported.set()
            _send(probe.conn, group, params, out)
    except BaseException as exc:  # reported in the caller's thread
        failure.append(exc)
    finally:
        imported.set()


def _run_all(conn: psycopg.Connection[Any], params: dict[str, Any],
             progress: Callable[[str], None] | None, second_dsn: str | None = None
             ) -> dict[str, Any]:
    """Run every catalog query; with ``second_dsn``, the groups after the first each on a
    connection of its own, sharing the first one's exported MVCC snapshot."""
    results: dict[str, Any] = {}  # rows, or model objects by relation oid (_PREBUILT)
    with conn.transaction():
        conn.execute("set transaction isolation level repeatable read")
        snapshot_id = None
        if second_dsn is not None:
            # Not in a savepoint: PostgreSQL exports snapshots only from the top transaction.
            # It cannot fail on a server that supports it (9.2+); a standby in recovery can.
            row = conn.execute("select case when pg_is_in_recovery() then null "
                               "else pg_export_snapshot() end").fetchone()
            snapshot_id = row[0] if row else None
        if snapshot_id is not None and second_dsn is not None:
            helpers = []
            for group in _GROUPS[1:]:
                out: dict[str, Any] = {}
                failure: list[BaseException] = []
                imported = threading.Event()
                thread = threading.Thread(
                    target=_read_group, name="pgprobe-catalog",
                    args=(second_dsn, snapshot_id, group, params, out, imported, failure))
                thread.start()
                helpers.append((group, out, failure, imported, thread))
            _send(conn, _GROUPS[0], params, results)
            for group, out, failure, imported, thread in helpers:
                imported.wait()  # keep the exporting transaction open until the import
                thread.join()
                if failure:
                    # That connection failed (privileges, connection limits): read it here.
                    _send(conn, group, params, results)
                else:
                    results.update(out)
        else:
            _send(conn, [name for group in _GROUPS for name in group], params, results)
        _finish_views(conn, results)
    _set_view_column_updatability(results)
    if progress:
        for name in results:
            progress(name)
    return results


def _set_view_column_updatability(results: dict[str, Any]) -> None:
    """Fill in ``Column.updatable`` of view and foreign-table columns (None from columns.sql):
    foreign tables' from view_columns_updatable.sql, views' from _fill_view_updatability.
    Columns are shared between relations (_model_objects), so each changed column is a new
    object, itself shared."""
    columns: dict[int, list[Column]] = results.get("columns", {})
    changed: dict[tuple[int, bool], Column] = {}  # by id: the objects live on in the lists
    # relation oid -> (the answer for columns not listed, {column number: answer})
    by_relation: dict[int, tuple[bool, dict[int, bool]]] = defaultdict(lambda: (False, {}))
    for oid, answers in results.pop("view_columns_updatable", {}).items():
        by_relation[oid] = (False, answers)
    by_relation.update(results.pop("view_column_answers", {}))
    for oid, (default, answers) in by_relation.items():
        listed = columns.get(oid)
        if not listed:
            continue
        for i, column in enumerate(listed):
            value = answers.get(column.position, default)
            new = changed.get((id(column), value))
            if new is None:
                # built like every other Column (_model_objects), not through __init__: one
                # instance layout keeps attribute reads specialized (dataclasses.replace made
                # comparing two snapshots' columns 40% slower)
                new = changed[(id(column), value)] = object.__new__(Column)
                new.__dict__.update(column.__dict__, updatable=value)
            listed[i] = new


def _view_facts(results: dict[str, Any]) -> ViewFacts:
    """What ``_updatable`` needs, from the rows of view_trees.sql (the views' queries and
    kinds), instead_events.sql (their rules and triggers) and relations.sql (what the server
    says of foreign tables)."""
    kinds: dict[int, str] = results.pop("view_kinds", {})
    rule_events: dict[int, int] = {}
    trigger_events: dict[int, int] = {}
    writable: dict[int, bool] = {}
    for oid, rules, triggers, is_writable in results.pop("instead_events", ()):
        rule_events[oid] = rules
        trigger_events[oid] = triggers
        writable[oid] = is_writable
    foreign = {rel["oid"]: rel["updatable_events"] or 0 for rel in results.get("relations", ())
               if rel["kind"] == "f"}
    results["view_writable"] = writable
    return ViewFacts(queries=results.get("view_queries", {}), kinds=kinds,
                     rule_events=rule_events, trigger_events=trigger_events,
                     foreign_events=foreign)


def _fill_view_updatability(conn: psycopg.Connection[Any], results: dict[str, Any],
                            views: list[dict[str, Any]]) -> None:
    """Set ``updatable_events`` of the views and materialized views of relations.sql, and
    the answers for their columns (``results["view_column_answers"]``): decided in Python (``_updatable.py``) from the views' trees, rules and triggers, and by the
    server (view_updatable.sql) for the views those do not decide, or for all of them when
    the trees were not read (``skip=("view_sources",)``)."""
    if not views:
        return
    port = Updatability(_view_facts(results))
    writable: dict[int, bool] = results.pop("view_writable", {})
    answers: dict[int, tuple[bool, dict[int, bool]]] = {}
    undecided: dict[int, dict[str, Any]] = {}
    for rel in views:
        oid = rel["oid"]
        events = port.relation_events(oid)
        columns = port.columns_updatable(oid) if rel["kind"] == "v" else (False, {})
        if events is None or columns is None:
            undecided[oid] = rel
            continue
        rel["updatable_events"] = events
        if rel["kind"] == "v":
            answers[oid] = (True, {}) if writable.get(oid) else columns
    if undecided:
        for oid, events, updatable_columns in conn.execute(
                query_text("view_updatable") or "", {"oids": list(undecided)}).fetchall():
            rel = undecided[oid]
            rel["updatable_events"] = events
            if rel["kind"] == "v":
                answers[oid] = (False, dict.fromkeys(updatable_columns, True))
    results["view_column_answers"] = answers


def _set_view_dependencies(conn: psycopg.Connection[Any], results: dict[str, Any],
                           views: list[dict[str, Any]], server_written: set[int]) -> None:
    """``results["view_dependencies"]``: (view oid, "schema.relation") pairs of what each view
    and materialized view reads. A view whose definition pgprobe wrote is plain (one relation,
    plain columns: ``_viewdef.py``), so it reads exactly that relation, the only one its
    rule depends on; the server (view_dependencies.sql) answers for the others."""
    queries: dict[int, TopQuery | None] = results.get("view_queries", {})
    names = {row[0]: f"{row[1]}.{row[2]}" for row in results.get("view_relations", ())}
    pairs: list[tuple[int, str]] = []
    ask: list[int] = []
    for row in views:
        oid = row["oid"]
        query = queries.get(oid)
        base = (names.get(query.rtable[query.single_from - 1].relid)
                if oid not in server_written and query is not None and query.single_from
                else None)
        if base is None:
            ask.append(oid)
        else:
            pairs.append((oid, base))
    if ask:
        pairs.extend(conn.execute(query_text("view_dependencies") or "",
                                  {"oids": oid_array(ask)}).fetchall())
    results["view_dependencies"] = pairs


def _set_view_definitions(conn: psycopg.Connection[Any], results: dict[str, Any],
                          views: list[dict[str, Any]]) -> set[int]:
    """Fill in ``view_definition`` of the views and materialized views in relations.sql's
    rows (null there): plain views written here (``_viewdef.py``), every other one deparsed
    by the server (``sql/view_definitions.sql``) on ``conn``, in the snapshot's transaction.
    Returns the oids the server deparsed."""
    if not views:
        return set()
    facts = cast(DeparseFacts | None, results.get("deparse_facts"))
    queries: dict[int, TopQuery | None] = results.get("view_queries", {})
    # named by view_sources.sql: the views themselves (their column names by number) and the
    # relations their columns come from
    named = {row[0]: BaseRelation(row[1], row[2], row[4])
             for row in results.get("view_relations", ())}
    writer = ViewWriter(named, facts) if facts is not None else None
    unwritten: dict[int, dict[str, Any]] = {}
    for row in views:
        oid = row["oid"]
        view = named.get(oid)
        definition = None
        if writer is not None and view is not None and all(view.columns):
            definition = writer.definition(oid, queries.get(oid),
                                           tuple([c for c in view.columns if c is not None]))
        if definition is None:
            unwritten[oid] = row
        row["view_definition"] = definition
    if unwritten:
        deparsed = conn.execute(query_text("view_definitions") or "",
                                {"oids": oid_array(unwritten)}).fetchall()
        for oid, definition in deparsed:
            unwritten[oid]["view_definition"] = definition
    return set(unwritten)


class _ColumnNames:
    """Column names of a relation by column number, from the columns read (tables built on
    first use: only relations with keys or indexes need one)."""

    def __init__(self, columns: dict[int, list[Column]]) -> None:
        self.columns = columns
        self.tables: dict[int, dict[int, str]] = {}

    def __call__(self, oid: int, attnums: Sequence[int] | None) -> tuple[str, ...]:
        if not attnums:
            return ()
        table = self.tables.get(oid)
        if table is None:
            table = self.tables[oid] = {c.position: c.name for c in self.columns.get(oid, ())}
        try:
            return tuple([table[n] for n in attnums])
        except KeyError:
            return tuple([table.get(n, str(n)) for n in attnums])


def _constraints(rows: Iterable[Sequence[Any]], column_names: _ColumnNames,
                 facts: DeparseFacts | None) -> dict[int, list[Constraint]]:
    """Constraint objects by relation oid from the rows of constraints.sql (tuples in its
    column order), plain keys written here (``_deparse.py``). Equal constraints share one
    (frozen) object, as columns do (_model_objects): every tenant's primary keys read alike."""
    out: dict[int, list[Constraint]] = defaultdict(list)
    new_constraint = _new_constraint
    shared: dict[tuple[Any, ...], Constraint] = {}
    for row in rows:
        (oid, name, kind, attnums, definition, ref_oid, ref_schema, ref_table, ref_attnums,
         ref_names, on_update, on_delete, match_type, deferrable, initially_deferred,
         validated, inherited, ref_primary) = row
        columns = column_names(oid, attnums)
        ref_columns = (tuple(ref_names) if ref_names is not None
                       else column_names(ref_oid, ref_attnums))
        key = (columns, ref_columns, name, kind, definition, ref_schema, ref_table, *row[10:])
        constraint = shared.get(key)
        if constraint is not None:
            out[oid].append(constraint)
            continue
        if definition is None and facts is not None:  # a plain key (constraints.sql)
            definition = facts.plain_key(kind, columns, ref_schema, ref_table, ref_columns,
                                         on_update, on_delete)
        out[oid].append(constraint := new_constraint(
            name=name, kind=_CONSTRAINT_KINDS[kind], columns=columns,
            definition=definition, ref_schema=ref_schema, ref_table=ref_table,
            ref_columns=ref_columns,
            on_update=FK_ACTIONS.get(on_update or ""), on_delete=FK_ACTIONS.get(on_delete or ""),
            match_type=_MATCH.get(match_type or ""), deferrable=deferrable,
            initially_deferred=initially_deferred, validated=validated, inherited=inherited,
            ref_primary=ref_primary))
        shared[key] = constraint
    return out


def _plain_index_definitions(rows: Iterable[Sequence[Any]], columns: dict[int, list[Column]],
                             facts: DeparseFacts | None
                             ) -> tuple[list[tuple[Any, ...]], dict[int, int], _ColumnNames]:
    """The rows of indexes.sql with the definitions of plain b-tree indexes written here
    (``_deparse.py``), and the positions of those left to the server (by index oid): those
    whose operator class is not the column type's default."""
    by_number: dict[int, dict[int, Column]] = {}
    out: list[tuple[Any, ...]] = []
    unwritten: dict[int, int] = {}  # index oid -> position in out
    for row in rows:
        (oid, name, attnums, _expr, nkeys, definition, unique, *_, index_oid, opclasses,
         schema, table) = row
        if definition is None:
            numbered = by_number.get(oid)
            if numbered is None:
                numbered = by_number[oid] = {c.position: c for c in columns.get(oid, ())}
            definition = facts.plain_index(
                name, schema, table, unique, [numbered.get(n) for n in attnums[:nkeys]],
                opclasses or ()) if facts else None
            if definition is None:
                unwritten[index_oid] = len(out)
        out.append((*row[:5], definition, *row[6:-4]))
    return out, unwritten, _ColumnNames(columns)


def _indexes(conn: psycopg.Connection[Any], rows: list[tuple[Any, ...]],
             unwritten: dict[int, int], column_names: _ColumnNames) -> dict[int, list[Index]]:
    """Index objects by relation oid, the definitions pgprobe does not write deparsed by the
    server (one round trip, after the pipeline)."""
    if unwritten:
        deparsed = conn.execute("select i, pg_get_indexdef(i) from unnest(%s::oid[]) i",
                                [list(unwritten)]).fetchall()
        for index_oid, definition in deparsed:
            at = unwritten[index_oid]
            rows[at] = (*rows[at][:5], definition, *rows[at][6:])
    out: dict[int, list[Index]] = defaultdict(list)
    new_index = _new_index
    for (oid, name, attnums, expressions, nkeys, definition, unique, primary, predicate, method,
         valid) in rows:
        columns = (tuple(expressions) if expressions is not None
                   else column_names(oid, attnums[:nkeys]))
        out[oid].append(new_index(
            name=name, columns=columns, definition=definition, unique=unique, primary=primary,
            predicate=predicate, method=method, valid=valid,
            include=column_names(oid, attnums[nkeys:])))
    return out


def _migrations(conn: psycopg.Connection[Any]) -> tuple[Migration, ...] | None:
    exists = conn.execute(
        "select to_regclass('supabase_migrations.schema_migrations') is not null").fetchone()
    if not exists or not exists[0]:
        return None
    try:
        with conn.transaction():
            rows = conn.execute(
                "select row_to_json(m)::text from supabase_migrations.schema_migrations m"
            ).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return None
    out = []
    for (text,) in rows:
        row = json.loads(text)
        stmts = row.get("statements")
        out.append(Migration(version=str(row.get("version")), name=row.get("name"),
                             statements=tuple(stmts) if stmts is not None else None))
    return tuple(sorted(out, key=lambda m: m.version))


def _fast(cls: type[_T]) -> Callable[..., _T]:
    """A constructor for a frozen model class that skips the per-field ``object.__setattr__``
    of the generated ``__init__`` (a snapshot builds tens of thousands of objects)."""
    defaults = {f.name: f.default for f in dataclasses.fields(cls)  # type: ignore[arg-type]
                if f.default is not dataclasses.MISSING}
    new = object.__new__

    def make(**values: Any) -> _T:
        obj = new(cls)
        state = obj.__dict__
        state.update(defaults)
        state.update(values)
        return obj

    return make


_new_column = _fast(Column)
_new_constraint = _fast(Constraint)
_new_index = _fast(Index)
_new_grant = _fast(Grant)
_new_relation = _fast(Relation)
_new_view_source = _fast(ViewColumnSource)


_ACL_PRIVILEGES = {"r": "select", "a": "insert", "w": "update", "d": "delete", "D": "truncate",
                   "x": "references", "t": "trigger", "m": "maintain"}


def _split_acl_item(item: str) -> tuple[str, str]:
    """``grantee=privileges/grantor`` -> (grantee, privileges); grantee names may be quoted."""
    if item.startswith('"'):
        i, name = 1, []
        while i < len(item):
            if item[i] == '"':
                if item[i + 1: i + 2] == '"':
                    name.append('"')
                    i += 2
                    continue
                break
            name.append(item[i])
            i += 1
        rest = item[i + 2:]
        return "".join(name), rest.split("/", 1)[0]
    grantee, _, rest = item.partition("=")
    return grantee, rest.split("/", 1)[0]


def table_grants(acl: Sequence[str] | None) -> list[Grant]:
    """Table privileges from ``pg_class.relacl`` text (``aclexplode``'s result, read in
    Python: one round of catalog work less on the server).

    >>> [(g.grantee, g.privilege, g.grantable) for g in table_grants(['anon=r*/postgres', '=a/x'])]
    [('anon', 'select', True), ('public', 'insert', False)]
    """
    if not acl:
        return []
    # Most tables share one ACL (default privileges); Grants are immutable, so share them too.
    return list(_grants_of_acl(tuple(acl)))


@lru_cache(maxsize=4096)
def _grants_of_acl(acl: tuple[str, ...]) -> tuple[Grant, ...]:
    grants: dict[tuple[str, str], bool] = {}
    for item in acl or ():
        grantee, privileges = _split_acl_item(item)
        grantee = grantee or "public"
        for i, letter in enumerate(privileges):
            if letter == "*":
                continue
            privilege = _ACL_PRIVILEGES.get(letter)
            if privilege is None:
                continue
            option = privileges[i + 1: i + 2] == "*"
            grants[(grantee, privilege)] = grants.get((grantee, privilege), False) or option
    return tuple(_new_grant(grantee=g, privilege=p, grantable=o)
                 for (g, p), o in sorted(grants.items()))


def _tgtype(bits: int) -> tuple[str, tuple[str, ...], str]:
    timing = "before" if bits & 2 else ("instead_of" if bits & 64 else "after")
    events = tuple(e for bit, e in ((4, "insert"), (8, "delete"), (16, "update"), (32, "truncate"))
                   if bits & bit)
    return timing, events, "row" if bits & 1 else "statement"


def _by_name(objects: list[_T] | None) -> tuple[_T, ...]:
    if not objects:
        return ()
    if len(objects) == 1:
        return (objects[0],)
    return tuple(sorted(objects, key=attrgetter("name")))


def build_snapshot(rows: dict[str, list[dict[str, Any]]], migrations: tuple[Migration, ...] | None,
                   expanded: Sequence[str], options: dict[str, Any]) -> Snapshot:
    """Assemble the Snapshot from the query rows (pure: no database access)."""
    by_oid: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    by_oid["columns"] = rows["columns"]  # type: ignore[assignment]  # prebuilt by _send
    by_oid["constraints"] = rows.get("constraints", {})  # type: ignore[assignment]  # same
    by_oid["indexes"] = rows.get("indexes", {})  # type: ignore[assignment]  # same
    for trg in rows.get("triggers", []):
        timing, events, level = _tgtype(trg["tgtype"])
        by_oid["triggers"][trg["oid"]].append(Trigger(
            name=trg["name"], timing=timing, events=events, level=level,  # type: ignore[arg-type]
            function=trg["function"], definition=trg["definition"], enabled=trg["enabled"]))
    by_oid["policies"] = rows.get("policies", {})  # type: ignore[assignment]  # prebuilt by _send
    by_oid["grants"] = rows.get("grants", {})  # type: ignore[assignment]  # prebuilt by _send
    reads: dict[int, list[str]] = defaultdict(list)  # in the database's collation order
    for oid, name in cast(list[tuple[int, str]], rows.get("view_dependencies", [])):
        reads[oid].append(name)
    sources = cast(dict[tuple[str, str], tuple[ViewColumnSource, ...]],
                   rows.get("view_sources", {}))  # built by _send

    relations = []
    # bound once: 68,000 relations look up six per-relation tables each
    columns_of, constraints_of = by_oid["columns"].get, by_oid["constraints"].get
    indexes_of, triggers_of = by_oid["indexes"].get, by_oid["triggers"].get
    policies_of, grants_of, sources_of, reads_of = (
        by_oid["policies"].get, by_oid["grants"].get, sources.get, reads.get)
    new_relation = _new_relation
    for rel in rows["relations"]:
        oid = rel["oid"]
        schema, name = rel["schema"], rel["name"]
        event_bits = rel["updatable_events"] or 0
        relations.append(new_relation(
            schema=schema, name=name, kind=_KINDS[rel["kind"]],
            columns=tuple(columns_of(oid, ())), constraints=_by_name(constraints_of(oid)),
            indexes=_by_name(indexes_of(oid)), triggers=_by_name(triggers_of(oid)),
            policies=tuple(policies_of(oid, ())), grants=tuple(rel["acl"] + grants_of(oid, [])),
            rls_enabled=rel["rls_enabled"], rls_forced=rel["rls_forced"],
            comment=rel["comment"], owner=rel["owner"], view_definition=rel["view_definition"],
            view_sources=sources_of((schema, name), ()),
            partition_of=rel["partition_of"], partition_bound=rel["partition_bound"],
            insertable=bool(event_bits & 8), updatable=bool(event_bits & 4),
            deletable=bool(event_bits & 16), extension=rel["extension"],
            options=tuple(rel.get("options") or ()), depends_on=tuple(reads_of(oid, ()))))
    relations.sort(key=lambda r: (r.schema, r.name))

    enums, domains, composites = [], [], []
    for t in rows.get("types", []):
        if t["kind"] == "e":
            enums.append(EnumType(t["schema"], t["name"], tuple(t["labels"]), t["comment"],
                                  extension=t["extension"]))
        elif t["kind"] == "d":
            domains.append(Domain(t["schema"], t["name"], t["base_type"], t["nullable"],
                                  t["default"], tuple(t["checks"] or ()), extension=t["extension"]))
        else:
            attrs = tuple(CompositeAttribute(*json.loads(a)) for a in t["attributes"] or ())
            composites.append(CompositeType(t["schema"], t["name"], attrs,
                                            extension=t["extension"]))

    functions = []
    for f in rows.get("functions", []):
        names = list(f["arg_names"])
        types = list(f["arg_types"])
        modes = list(f["arg_modes"]) or ["i"] * len(types)
        n_in = sum(1 for m in modes if m in ("i", "b", "v"))
        first_default = n_in - f["nargdefaults"]
        args, in_index = [], 0
        for i, typ in enumerate(types):
            mode = modes[i] if i < len(modes) else "i"
            has_default = False
            if mode in ("i", "b", "v"):
                has_default = in_index >= first_default
                in_index += 1
            args.append(FunctionArg(
                name=names[i] if i < len(names) else "", type=typ,
                mode=_ARG_MODES[mode],  # type: ignore[arg-type]
                has_default=has_default, type_schema=f["arg_type_schemas"][i],
                base_type=f["arg_udt_names"][i]))
        grants = tuple(sorted((Grant(g[0], g[1].lower(), g[2])
                               for g in (json.loads(x) for x in f["grants"] or ())),
                              key=lambda g: (g.grantee, g.privilege)))
        functions.append(Function(
            schema=f["schema"], name=f["name"], identity_args=f["identity_args"],
            args=tuple(args), return_type=f["return_type"], returns_set=f["returns_set"],
            return_type_relation=f["return_type_relation"],
            return_type_kind=_TYPE_KINDS.get(f["return_type_kind"], f["return_type_kind"]),
            language=f["language"], volatility=_VOLATILITY[f["volatility"]],  # type: ignore[arg-type]
            security_definer=f["security_definer"],
            kind=_FUNCTION_KINDS[f["kind"]],  # type: ignore[arg-type]
            comment=f["comment"], definition=f["definition"], owner=f["owner"], grants=grants,
            config=tuple(f["config"]), rows=float(f["rows"] or 0), arguments=f["arguments"],
            result=f["result"] or "", return_udt_name=f["return_udt_name"],
            return_type_schema=f["return_type_schema"], extension=f["extension"]))
    functions.sort(key=lambda fn: (fn.schema, fn.name, fn.identity_args))

    server = rows["server"][0]
    expanded_set = set(expanded)
    return Snapshot(
        server_version=server["server_version"],
        server_version_num=server["server_version_num"],
        database=server["database"],
        schemas=tuple(Schema(s["name"], s["owner"], s["comment"], s["name"] in expanded_set)
                      for s in rows["schemas"]),
        relations=tuple(relations),
        enums=tuple(sorted(enums, key=lambda e: (e.schema, e.name))),
        domains=tuple(sorted(domains, key=lambda d: (d.schema, d.name))),
        composite_types=tuple(sorted(composites, key=lambda c: (c.schema, c.name))),
        functions=tuple(functions),
        publications=tuple(sorted(
            (Publication(p["name"], p["all_tables"], tuple(p["tables"]), tuple(p["actions"]))
             for p in rows.get("publications", [])), key=lambda p: p.name)),
        extensions=tuple(sorted((Extension(e["name"], e["schema"], e["version"],
                                           e.get("default_version"))
                                 for e in rows.get("extensions", [])), key=lambda e: e.name)),
        roles=tuple(sorted((Role(r["name"], r["superuser"], r["can_login"], r["bypass_rls"],
                                 r["inherit"], tuple(r["member_of"])) for r in rows.get("roles", [])),
                           key=lambda r: r.name)),
        casts=tuple(sorted((Cast(**c) for c in rows.get("casts", ())),
                           key=lambda c: (c.source, c.target))),
        migrations=migrations,
        pgrst_db_schemas=server.get("pgrst_db_schemas"),
        options=options,
    )


def _relation_oids(conn: psycopg.Connection[Any], expanded: Sequence[str]) -> list[int] | None:
    """The expanded schemas' relation oids when they are a small part of the database, else
    None (``sql/relation_oids.sql``). The queries return the same rows either way; with the
    oids they reach them through an index instead of a scan of pg_class."""
    row = conn.execute(query_text("relation_oids") or "select null",
                       {"schemas": list(expanded)}).fetchone()
    return list(row[0]) if row and row[0] is not None else None


def snapshot(source: Any = None, schemas: Sequence[str] | None = None, *,
             exclude_schemas: Sequence[str] = (),
             progress: Callable[[str], None] | None = None, parallel: bool = True,
             relations: Collection[str] | None = None, skip: Collection[str] = ()) -> Snapshot:
    """Read the catalog of a database into one immutable :class:`Snapshot`.

    ``source`` is anything :func:`pgprobe.connect` accepts (a DSN, a Probe, a psycopg
    connection, a SQLAlchemy Engine, or None for the environment). ``schemas`` lists the
    schemas to expand; by default every non-system schema except Supabase's internal ones
    (``auth``, ``storage``, ...), which are still listed. ``relations`` (qualified names)
    restricts the per-relation objects to those relations (everything else is read in full):
    a partial snapshot, for diffing only what changed. ``skip`` leaves whole kinds out
    (e.g. ``skip=("grants", "policies", "indexes")`` when generating types); the snapshot's
    ``options["skip"]`` records it.

    >>> import pgprobe                                          # doctest: +SKIP
    >>> snap = pgprobe.snapshot("postgresql://postgres@/pgprobe_demo?host=/tmp/sock")  # doctest: +SKIP
    >>> snap.table("public.tickets").column("title").type      # doctest: +SKIP
    'text'
    """
    from ..connect import Probe, connect

    probe = source if isinstance(source, Probe) else connect(source)
    conn = probe.conn
    try:
        all_schemas = [r[0] for r in conn.execute(query_text("schemas") or "").fetchall()]
        expanded = _choose_schemas(all_schemas, schemas, exclude_schemas)
        missing = [s for s in (schemas or ()) if s not in all_schemas]
        if missing:
            from .._errors import NotFoundError
            from ._model import suggest

            hints = suggest(missing[0], all_schemas)
            raise NotFoundError(
                f"no schema {missing[0]} in database {conn.info.dbname}"
                + (f"; did you mean {' or '.join(hints)}?" if hints else ""), suggestions=hints)
        second = probe.dsn if parallel and probe.dsn and isinstance(source, str | None) else None
        wanted = None
        if relations is not None:
            wanted = sorted({".".join(split_name(r)) for r in relations})
        unknown = sorted(set(skip) - set(SKIPPABLE))
        if unknown:
            raise InputError(f"cannot skip {', '.join(unknown)}",
                             hint=f"skippable kinds: {', '.join(SKIPPABLE)}")
        params = {"schemas": expanded, "relations": wanted, "skip": tuple(skip),
                  "relation_oids": _relation_oids(conn, expanded)}
        with paused_collector():
            rows = _run_all(conn, params, progress, second)
        migrations = None if "migrations" in skip else _migrations(conn)
    except psycopg.Error as exc:
        from ..connect import _explain_query_error

        err = _explain_query_error(exc)
        raise CatalogError(f"cannot read the catalog: {err.message}", hint=err.hint) from None
    finally:
        if probe is not source:
            probe.close()
    options: dict[str, Any] = {"schemas": list(expanded),
                               "requested_schemas": list(schemas or []),
                               "exclude_schemas": list(exclude_schemas)}
    if relations is not None:
        options["relations"] = sorted({".".join(split_name(r)) for r in relations})
    if skip:
        options["skip"] = sorted(skip)
    with paused_collector():
        return build_snapshot(rows, migrations, expanded, options)
