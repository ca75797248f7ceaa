"""``pgprobe types gen|check`` and ``pgprobe fields check``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..catalog._model import Snapshot


UNUSED_CATALOG_QUERIES = ("grants", "policies", "indexes", "publications", "roles", "extensions",
                          "casts", "migrations")
"""Catalog queries whose results types and field maps never read (when the reader can skip)."""


def _snapshot(args: argparse.Namespace, wanted: list[str]) -> Snapshot:
    """The snapshot to work from: a saved file (--snapshot) or the live database (--dsn).

    Every non-system schema is read, plus any asked for, so enums and composite types that
    columns use from other schemas resolve as in postgres-meta.
    """
    import inspect

    from ..catalog import Snapshot, snapshot
    from ..catalog._reader import SUPABASE_INTERNAL_SCHEMAS, SYSTEM_SCHEMAS, query_text
    from ..connect import connect

    if getattr(args, "snapshot", None):
        return Snapshot.load(args.snapshot)
    kwargs: dict[str, Any] = {}
    if "skip" in inspect.signature(snapshot).parameters:
        from ..catalog import _reader

        skippable = set(getattr(_reader, "SKIPPABLE", UNUSED_CATALOG_QUERIES))
        kwargs["skip"] = tuple(q for q in UNUSED_CATALOG_QUERIES if q in skippable)
    if not any(s in SUPABASE_INTERNAL_SCHEMAS or s in SYSTEM_SCHEMAS for s in wanted):
        return snapshot(args.dsn, **kwargs)  # the default expansion; a DSN reads in parallel
    with connect(args.dsn) as probe:
        names = [r[0] for r in probe.conn.execute(query_text("schemas") or "").fetchall()]
    expand = [s for s in names if s not in SYSTEM_SCHEMAS and
              (s not in SUPABASE_INTERNAL_SCHEMAS or s in wanted)]
    expand += [s for s in wanted if s not in expand]
    return snapshot(args.dsn, schemas=expand, **kwargs)


def _require_schemas(snap: Snapshot, schemas: list[str]) -> None:
    """A typo in --schema would silently give an empty section (as postgres-meta does)."""
    from .._errors import NotFoundError
    from ..catalog._model import suggest

    known = [s.name for s in snap.schemas]
    for name in schemas:
        if name not in known:
            hints = suggest(name, known)
            raise NotFoundError(
                f"no schema {name} in database {snap.database or '?'}"
                + (f"; did you mean {' or '.join(hints)}?" if hints else ""), suggestions=hints)


def _cmd_gen(args: argparse.Namespace) -> int:
    from ._generate import generate

    schemas = args.schema or ["public"]
    snap = _snapshot(args, schemas)
    _require_schemas(snap, schemas)
    text = generate(snap, schemas,
                    detect_one_to_one=not args.postgrest_v9_compat,
                    default_schema=args.default_schema)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _emit(report: object, fmt: str) -> None:
    if fmt == "json":
        print(report.to_json())  # type: ignore[attr-defined]
    elif fmt == "markdown":
        print(report.to_markdown())  # type: ignore[attr-defined]
    else:
        from .._terminal import echo

        echo(report.to_text())  # type: ignore[attr-defined]


def _relative_file(args: argparse.Namespace) -> None:
    """On a screen, the file is named relative to the working directory when under it."""
    if args.format == "text":
        from .._terminal import path

        args.file = path(args.file)


def _cmd_check(args: argparse.Namespace) -> int:
    from ._check import PLATFORM_SCHEMAS, check, require_something_to_check, schemas_to_compare
    from ._tsparse import declared_schemas, read_text

    _relative_file(args)
    # fail fast (before reading the database) on a malformed or placeholder file
    text = read_text(args.file)
    declared = declared_schemas(text, args.file)
    require_something_to_check(text, args.file)
    schemas = args.schema or [s for s in declared if s not in PLATFORM_SCHEMAS] or ["public"]
    snap = _snapshot(args, schemas)
    _, left_out = schemas_to_compare(text, args.file, snap, args.schema)
    if left_out:
        from .._terminal import echo

        echo(f"note: not compared: {', '.join(left_out)} (the Supabase platform's schemas"
             + ("; not in this database)" if args.schema else "; name one with --schema to "
                "compare it)"), stderr=True)
    report = check(args.file, snap, args.schema or None,
                   extension_functions=_extension_functions(args, text, snap))
    _emit(report, args.format)
    return report.exit_code


def _extension_functions(args: argparse.Namespace, text: str, snap: Snapshot) -> dict[str, str]:
    """Functions of extensions the live database has outside the compared schemas, named in
    the file: told on stderr, not counted as removed (a saved snapshot cannot tell)."""
    if getattr(args, "snapshot", None):
        return {}
    from ..connect import connect
    from ._check import extension_functions, schemas_to_compare
    from ._tsparse import parse_types_text

    compared, _ = schemas_to_compare(text, args.file, snap, args.schema)
    with connect(args.dsn) as probe:
        found = extension_functions(probe, compared)
    in_file = {name for s in parse_types_text(text, args.file).schemas.values() if s.name in compared
               for name in s.functions}
    named = sorted(n for n in in_file if n in found)
    if named:
        owners = sorted({found[n] for n in named})
        from .._terminal import echo

        echo(f"note: not compared: {len(named)} function(s) of {', '.join(owners)}, which this "
             f"database has outside {', '.join(compared)} ({', '.join(named[:5])}"
             f"{', ...' if len(named) > 5 else ''})", stderr=True)
    return {n: found[n] for n in named}


def _cmd_fields(args: argparse.Namespace) -> int:
    from ._fieldmap import check_field_map, load_field_map

    _relative_file(args)
    entries = load_field_map(args.file)
    from ..catalog._model import split_name

    schemas = sorted({split_name(e.path)[0] for e in entries} | {"public"})
    report = check_field_map(args.file, _snapshot(args, schemas))
    _emit(report, args.format)
    return report.exit_code


def _source_args(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dsn", help="database URL (default: PGPROBE_DSN, DATABASE_URL, ...)")
    src.add_argument("--snapshot", help="a saved snapshot (JSON) instead of a live database")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    types = sub.add_parser("types", help="Supabase TypeScript types: generate, check against the database")
    tsub = types.add_subparsers(dest="types_command", metavar="ACTION")
    types.set_defaults(func=lambda a: (types.print_help(), 2)[1])

    g = tsub.add_parser("gen", help="print the Database type exactly as postgres-meta 0.99.0 does")
    _source_args(g)
    g.add_argument("--schema", action="append", help="schema to include (repeatable; default public)")
    g.add_argument("-o", "--output", help="write to this file instead of stdout")
    g.add_argument("--default-schema", default="public", help="schema of the helper types (default public)")
    g.add_argument("--postgrest-v9-compat", action="store_true", help="omit isOneToOne, like the Supabase CLI flag")
    g.set_defaults(func=_cmd_gen)

    c = tsub.add_parser("check", help="diff a committed types file against the database (exit 1 if stale)")
    c.add_argument("file", help="the .ts file (postgres-meta, Supabase CLI 2.x/3.x, hand-edited)")
    _source_args(c)
    c.add_argument("--schema", action="append", help="schemas to compare (default: those in the file)")
    c.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    c.set_defaults(func=_cmd_check)

    fields = sub.add_parser("fields", help="app field maps ({TICKET: {path, fields}}) vs the database")
    fsub = fields.add_subparsers(dest="fields_command", metavar="ACTION")
    fields.set_defaults(func=lambda a: (fields.print_help(), 2)[1])
    f = fsub.add_parser("check", help="report map paths / fields that do not exist, with the close match")
    f.add_argument("file", help=".ts/.js object literal, .json or .yml")
    _source_args(f)
    f.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    f.set_defaults(func=_cmd_fields)
