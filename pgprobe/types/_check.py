"""Compare a committed Supabase types file with the database, by meaning.

The database side is the file pgprobe would generate now (byte-identical to
postgres-meta), parsed by the same TypeScript reader as the committed file, so both go
through one normalisation: formatting, quotes, union order, ``Array<T>``, ``NonNullable<Json>``,
``__InternalSupabase``, ``ComputedFields`` and view-column nullability (which generators
infer differently) never count.

The left side of the report is the file, the right side the database: ``removed`` means
the file has something the database no longer has (an error: code typed against it
breaks), ``added`` means the file lacks something new (a warning: the file is stale).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog._model import suggest
from ..catalog._reader import SUPABASE_INTERNAL_SCHEMAS
from ._tsparse import (
    TsDatabase,
    TsField,
    TsRelation,
    TsSchema,
    TsSignature,
    declared_schemas,
    parse_types_text,
    placeholder_reason,
    read_text,
)

if TYPE_CHECKING:
    from ..catalog._model import Snapshot
    from ..diff import Change, DiffReport


def _hint(name: str, candidates: Sequence[str]) -> str | None:
    found = [c for c in suggest(name, candidates) if c != name]
    return f"did you mean {' or '.join(found)}?" if found else None


def _show(f: TsField) -> str:
    return f.type + (" | null" if f.nullable else "")


class _Comparer:
    def __init__(self, file_label: str, computed: dict[str, set[str]] | None = None) -> None:
        from ..diff import Change

        self.Change = Change
        self.file = file_label
        self.changes: list[Change] = []
        self.computed = computed or {}
        """``schema.relation`` -> names of its computed fields (functions taking its row)."""
        self.local_relations: set[str] | None = None
        """The tables and views of the schema being compared (either side)."""
        self.elsewhere: Mapping[str, str] = {}
        """Function name -> the extension that has it in a schema not compared here."""

    def add(self, change: str, kind: str, path: str, old: Any = None, new: Any = None,
            severity: str = "warning", hint: str | None = None, line: int | None = None,
            note: str | None = None) -> None:
        where = f"{self.file}:{line}" if line else None
        text = "; ".join(x for x in (note, where) if x) or None
        self.changes.append(self.Change(change, kind, path, old, new, severity, hint, text))  # type: ignore[arg-type]

    # -- relations -------------------------------------------------------
    def relations(self, schema: str, kind: str, file_rels: dict[str, TsRelation],
                  db_rels: dict[str, TsRelation], other_db: dict[str, TsRelation],
                  other_file: dict[str, TsRelation]) -> None:
        for name, rel in file_rels.items():
            path = f"{schema}.{name}"
            if name not in db_rels:
                if name in other_db:
                    other = "view" if kind == "table" else "table"
                    self.add("changed", kind, f"{path}.kind", kind, other, "warning", line=rel.line,
                             note=f"the database has it as a {other}")
                    continue
                self.add("removed", kind, path, name, None, "error",
                         _hint(name, list(db_rels)), rel.line)
                continue
            self.relation(path, kind, rel, db_rels[name])
        for name in db_rels:
            if name not in file_rels and name not in other_file:  # (a kind change is reported once)
                self.add("added", kind, f"{schema}.{name}", None, name, "warning",
                         note="missing from the types file")

    def relation(self, path: str, kind: str, f: TsRelation, d: TsRelation) -> None:
        is_view = kind == "view"
        # Generators differ on whether a computed field (a function taking the row) is also a
        # member of Row: one side having it and the other not is not drift.
        computed = self.computed.get(path, set())
        for col, ff in f.row.items():
            cpath = f"{path}.columns.{col}"
            if col in computed and col not in d.row:
                continue
            if col not in d.row:
                self.add("removed", "column", cpath, _show(ff), None, "error",
                         _hint(col, list(d.row)), ff.line)
                continue
            df = d.row[col]
            if ff.type != df.type and not _narrows(ff.type, df.type):
                self.add("changed", "column", f"{cpath}.type", ff.type, df.type, "error", line=ff.line)
            elif not is_view and ff.nullable != df.nullable:
                self.add("changed", "column", f"{cpath}.nullable", ff.nullable, df.nullable,
                         "error" if ff.nullable is False else "warning", line=ff.line)
        for col, df in d.row.items():
            if col not in f.row and col not in computed:
                self.add("added", "column", f"{path}.columns.{col}", None, _show(df), "warning",
                         note="missing from the types file")
        if f.insert is not None and d.insert is not None:
            for col, ff in f.insert.items():
                if col not in d.insert or col not in f.row or col not in d.row:
                    continue
                df = d.insert[col]
                if (ff.optional, ff.never) != (df.optional, df.never):
                    self.add("changed", "column", f"{path}.columns.{col}.insert",
                             _insert(ff), _insert(df), "error" if not df.optional or df.never else "warning",
                             line=ff.line)
        elif f.insert is not None and d.insert is None and is_view:
            # (a view's Insert missing from the file is a generator version, not drift)
            self.add("changed", kind, f"{path}.insertable", True, False, "warning", line=f.line)
        # A view's relationships are inferred from its sources, differently by generator
        # version (older ones print none): only a table's are compared.
        if f.relationships is not None and d.relationships is not None and not is_view:
            self.relationships(path, f, d)

    def relationships(self, path: str, f: TsRelation, d: TsRelation) -> None:
        def index(rels: Any) -> dict[tuple[str, str], list[Any]]:
            out: dict[tuple[str, str], list[Any]] = {}
            for r in rels:
                out.setdefault((r.foreign_key_name, r.referenced_relation), []).append(r)
            return out

        # A relationship to a relation outside the schema (``auth.users``): generator versions
        # differ on listing those, so they are not compared.
        local = self.local_relations

        def inside(rels: Any) -> list[Any]:
            return [r for r in rels if local is None or r.referenced_relation in local]

        fi, di = index(inside(f.relationships)), index(inside(d.relationships))
        fk_refs: dict[str, set[str]] = {}
        for fk, ref in (*fi, *di):
            fk_refs.setdefault(fk, set()).add(ref)

        def rpath(fk: str, ref: str) -> str:
            base = f"{path}.relationships.{fk}"
            return base if len(fk_refs[fk]) == 1 else f"{base}->{ref}"

        for key, frs in fi.items():
            fk, ref = key
            if key not in di:
                same_cols = [k for k, drs in di.items() if k[1] == ref and k not in fi
                             and {r.columns for r in drs} == {r.columns for r in frs}]
                # a hint only for a renamed key: same target and columns under another name
                hint = f"did you mean {same_cols[0][0]}?" if same_cols else None
                self.add("removed", "relationship", rpath(fk, ref), f"{fk} -> {ref}", None, "error",
                         hint, frs[0].line)
                continue
            drs = di[key]
            fr, dr = frs[0], drs[0]
            if {r.columns for r in frs} != {r.columns for r in drs}:
                self.add("changed", "relationship", f"{rpath(fk, ref)}.columns",
                         list(fr.columns), list(dr.columns), "error", line=fr.line)
            if {r.referenced_columns for r in frs} != {r.referenced_columns for r in drs}:
                self.add("changed", "relationship", f"{rpath(fk, ref)}.referencedColumns",
                         list(fr.referenced_columns), list(dr.referenced_columns), "error", line=fr.line)
            if fr.is_one_to_one is not None and dr.is_one_to_one is not None and fr.is_one_to_one != dr.is_one_to_one:
                self.add("changed", "relationship", f"{rpath(fk, ref)}.isOneToOne",
                         fr.is_one_to_one, dr.is_one_to_one, "error", line=fr.line)
        for key in di:
            if key not in fi:
                self.add("added", "relationship", rpath(*key), None, f"{key[0]} -> {key[1]}",
                         "warning", note="missing from the types file")

    def signature(self, path: str, f: TsSignature, d: TsSignature) -> None:
        for arg, fa in f.args.items():
            if arg not in d.args:
                self.add("removed", "function", f"{path}.args.{arg}", _show(fa), None, "error",
                         _hint(arg, list(d.args)), fa.line)
            elif (fa.type, fa.nullable) != (d.args[arg].type, d.args[arg].nullable):
                self.add("changed", "function", f"{path}.args.{arg}.type", _show(fa),
                         _show(d.args[arg]), "error", line=fa.line)
            elif fa.optional != d.args[arg].optional:
                self.add("changed", "function", f"{path}.args.{arg}.optional", fa.optional,
                         d.args[arg].optional, "error" if fa.optional else "warning", line=fa.line)
        for arg, da in d.args.items():
            if arg not in f.args:
                self.add("added", "function", f"{path}.args.{arg}", None, _show(da),
                         "warning" if da.optional else "error")
        if f.returns != d.returns:
            old, new, note = _returns_delta(f.returns, d.returns)
            self.add("changed", "function", f"{path}.returns", old, new, "error", line=f.line,
                     note=note)

    # -- schema-level objects ----------------------------------------------
    def schema(self, f: TsSchema, d: TsSchema) -> None:
        s = f.name
        self.local_relations = {*f.tables, *f.views, *d.tables, *d.views}
        self.relations(s, "table", f.tables, d.tables, d.views, f.views)
        self.relations(s, "view", f.views, d.views, d.tables, f.tables)
        for name, sigs in f.functions.items():
            path = f"functions.{s}.{name}"
            line = f.lines.get(f"functions.{name}")
            if name not in d.functions:
                if name in self.elsewhere:
                    continue  # an extension's function, installed in another schema here
                self.add("removed", "function", path, name, None, "error",
                         _hint(name, list(d.functions)), line)
                continue
            fs = sorted(x.describe() for x in sigs)
            ds = sorted(x.describe() for x in d.functions[name])
            if fs == ds:
                continue
            if len(sigs) == 1 and len(d.functions[name]) == 1:
                self.signature(path, sigs[0], d.functions[name][0])
            else:
                self.add("changed", "function", f"{path}.signature", " | ".join(fs), " | ".join(ds),
                         "error", line=line, note="overloads differ")
        for name in d.functions:
            if name not in f.functions:
                self.add("added", "function", f"functions.{s}.{name}", None, name, "warning",
                         note="missing from the types file")
        for name, labels in f.enums.items():
            path = f"enums.{s}.{name}"
            line = f.lines.get(f"enums.{name}")
            if name not in d.enums:
                self.add("removed", "enum", path, labels, None, "error", _hint(name, list(d.enums)), line)
                continue
            dl = d.enums[name]
            if labels != dl:
                gone = [x for x in labels if x not in dl]
                self.add("changed", "enum", f"{path}.labels", labels, dl,
                         "error" if gone else ("warning" if set(labels) != set(dl) else "info"),
                         line=line, note=(f"labels gone: {', '.join(gone)}" if gone else None))
        for name, labels in d.enums.items():
            if name not in f.enums:
                self.add("added", "enum", f"enums.{s}.{name}", None, labels, "warning",
                         note="missing from the types file")
        for name, attrs in f.composite_types.items():
            path = f"composite_types.{s}.{name}"
            line = f.lines.get(f"composite_types.{name}")
            if name not in d.composite_types:
                self.add("removed", "composite_type", path, name, None, "error",
                         _hint(name, list(d.composite_types)), line)
                continue
            da = d.composite_types[name]
            for attr, ff in attrs.items():
                if attr not in da:
                    self.add("removed", "composite_type", f"{path}.{attr}", _show(ff), None, "error",
                             _hint(attr, list(da)), ff.line)
                elif (ff.type, ff.nullable) != (da[attr].type, da[attr].nullable):
                    self.add("changed", "composite_type", f"{path}.{attr}.type", _show(ff),
                             _show(da[attr]), "error", line=ff.line)
            for attr, df in da.items():
                if attr not in attrs:
                    self.add("added", "composite_type", f"{path}.{attr}", None, _show(df), "warning")
        for name in d.composite_types:
            if name not in f.composite_types:
                self.add("added", "composite_type", f"composite_types.{s}.{name}", None, name, "warning",
                         note="missing from the types file")


_STRING_LITERALS = re.compile(r'"(?:[^"\\]|\\.)*"(?: \| "(?:[^"\\]|\\.)*")*\Z')


def _narrows(file_type: str, db_type: str) -> bool:
    """A hand-written file may narrow a ``string`` column to the labels a CHECK allows
    (``"a" | "b"``): code typed that way still reads and writes the column correctly."""
    return db_type == "string" and _STRING_LITERALS.match(file_type) is not None


def _object_members(text: str) -> tuple[str, list[str]] | None:
    """``({ a: x; b: y })[]`` -> ("[]", ["a: x", "b: y"]); None when not an object type."""
    suffix = ""
    body = text
    if body.startswith("(") and body.endswith(")[]"):
        body, suffix = body[1:-3], "[]"
    if not (body.startswith("{ ") and body.endswith(" }")):
        return None
    return suffix, body[2:-2].split("; ")


def _returns_delta(old: str, new: str) -> tuple[str, str, str | None]:
    """Only the row members that differ, when both sides return a row type."""
    a, b = _object_members(old), _object_members(new)
    if a is None or b is None or a[0] != b[0]:
        return _short(old), _short(new), None
    gone = [m for m in a[1] if m not in b[1]]
    came = [m for m in b[1] if m not in a[1]]
    return "; ".join(gone) or "-", "; ".join(came) or "-", "returned row members that differ"


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _insert(f: TsField) -> str:
    if f.never:
        return "not insertable"
    return "optional" if f.optional else "required"


_ROW_REF = re.compile(r"Database\.([^.]+)\.(Tables|Views)\.([^.]+)\.Row(\[\])?\Z")


def _resolve_row_refs(db: TsDatabase) -> None:
    """Older generators return ``Database["s"]["Tables"]["t"]["Row"][]`` where newer ones
    spell the row out; expand the reference so both read the same."""
    for schema in db.schemas.values():
        for sigs in schema.functions.values():
            for sig in sigs:
                m = _ROW_REF.match(sig.returns)
                if not m:
                    continue
                target = db.schemas.get(m.group(1))
                rels = (target.tables if m.group(2) == "Tables" else target.views) if target else {}
                rel = rels.get(m.group(3))
                if rel is None:
                    continue
                body = "{ " + "; ".join(sorted(
                    f"{k}{'?' if f.optional else ''}: {f.type}{' | null' if f.nullable else ''}"
                    for k, f in rel.row.items())) + " }" if rel.row else "{}"
                if m.group(4):
                    body = f"({body})[]" if " | " in body or " & " in body else body + "[]"
                sig.returns = body


_ROW_ARG = re.compile(r"Database\.([^.]+)\.(?:Tables|Views)\.([^.]+)\.Row\Z")


def _computed_fields(db: TsDatabase) -> dict[str, set[str]]:
    """``schema.relation`` -> the functions of its schema whose one argument is its row."""
    out: dict[str, set[str]] = {}
    for schema in db.schemas.values():
        for name, sigs in schema.functions.items():
            for sig in sigs:
                if len(sig.args) != 1:
                    continue
                m = _ROW_ARG.match(next(iter(sig.args.values())).type)
                if m and m.group(1) == schema.name:
                    out.setdefault(f"{m.group(1)}.{m.group(2)}", set()).add(name)
    return out


def compare_types(file_db: TsDatabase, db: TsDatabase, *, left_label: str | None = None,
                  right_label: str = "database",
                  extension_functions: Mapping[str, str] | None = None) -> DiffReport:
    """Diff two parsed types files by meaning (left: the committed file).

    ``extension_functions``: function name -> extension, for extensions installed in a schema
    not compared (see :func:`extension_functions`): the file listing them in ``public`` (the
    extension was created there in production) is not drift."""
    from ..diff import DiffReport

    _resolve_row_refs(file_db)
    _resolve_row_refs(db)

    label = left_label or file_db.path
    cmp = _Comparer(label, _computed_fields(file_db) | _computed_fields(db))
    cmp.elsewhere = extension_functions or {}
    for name, schema in file_db.schemas.items():
        if name not in db.schemas:
            cmp.add("removed", "schema", name, name, None, "error", _hint(name, list(db.schemas)),
                    schema.line, note="schema not in the database (or not readable)")
            continue
        cmp.schema(schema, db.schemas[name])
    for name in db.schemas:
        if name not in file_db.schemas:
            cmp.add("added", "schema", name, None, name, "warning", note="missing from the types file")
    return DiffReport(cmp.changes, left_label=label, right_label=right_label,
                      title="types file vs database")


PLATFORM_SCHEMAS = frozenset(SUPABASE_INTERNAL_SCHEMAS)
"""Schemas the Supabase platform owns (``storage``, ``graphql_public``, ``auth``, ...):
``supabase gen types`` writes some of them into the file; they are compared only when asked
for by name, and never reported as removed from a database that lacks them (a local stand-in)."""


def require_something_to_check(text: str, path: str) -> None:
    """Raise ``InputError("nothing to check: ...")`` for a placeholder types file: comparing
    it would answer "same" about a file that claims nothing."""
    from .._errors import InputError

    reason = placeholder_reason(text, path)
    if reason:
        raise InputError(f"nothing to check: {reason}", where=path,
                         hint="generate the file (pgprobe types gen or supabase gen types) "
                              "and check that")


def schemas_to_compare(text: str, path: str, snapshot: Snapshot,
                       schemas: Sequence[str] | None = None) -> tuple[list[str], list[str]]:
    """(the schemas compared, the file's platform schemas left out and why-able).

    Without ``schemas``: the file's own schemas, less the platform's. With ``schemas``: exactly
    those (filtering the file too), less a platform schema the database does not have.
    Raises ``InputError`` ("nothing to check") for a placeholder file.
    """
    from .._errors import InputError

    require_something_to_check(text, path)
    declared = declared_schemas(text, path)
    in_database = {s.name for s in snapshot.schemas}
    if schemas:
        wanted = list(dict.fromkeys(schemas))
        left_out = [s for s in wanted if s in PLATFORM_SCHEMAS and s not in in_database]
    else:
        wanted = [s for s in declared if s not in PLATFORM_SCHEMAS]
        left_out = [s for s in declared if s in PLATFORM_SCHEMAS]
        if not wanted:
            raise InputError("nothing to check: the file declares only the Supabase platform's "
                             f"schemas ({', '.join(declared)})", where=path,
                             hint="name one with --schema to compare it")
    return [s for s in wanted if s not in left_out], left_out


_EXTENSION_FUNCTIONS = """
select p.proname, e.extname, n.nspname
from pg_depend d
join pg_extension e on e.oid = d.refobjid and d.refclassid = 'pg_extension'::regclass
join pg_proc p on p.oid = d.objid and d.classid = 'pg_proc'::regclass
join pg_namespace n on n.oid = p.pronamespace
where d.deptype = 'e'
"""


def extension_functions(probe: Any, compared: Sequence[str]) -> dict[str, str]:
    """Function name -> ``"pg_trgm (schema extensions)"`` for every function of an extension
    installed in a schema outside ``compared``: a project that created the extension in
    ``public`` in production has those functions in its file, a database that got it in
    ``extensions`` (a Supabase stand-in, a rehearsal) has them elsewhere. ``probe``: an open
    :func:`pgprobe.connect` session."""
    rows = probe.conn.execute(_EXTENSION_FUNCTIONS).fetchall()
    return {name: f"{ext} (schema {schema})" for name, ext, schema in rows
            if schema not in compared}


def check(ts_file: str | Path, snapshot: Snapshot, schemas: Sequence[str] | None = None, *,
          extension_functions: Mapping[str, str] | None = None) -> DiffReport:
    """Diff a committed ``Database`` types file against the database's snapshot.

    ``ts_file`` is a path (or the file's text). ``schemas`` defaults to the schemas the file
    declares, less the Supabase platform's (``storage``, ``graphql_public``, ...; see
    :func:`schemas_to_compare`); given, it filters both sides. Raises ``InputError`` (with
    ``file:line:col``) for a file that is not valid TypeScript, and ``InputError("nothing to
    check ...")`` for a placeholder (``Database = Record<string, unknown>``, ``any``, no objects).

    >>> import pgprobe                                                  # doctest: +SKIP
    >>> report = pgprobe.types.check("src/database.types.ts", pgprobe.snapshot(dsn))  # doctest: +SKIP
    >>> print(report.to_text())                                         # doctest: +SKIP
    src/database.types.ts -> pgprobe_demo: 1 difference (1 error)
    - public.tickets.columns.name  column removed  was 'string'  [error]  did you mean title?
    """
    from ..diff import DiffReport
    from ._generate import generate

    if isinstance(ts_file, str) and "\n" in ts_file:  # the file's text itself
        text, ts_file = ts_file, "<text>"
    else:
        text = read_text(ts_file)
    compared, left_out = schemas_to_compare(text, str(ts_file), snapshot, schemas)
    if not compared:
        from .._errors import InputError

        raise InputError(f"nothing to check: {', '.join(left_out)} not in this database",
                         where=str(ts_file), hint="name a schema the database has with --schema")
    generated = generate(snapshot, compared)
    right = snapshot.database or "database"
    if text == generated:
        # byte-identical to what postgres-meta would write now: nothing to compare
        return DiffReport([], left_label=str(ts_file), right_label=right, title="types file vs database")
    file_db = parse_types_text(text, str(ts_file))
    file_db.schemas = {k: v for k, v in file_db.schemas.items() if k in compared}
    expected = parse_types_text(generated, "<database>")
    return compare_types(file_db, expected, left_label=str(ts_file), right_label=right,
                         extension_functions=extension_functions)
