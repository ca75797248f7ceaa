"""State what must be true of a schema and collect every failure: the assertion API.

Each call records a :class:`Check` (pass, fail or skip) instead of raising at the first
problem, so one notebook cell shows the whole checklist. Failures convert to the shared
:class:`~pgprobe.diff.DiffReport` (left = the expectations, right = the database).

>>> from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
>>> users = Relation("public", "users", "table", columns=(Column("id", 1, "uuid", "uuid"),))
>>> tickets = Relation("public", "tickets", "table", columns=(
...     Column("id", 1, "uuid", "uuid"), Column("title", 2, "text", "text"),
...     Column("created_by", 3, "uuid", "uuid")), constraints=(
...     Constraint("tickets_created_by_fkey", "foreign", ("created_by",), ref_schema="public",
...                ref_table="users", ref_columns=("id",)),), rls_enabled=True)
>>> snap = Snapshot(relations=(users, tickets))
>>> ex = expect(snap)
>>> _ = ex.table("public.tickets").has_columns("title", "name").fk_to(
...     "public.users", via="created_by").rls()
>>> ex.ok
False
>>> print(ex.to_text())
expectations on database: 4 passed, 1 failed
✓ public.tickets exists
✓ public.tickets has column title
✗ public.tickets has column name: missing; did you mean title?
✓ public.tickets has a foreign key (created_by) -> public.users: tickets_created_by_fkey
✓ public.tickets has row level security enabled
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._errors import PgprobeError
from ..catalog._model import (
    Column,
    Constraint,
    EnumType,
    Function,
    Policy,
    Publication,
    Relation,
    Snapshot,
    split_name,
    suggest,
)
from ._normalize import normalize_expr
from ._report import Change, DiffReport, Severity

Status = Literal["pass", "fail", "skip"]
_MARK = {"pass": "✓", "fail": "✗", "skip": "-"}
_MISSING: Any = object()


class ExpectationError(PgprobeError, AssertionError):
    """Raised by :meth:`Expectations.assert_ok` when a check failed (message: the failures)."""


@dataclass(frozen=True)
class Check:
    """One line of the checklist."""

    subject: str
    """The object checked, as a diff path: ``public.tickets.columns.title``."""
    description: str
    """What must be true, in words: ``public.tickets has column title``."""
    status: Status
    detail: str | None = None
    """Why it failed (or was skipped): ``missing; did you mean title?``."""
    change: Change | None = None
    """The failure as a diff entry (``None`` for passes and skips)."""

    @property
    def ok(self) -> bool:
        return self.status != "fail"

    def to_text(self) -> str:
        line = f"{_MARK[self.status]} {self.description}"
        return f"{line}: {self.detail}" if self.detail else line


def _did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = suggest(name, candidates)
    return f"did you mean {close[0]}?" if close else None


def _names(values: Iterable[str]) -> str:
    return ", ".join(values) or "none"


def _norm_type(t: str) -> str:
    """Loose type spelling: ``varchar(20)`` == ``character varying(20)``, ``int`` == ``integer``."""
    t = " ".join(t.strip().lower().split())
    t = _QUALIFIER.sub("", t)
    for alias, canonical in _TYPE_ALIASES:
        if t == alias or t.startswith(alias + "(") or t.startswith(alias + "["):
            t = canonical + t[len(alias):]
            break
    return t.replace(" [", "[").replace(" (", "(")


_QUALIFIER = re.compile(r'\b(?:public|pg_catalog)\.|"')
_TYPE_ALIASES: tuple[tuple[str, str], ...] = (
    ("int8", "bigint"), ("int4", "integer"), ("int2", "smallint"), ("int", "integer"),
    ("serial8", "bigint"), ("bigserial", "bigint"), ("serial4", "integer"), ("serial", "integer"),
    ("float8", "double precision"), ("float4", "real"), ("bool", "boolean"),
    ("varchar", "character varying"), ("char", "character"), ("bpchar", "character"),
    ("decimal", "numeric"), ("timestamptz", "timestamp with time zone"),
    ("timestamp", "timestamp without time zone"), ("timetz", "time with time zone"),
    ("time", "time without time zone"),
)


def types_match(expected: str, actual: str) -> bool:
    """Whether a hand-written type names the catalog's type.

    >>> types_match("varchar(20)", "character varying(20)"), types_match("int", "bigint")
    (True, False)
    >>> types_match("timestamptz", "timestamp with time zone")
    True
    """
    a, b = _norm_type(expected), _norm_type(actual)
    if a == b:
        return True
    # "timestamp with time zone" already canonical must not be re-expanded
    return _norm_type(a) == _norm_type(b)


class Expectations:
    """Collects checks against one Snapshot. Build with :func:`expect`."""

    def __init__(self, snap: Snapshot, *, label: str = "database", dsn: Any = None) -> None:
        self.snap = snap
        self.label = label
        self.dsn = dsn
        """Live source for request checks (a DSN or Probe); ``None``: snapshot only."""
        self.checks: list[Check] = []

    # -- recording ------------------------------------------------------------------
    def _record(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def passed(self, subject: str, description: str, detail: str | None = None) -> Check:
        return self._record(Check(subject, description, "pass", detail))

    def failed(
        self,
        subject: str,
        description: str,
        detail: str,
        *,
        change: Literal["added", "removed", "changed"] = "changed",
        object_kind: str,
        path: str | None = None,
        old: Any = None,
        new: Any = None,
        severity: Severity = "error",
        hint: str | None = None,
    ) -> Check:
        ch = Change(change, object_kind, path or subject, old, new, severity, hint, description)
        return self._record(Check(path or subject, description, "fail", detail, ch))

    def skipped(self, subject: str, description: str, detail: str) -> Check:
        return self._record(Check(subject, description, "skip", detail))

    # -- entry points -----------------------------------------------------------------
    def table(self, name: str, *, kind: str | None = None) -> TableExpectation:
        """Expect a relation (table, view, ...) to exist; chain column/FK/RLS checks on it."""
        schema, rel = split_name(name)
        qualified = f"{schema}.{rel}"
        found = self.snap._relations_by_name.get(qualified)
        if found is None and self._unread_schema(schema):
            self.skipped(qualified, f"{qualified} exists",
                         f"schema {schema} was not read: snapshot it with "
                         f"schemas=[..., {schema!r}]")
        elif found is None:
            hint = _did_you_mean(qualified, self.snap._relations_by_name)
            self.failed(qualified, f"{qualified} exists", "missing" + (f"; {hint}" if hint else ""),
                        change="removed", object_kind=kind or "table", old=kind, hint=hint)
        elif kind is not None and found.kind != kind:
            self.failed(qualified, f"{qualified} is a {kind}", f"it is a {found.kind}",
                        object_kind=kind, path=f"{qualified}.kind", old=kind, new=found.kind)
        else:
            self.passed(qualified, f"{qualified} exists")
        return TableExpectation(self, qualified, found)

    relation = table

    def _unread_schema(self, schema: str) -> bool:
        """The snapshot lists ``schema`` but did not read its objects (Supabase internals)."""
        return any(s.name == schema and not s.expanded for s in self.snap.schemas)

    def view(self, name: str) -> TableExpectation:
        return self.table(name, kind="view")

    def enum(self, name: str) -> EnumExpectation:
        schema, n = split_name(name)
        qualified = f"{schema}.{n}"
        enums = {e.qualified_name: e for e in self.snap.enums}
        found = enums.get(qualified)
        if found is None:
            hint = _did_you_mean(qualified, enums)
            self.failed(qualified, f"enum {qualified} exists",
                        "missing" + (f"; {hint}" if hint else ""), change="removed",
                        object_kind="enum", hint=hint)
        else:
            self.passed(qualified, f"enum {qualified} exists")
        return EnumExpectation(self, qualified, found)

    def function(self, name: str, args: str | None = None) -> FunctionExpectation:
        """Expect a function ``schema.name`` (with identity ``args`` text if overloaded)."""
        schema, n = split_name(name)
        qualified = f"{schema}.{n}"
        found = [f for f in self.snap.functions if f.qualified_name == qualified
                 and (args is None or " ".join(f.identity_args.split()) == " ".join(args.split()))]
        subject = f"{qualified}({args})" if args is not None else qualified
        if not found:
            hint = _did_you_mean(qualified, {f.qualified_name for f in self.snap.functions})
            self.failed(subject, f"function {subject} exists",
                        "missing" + (f"; {hint}" if hint else ""), change="removed",
                        object_kind="function", hint=hint)
        else:
            self.passed(subject, f"function {subject} exists")
        return FunctionExpectation(self, subject, found)

    def publication(self, name: str) -> PublicationExpectation:
        pubs = {p.name: p for p in self.snap.publications}
        found = pubs.get(name)
        subject = f"publications.{name}"
        if found is None:
            hint = _did_you_mean(name, pubs)
            self.failed(subject, f"publication {name} exists",
                        "missing" + (f"; {hint}" if hint else ""), change="removed",
                        object_kind="publication", hint=hint)
        else:
            self.passed(subject, f"publication {name} exists")
        return PublicationExpectation(self, subject, found)

    def no_table(self, name: str) -> Expectations:
        """Expect a relation NOT to exist (a dropped or renamed table)."""
        schema, rel = split_name(name)
        qualified = f"{schema}.{rel}"
        if qualified in self.snap._relations_by_name:
            self.failed(qualified, f"{qualified} does not exist", "it exists", change="added",
                        object_kind="table", new=self.snap._relations_by_name[qualified].kind)
        else:
            self.passed(qualified, f"{qualified} does not exist")
        return self

    def only_tables(self, schema: str, names: Iterable[str]) -> Expectations:
        """Strict: every relation of ``schema`` must be among ``names``."""
        wanted = {f"{split_name(n, schema)[0]}.{split_name(n, schema)[1]}" for n in names}
        extra = [r for r in self.snap.relations if r.schema == schema and r.qualified_name not in wanted]
        for r in extra:
            self.failed(r.qualified_name, f"schema {schema} has no unexpected relations",
                        f"unexpected {r.kind} {r.qualified_name}", change="added",
                        object_kind=r.kind, new=r.kind, severity="warning")
        if not extra:
            self.passed(f"schemas.{schema}", f"schema {schema} has no unexpected relations")
        return self

    def request(
        self,
        request: str,
        *,
        role: str | None = None,
        claims: dict[str, Any] | None = None,
        min_rows: int | None = None,
        status: int | None = None,
        body: Any = None,
        config: dict[str, Any] | None = None,
    ) -> Expectations:
        """A PostgREST request that must keep working (resolves, not ambiguous, rows).

        ``config`` holds PostgREST settings (``db-schemas``, ``db-anon-role``, ...); by
        default every schema of the snapshot is exposed, ``public`` first, anon role ``anon``.
        """
        from ._requests import check_request

        check_request(self, request, role=role, claims=claims, min_rows=min_rows,
                      status=status, body=body, config=config)
        return self

    # -- results --------------------------------------------------------------------------
    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    @property
    def ok(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.ok

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def report(self) -> DiffReport:
        """The failures as a DiffReport (left: expectations, right: the database)."""
        return DiffReport([c.change for c in self.checks if c.change is not None],
                          "expectations", self.label)

    def summary(self) -> str:
        counts = {s: 0 for s in ("pass", "fail", "skip")}
        for c in self.checks:
            counts[c.status] += 1
        text = f"expectations on {self.label}: {counts['pass']} passed, {counts['fail']} failed"
        if counts["skip"]:
            text += f", {counts['skip']} skipped"
        return text

    def to_text(self, failures_only: bool = False) -> str:
        lines = [self.summary()]
        lines += [c.to_text() for c in self.checks if not failures_only or c.status == "fail"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<Expectations {self.summary()}>"

    def to_markdown(self) -> str:
        lines = [f"**{self.summary()}**", ""]
        for c in self.checks:
            box = {"pass": "[x]", "fail": "[ ]", "skip": "[ ]"}[c.status]
            text = c.description + (f": {c.detail}" if c.detail else "")
            if c.status == "skip":
                text = f"~~{text}~~ (skipped)"
            elif c.status == "fail":
                text = f"**{text}**"
            lines.append(f"- {box} {text}")
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        from .._html import box

        colour = {"pass": "#1a7f37", "fail": "#cf222e", "skip": "#6e7781"}
        items = []
        for c in self.checks:
            detail = f" <i>{html.escape(c.detail)}</i>" if c.detail else ""
            items.append(
                f"<li style='color:{colour[c.status]};list-style:none'>{_MARK[c.status]} "
                f"{html.escape(c.description)}{detail}</li>"
            )
        return box(f"<p><b>{html.escape(self.summary())}</b></p><ul>{''.join(items)}</ul>",
                   "pgprobe-expectations")

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            [(c.status, c.subject, c.description, c.detail) for c in self.checks],
            columns=["status", "subject", "description", "detail"],
        )

    def assert_ok(self) -> Expectations:
        """Raise :class:`ExpectationError` listing every failure (for tests / CI)."""
        if not self.ok:
            raise ExpectationError(
                f"{len(self.failures)} expectation(s) failed: "
                + "; ".join(c.to_text()[2:] for c in self.failures)
            )
        return self


class _Child:
    """A chained expectation on one object; renders as the whole checklist."""

    def __init__(self, root: Expectations, subject: str) -> None:
        self.root = root
        self.subject = subject

    @property
    def ok(self) -> bool:
        return self.root.ok

    @property
    def failures(self) -> list[Check]:
        return self.root.failures

    def report(self) -> DiffReport:
        return self.root.report()

    def to_text(self) -> str:
        return self.root.to_text()

    def to_markdown(self) -> str:
        return self.root.to_markdown()

    def _repr_html_(self) -> str:
        return self.root._repr_html_()

    def __repr__(self) -> str:
        return repr(self.root)

    def __str__(self) -> str:
        return self.root.to_text()

    def assert_ok(self) -> Expectations:
        return self.root.assert_ok()

    # chaining back to the root
    def table(self, name: str, *, kind: str | None = None) -> TableExpectation:
        return self.root.table(name, kind=kind)

    def view(self, name: str) -> TableExpectation:
        return self.root.view(name)

    def enum(self, name: str) -> EnumExpectation:
        return self.root.enum(name)

    def function(self, name: str, args: str | None = None) -> FunctionExpectation:
        return self.root.function(name, args)

    def publication(self, name: str) -> PublicationExpectation:
        return self.root.publication(name)

    def _skip(self, description: str) -> None:
        self.root.skipped(self.subject, description, f"{self.subject} is missing")


class TableExpectation(_Child):
    """Checks on one relation; every method returns ``self`` so calls chain."""

    def __init__(self, root: Expectations, subject: str, rel: Relation | None) -> None:
        super().__init__(root, subject)
        self.rel = rel

    # -- columns -------------------------------------------------------------------------
    def has_columns(self, *names: str) -> TableExpectation:
        for name in names:
            self.column(name)
        return self

    def column(
        self,
        name: str,
        type: str | None = None,
        *,
        nullable: bool | None = None,
        default: Any = _MISSING,
        identity: Any = _MISSING,
        generated: Any = _MISSING,
        _mentioned: Sequence[str] = (),
    ) -> TableExpectation:
        """Expect column ``name`` (optionally its type, nullability, default, identity)."""
        r, desc = self.root, f"{self.subject} has column {name}"
        path = f"{self.subject}.columns.{name}"
        if self.rel is None:
            self._skip(desc)
            return self
        col = self.rel._columns_by_name.get(name)
        if col is None:
            hint = _did_you_mean(name, self.rel._columns_by_name)
            if hint is None and type is not None:
                same = [c.name for c in self.rel.columns
                        if types_match(type, c.type) and c.name not in _mentioned]
                if same and len(same) <= 3:
                    hint = f"did you mean {' or '.join(same)}?"
            r.failed(path, desc, "missing" + (f"; {hint}" if hint else ""), change="removed",
                     object_kind="column", old=type, hint=hint)
            return self
        r.passed(path, desc)
        if type is not None:
            self._attr(col, path, f"{self.subject}.{name} is {type}", "type", type, col.type,
                       types_match(type, col.type))
        if nullable is not None:
            word = "nullable" if nullable else "not null"
            self._attr(col, path, f"{self.subject}.{name} is {word}", "nullable", nullable,
                       col.nullable, nullable == col.nullable)
        if default is not _MISSING:
            ok_default = normalize_expr(default, True) == normalize_expr(col.default, True) \
                if default is not None else col.default is None
            self._attr(col, path, f"{self.subject}.{name} default is {default}", "default",
                       default, col.default, ok_default)
        if identity is not _MISSING:
            self._attr(col, path, f"{self.subject}.{name} identity is {identity}", "identity",
                       identity, col.identity, identity == col.identity)
        if generated is not _MISSING:
            ok_gen = normalize_expr(generated, True) == normalize_expr(col.generated, True) \
                if generated is not None else col.generated is None
            self._attr(col, path, f"{self.subject}.{name} is generated as {generated}",
                       "generated", generated, col.generated, ok_gen)
        return self

    def _attr(self, col: Column, path: str, desc: str, attr: str, want: Any, got: Any,
              ok: bool) -> None:
        if ok:
            self.root.passed(f"{path}.{attr}", desc)
        else:
            self.root.failed(f"{path}.{attr}", desc, f"found {got!r}", object_kind="column",
                             old=want, new=got)

    def lacks_columns(self, *names: str) -> TableExpectation:
        """Expect these columns NOT to exist (e.g. the old name after a rename)."""
        for name in names:
            desc = f"{self.subject} has no column {name}"
            if self.rel is None:
                self._skip(desc)
            elif self.rel.has_column(name):
                self.root.failed(f"{self.subject}.columns.{name}", desc, "it exists",
                                 change="added", object_kind="column",
                                 new=self.rel.column(name).type)
            else:
                self.root.passed(f"{self.subject}.columns.{name}", desc)
        return self

    def only_columns(self, *names: str) -> TableExpectation:
        """Strict: no columns other than ``names``."""
        desc = f"{self.subject} has no unexpected columns"
        if self.rel is None:
            self._skip(desc)
            return self
        extra = [c for c in self.rel.columns if c.name not in names]
        for c in extra:
            self.root.failed(f"{self.subject}.columns.{c.name}", desc,
                             f"unexpected column {c.name} {c.type}", change="added",
                             object_kind="column", new=c.type, severity="warning")
        if not extra:
            self.root.passed(f"{self.subject}.columns", desc)
        return self

    # -- keys ------------------------------------------------------------------------------
    def fk_to(
        self,
        target: str,
        via: str | Sequence[str] | None = None,
        *,
        name: str | None = None,
        ref_columns: str | Sequence[str] | None = None,
        on_delete: str | None = None,
        on_update: str | None = None,
    ) -> TableExpectation:
        """Expect a foreign key to ``target`` (through columns ``via``, named ``name``)."""
        ts, tn = split_name(target)
        ref = f"{ts}.{tn}"
        cols = (via,) if isinstance(via, str) else tuple(via) if via is not None else None
        rcols = (ref_columns,) if isinstance(ref_columns, str) else \
            tuple(ref_columns) if ref_columns is not None else None
        desc = f"{self.subject} has a foreign key" + (f" {name}" if name else "") + \
            (f" ({', '.join(cols)})" if cols else "") + f" -> {ref}" + \
            (f"({', '.join(rcols)})" if rcols else "")
        path = f"{self.subject}.constraints.{name}" if name else \
            f"{self.subject}.foreign_keys.{'_'.join(cols or ())}->{ref}"
        if self.rel is None:
            self._skip(desc)
            return self
        fks = self.rel.foreign_keys
        by_name = {c.name: c for c in fks}

        def shape_ok(c: Constraint) -> bool:
            return c.ref == ref and (cols is None or c.columns == cols) and \
                (rcols is None or c.ref_columns == rcols)

        if name is not None and name in by_name:
            c = by_name[name]
            if not shape_ok(c):
                got = f"({', '.join(c.columns)}) -> {c.ref}({', '.join(c.ref_columns)})"
                self.root.failed(path, desc, f"{name} is {got}", object_kind="constraint",
                                 path=path + ".references", old=desc.split(" has a foreign key ")[1],
                                 new=got)
                return self
            match = c
        else:
            candidates = [c for c in fks if shape_ok(c)]
            if not candidates:
                others = [f"{c.name} ({', '.join(c.columns)}) -> {c.ref}" for c in fks]
                hint = None
                if name is not None:
                    hint = _did_you_mean(name, by_name)
                detail = "missing; foreign keys here: " + _names(others)
                self.root.failed(path, desc, detail + (f"; {hint}" if hint else ""),
                                 change="removed", object_kind="constraint", old=ref, hint=hint)
                return self
            if name is not None:
                actual = candidates[0].name
                self.root.failed(path, desc, f"it is named {actual}, not {name}",
                                 object_kind="constraint", path=f"{path}.name", old=name,
                                 new=actual, hint=f"did you mean {actual}?")
                return self
            match = candidates[0]
        problems: list[tuple[str, Any, Any]] = []
        if on_delete is not None and (match.on_delete or "no action") != on_delete.lower():
            problems.append(("on_delete", on_delete.lower(), match.on_delete))
        if on_update is not None and (match.on_update or "no action") != on_update.lower():
            problems.append(("on_update", on_update.lower(), match.on_update))
        if problems:
            for attr, want, got in problems:
                self.root.failed(path, f"{desc} {attr.replace('_', ' ')} {want}", f"found {got}",
                                 object_kind="constraint", path=f"{path}.{attr}", old=want,
                                 new=got)
        else:
            self.root.passed(path, desc, f"{match.name}" if not name else None)
        return self

    def no_fk_to(self, target: str, via: str | Sequence[str] | None = None) -> TableExpectation:
        ts, tn = split_name(target)
        ref = f"{ts}.{tn}"
        cols = (via,) if isinstance(via, str) else tuple(via) if via is not None else None
        desc = f"{self.subject} has no foreign key" + (f" ({', '.join(cols)})" if cols else "") \
            + f" -> {ref}"
        if self.rel is None:
            self._skip(desc)
            return self
        hits = [c for c in self.rel.foreign_keys
                if c.ref == ref and (cols is None or c.columns == cols)]
        if hits:
            self.root.failed(f"{self.subject}.constraints.{hits[0].name}", desc,
                             f"found {', '.join(c.name for c in hits)}", change="added",
                             object_kind="constraint", new=hits[0].name)
        else:
            self.root.passed(f"{self.subject}.foreign_keys", desc)
        return self

    def primary_key(self, *columns: str) -> TableExpectation:
        desc = f"{self.subject} has primary key ({', '.join(columns)})"
        path = f"{self.subject}.primary_key"
        if self.rel is None:
            self._skip(desc)
            return self
        pk = self.rel.primary_key
        if pk is None:
            self.root.failed(path, desc, "no primary key", change="removed",
                             object_kind="constraint", old=columns)
        elif tuple(pk.columns) != tuple(columns):
            self.root.failed(path, desc, f"primary key is ({', '.join(pk.columns)})",
                             object_kind="constraint", path=f"{path}.columns", old=columns,
                             new=pk.columns)
        else:
            self.root.passed(path, desc)
        return self

    def unique(self, *columns: str) -> TableExpectation:
        desc = f"{self.subject} has a unique key ({', '.join(columns)})"
        path = f"{self.subject}.unique.{'_'.join(columns)}"
        if self.rel is None:
            self._skip(desc)
            return self
        keys = {tuple(c.columns) for c in self.rel.constraints if c.kind in ("primary", "unique")}
        keys |= {tuple(i.columns) for i in self.rel.indexes if i.unique and not i.predicate}
        if tuple(columns) in keys:
            self.root.passed(path, desc)
        else:
            self.root.failed(path, desc, "missing", change="removed", object_kind="constraint",
                             old=columns)
        return self

    def index(self, *columns: str, name: str | None = None,
              unique: bool | None = None) -> TableExpectation:
        """Expect an index on ``columns`` (in order) or named ``name``."""
        label = name or f"on ({', '.join(columns)})"
        desc = f"{self.subject} has {'a unique' if unique else 'an'} index {label}"
        path = f"{self.subject}.indexes.{name or '_'.join(columns)}"
        if self.rel is None:
            self._skip(desc)
            return self
        hits = [i for i in self.rel.indexes
                if (name is None or i.name == name)
                and (not columns or tuple(i.columns) == tuple(columns))
                and (unique is None or i.unique == unique)]
        if hits:
            self.root.passed(path, desc)
        else:
            hint = _did_you_mean(name, [i.name for i in self.rel.indexes]) if name else None
            self.root.failed(path, desc, "missing" + (f"; {hint}" if hint else ""),
                             change="removed", object_kind="index", old=label, hint=hint)
        return self

    # -- security -----------------------------------------------------------------------------
    def rls(self, enabled: bool = True, *, forced: bool | None = None) -> TableExpectation:
        """Expect row level security enabled (or disabled with ``enabled=False``)."""
        word = "enabled" if enabled else "disabled"
        desc = f"{self.subject} has row level security {word}"
        if self.rel is None:
            self._skip(desc)
            return self
        if self.rel.rls_enabled != enabled:
            self.root.failed(f"{self.subject}.rls.enabled", desc,
                             f"row level security is {'enabled' if self.rel.rls_enabled else 'disabled'}",
                             object_kind="rls", old=enabled, new=self.rel.rls_enabled)
        else:
            self.root.passed(f"{self.subject}.rls.enabled", desc)
        if forced is not None:
            fdesc = f"{self.subject} has row level security {'forced' if forced else 'not forced'}"
            if self.rel.rls_forced != forced:
                self.root.failed(f"{self.subject}.rls.forced", fdesc, f"forced is {self.rel.rls_forced}",
                                 object_kind="rls", old=forced, new=self.rel.rls_forced)
            else:
                self.root.passed(f"{self.subject}.rls.forced", fdesc)
        return self

    rls_enabled = rls

    def policy(
        self,
        name: str | None = None,
        *,
        command: str | None = None,
        roles: str | Sequence[str] | None = None,
        using: str | None = None,
        with_check: str | None = None,
        permissive: bool | None = None,
    ) -> TableExpectation:
        """Expect a policy: by ``name`` (then its attributes must match) or, unnamed, any
        policy applying to ``command`` for each of ``roles``. Expressions compare normalised."""
        role_list = (roles,) if isinstance(roles, str) else tuple(roles) if roles else None
        if name is None:
            for role in role_list or ("public",):
                self._policy_for(role, command or "all", using, with_check)
            return self
        desc = f"{self.subject} has policy {name}"
        path = f"{self.subject}.policies.{name}"
        if self.rel is None:
            self._skip(desc)
            return self
        pols = {p.name: p for p in self.rel.policies}
        pol = pols.get(name)
        if pol is None:
            hint = _did_you_mean(name, pols)
            self.root.failed(path, desc, "missing" + (f"; {hint}" if hint else ""),
                             change="removed", object_kind="policy", old=command,
                             hint=hint)
            return self
        wants: list[tuple[str, Any, Any, bool]] = []
        if command is not None:
            wants.append(("command", command.lower(), pol.command, command.lower() == pol.command))
        if role_list is not None:
            wants.append(("roles", tuple(sorted(role_list)), tuple(sorted(pol.roles)),
                          set(role_list) == set(pol.roles)))
        if using is not None:
            wants.append(("using", using, pol.using,
                          normalize_expr(using, True) == normalize_expr(pol.using, True)))
        if with_check is not None:
            wants.append(("with_check", with_check, pol.with_check,
                          normalize_expr(with_check, True) == normalize_expr(pol.with_check, True)))
        if permissive is not None:
            wants.append(("permissive", permissive, pol.permissive, permissive == pol.permissive))
        bad = [w for w in wants if not w[3]]
        if not bad:
            self.root.passed(path, desc + _policy_words(command, role_list))
        for attr, want, got, _ in bad:
            self.root.failed(path, f"{desc} {attr} {_show(want)}", f"found {_show(got)}",
                             object_kind="policy", path=f"{path}.{attr}", old=want, new=got)
        return self

    def _policy_for(self, role: str, command: str, using: str | None,
                    with_check: str | None) -> None:
        command = command.lower()
        desc = f"{self.subject} has a policy for {role} on {command}"
        path = f"{self.subject}.policies[{role}:{command}]"
        if self.rel is None:
            self._skip(desc)
            return

        def applies(p: Policy) -> bool:
            return (p.command in ("all", command) or command == "all") and \
                (role in p.roles or "public" in p.roles) and \
                (using is None or normalize_expr(using, True) == normalize_expr(p.using, True)) and \
                (with_check is None or normalize_expr(with_check, True) == normalize_expr(p.with_check, True))

        hits = [p for p in self.rel.policies if p.permissive and applies(p)]
        if hits:
            self.root.passed(path, desc, ", ".join(p.name for p in hits))
        else:
            have = [f"{p.name} ({p.command} to {', '.join(p.roles)})" for p in self.rel.policies]
            self.root.failed(path, desc, "none; policies here: " + _names(have),
                             change="removed", object_kind="policy", old=f"{command} to {role}")

    def has_policy_for(self, role: str, command: str = "select") -> TableExpectation:
        self._policy_for(role, command, None, None)
        return self

    def only_policies(self, *names: str) -> TableExpectation:
        desc = f"{self.subject} has no unexpected policies"
        if self.rel is None:
            self._skip(desc)
            return self
        extra = [p for p in self.rel.policies if p.name not in names]
        for p in extra:
            self.root.failed(f"{self.subject}.policies.{p.name}", desc,
                             f"unexpected policy {p.name}", change="added", object_kind="policy",
                             new=f"{p.command} to {', '.join(p.roles)}", severity="warning")
        if not extra:
            self.root.passed(f"{self.subject}.policies", desc)
        return self

    def grants(self, role: str, *privileges: str, column: str | None = None) -> TableExpectation:
        """Expect ``role`` to hold each privilege (``select``, ``insert``, ...) on the table."""
        for priv in privileges:
            p = priv.upper()
            on = f" on column {column}" if column else ""
            desc = f"{self.subject} grants {p}{on} to {role}"
            path = f"{self.subject}.grants.{role}.{p}" + (f".{column}" if column else "")
            if self.rel is None:
                self._skip(desc)
                continue
            held = any(g.grantee == role and g.privilege.upper() == p and
                       (g.column is None or g.column == column) for g in self.rel.grants)
            if held:
                self.root.passed(path, desc)
            else:
                mine = sorted({g.privilege.upper() for g in self.rel.grants
                               if g.grantee == role and g.column is None})
                hint = _did_you_mean(role, {g.grantee for g in self.rel.grants})
                self.root.failed(path, desc, f"{role} has: {_names(mine)}", change="removed",
                                 object_kind="grant", old=f"{p} to {role}",
                                 hint=hint if hint and role not in hint else None)
        return self

    has_grant = grants

    def lacks_grants(self, role: str, *privileges: str) -> TableExpectation:
        """Expect ``role`` NOT to hold these table privileges."""
        for priv in privileges:
            p = priv.upper()
            desc = f"{self.subject} does not grant {p} to {role}"
            path = f"{self.subject}.grants.{role}.{p}"
            if self.rel is None:
                self._skip(desc)
                continue
            if any(g.grantee == role and g.privilege.upper() == p and g.column is None
                   for g in self.rel.grants):
                self.root.failed(path, desc, "granted", change="added", object_kind="grant",
                                 new=f"{p} to {role}")
            else:
                self.root.passed(path, desc)
        return self

    def only_grants(self, role: str, *privileges: str) -> TableExpectation:
        """Strict: ``role`` holds exactly these table privileges."""
        self.grants(role, *privileges)
        if self.rel is not None:
            wanted = {p.upper() for p in privileges}
            extra = sorted({g.privilege.upper() for g in self.rel.grants
                            if g.grantee == role and g.column is None} - wanted)
            if extra:
                self.lacks_grants(role, *extra)
        return self

    def trigger(self, name: str, *, function: str | None = None, timing: str | None = None,
                events: Sequence[str] | None = None) -> TableExpectation:
        desc = f"{self.subject} has trigger {name}"
        path = f"{self.subject}.triggers.{name}"
        if self.rel is None:
            self._skip(desc)
            return self
        trig = {t.name: t for t in self.rel.triggers}.get(name)
        if trig is None:
            hint = _did_you_mean(name, [t.name for t in self.rel.triggers])
            self.root.failed(path, desc, "missing" + (f"; {hint}" if hint else ""),
                             change="removed", object_kind="trigger", hint=hint)
            return self
        bad: list[tuple[str, Any, Any]] = []
        if function is not None:
            fs, fn = split_name(function)
            if trig.function != f"{fs}.{fn}":
                bad.append(("function", f"{fs}.{fn}", trig.function))
        if timing is not None and timing.lower().replace(" ", "_") != trig.timing:
            bad.append(("timing", timing.lower(), trig.timing))
        if events is not None and {e.lower() for e in events} != {e.lower() for e in trig.events}:
            bad.append(("events", tuple(sorted(e.lower() for e in events)),
                        tuple(sorted(trig.events))))
        if not bad:
            self.root.passed(path, desc)
        for attr, want, got in bad:
            self.root.failed(path, f"{desc} {attr} {_show(want)}", f"found {_show(got)}",
                             object_kind="trigger", path=f"{path}.{attr}", old=want, new=got)
        return self


def _show(v: Any) -> str:
    if isinstance(v, tuple | list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def _policy_words(command: str | None, roles: Sequence[str] | None) -> str:
    words = ""
    if command:
        words += f" for {command.lower()}"
    if roles:
        words += f" to {', '.join(roles)}"
    return words


class EnumExpectation(_Child):
    def __init__(self, root: Expectations, subject: str, enum: EnumType | None) -> None:
        super().__init__(root, subject)
        self.enum_type = enum

    def has_labels(self, *labels: str) -> EnumExpectation:
        """Partial: each label exists."""
        for label in labels:
            desc = f"enum {self.subject} has label {label!r}"
            if self.enum_type is None:
                self._skip(desc)
            elif label in self.enum_type.labels:
                self.root.passed(f"{self.subject}.labels.{label}", desc)
            else:
                hint = _did_you_mean(label, self.enum_type.labels)
                self.root.failed(f"{self.subject}.labels.{label}", desc,
                                 f"missing; labels are {_names(self.enum_type.labels)}"
                                 + (f"; {hint}" if hint else ""),
                                 change="removed", object_kind="enum", old=label, hint=hint)
        return self

    def labels(self, *labels: str) -> EnumExpectation:
        """Strict: exactly these labels, in this order."""
        desc = f"enum {self.subject} has labels {list(labels)}"
        if self.enum_type is None:
            self._skip(desc)
        elif tuple(labels) == self.enum_type.labels:
            self.root.passed(f"{self.subject}.labels", desc)
        else:
            self.root.failed(f"{self.subject}.labels", desc,
                             f"found {list(self.enum_type.labels)}", object_kind="enum",
                             old=tuple(labels), new=self.enum_type.labels)
        return self


class FunctionExpectation(_Child):
    def __init__(self, root: Expectations, subject: str, found: list[Function]) -> None:
        super().__init__(root, subject)
        self.found = found

    def _check(self, attr: str, want: Any, desc: str, get: Any, same: Any = None) -> FunctionExpectation:
        path = f"{self.subject}.{attr}"
        if not self.found:
            self._skip(desc)
            return self
        got = [get(f) for f in self.found]
        ok = any((same(want, g) if same else want == g) for g in got)
        if ok:
            self.root.passed(path, desc)
        else:
            self.root.failed(path, desc, f"found {_show(got if len(got) > 1 else got[0])}",
                             object_kind="function", old=want, new=got[0])
        return self

    def returns(self, type: str) -> FunctionExpectation:
        return self._check("return_type", type, f"function {self.subject} returns {type}",
                           lambda f: ("setof " if f.returns_set else "") + f.return_type,
                           lambda w, g: types_match(w, g) or types_match(w, g.removeprefix("setof ")))

    def security_definer(self, value: bool = True) -> FunctionExpectation:
        word = "security definer" if value else "security invoker"
        return self._check("security_definer", value, f"function {self.subject} is {word}",
                           lambda f: f.security_definer)

    def language(self, lang: str) -> FunctionExpectation:
        return self._check("language", lang.lower(), f"function {self.subject} is in {lang}",
                           lambda f: f.language)

    def volatility(self, value: str) -> FunctionExpectation:
        return self._check("volatility", value.lower(), f"function {self.subject} is {value}",
                           lambda f: f.volatility)

    def args(self, *names: str) -> FunctionExpectation:
        return self._check("args", tuple(names), f"function {self.subject} takes ({', '.join(names)})",
                           lambda f: tuple(a.name for a in f.args if a.mode in ("in", "inout", "variadic")))

    def grants(self, role: str, privilege: str = "EXECUTE") -> FunctionExpectation:
        return self._check(f"grants.{role}.{privilege.upper()}", True,
                           f"function {self.subject} grants {privilege.upper()} to {role}",
                           lambda f: any(g.grantee in (role, "PUBLIC", "public")
                                         and g.privilege.upper() == privilege.upper()
                                         for g in f.grants))


class PublicationExpectation(_Child):
    def __init__(self, root: Expectations, subject: str, pub: Publication | None) -> None:
        super().__init__(root, subject)
        self.pub = pub

    def includes(self, *tables: str) -> PublicationExpectation:
        for t in tables:
            s, n = split_name(t)
            q = f"{s}.{n}"
            desc = f"publication {self.subject.split('.', 1)[1]} includes {q}"
            path = f"{self.subject}.tables.{q}"
            if self.pub is None:
                self._skip(desc)
            elif self.pub.all_tables or q in self.pub.tables:
                self.root.passed(path, desc)
            else:
                hint = _did_you_mean(q, self.pub.tables)
                self.root.failed(path, desc, "not a member" + (f"; {hint}" if hint else ""),
                                 change="removed", object_kind="publication", old=q, hint=hint)
        return self

    def excludes(self, *tables: str) -> PublicationExpectation:
        for t in tables:
            s, n = split_name(t)
            q = f"{s}.{n}"
            desc = f"publication {self.subject.split('.', 1)[1]} does not include {q}"
            path = f"{self.subject}.tables.{q}"
            if self.pub is None:
                self._skip(desc)
            elif self.pub.all_tables or q in self.pub.tables:
                self.root.failed(path, desc, "it is a member", change="added",
                                 object_kind="publication", new=q)
            else:
                self.root.passed(path, desc)
        return self

    def only(self, *tables: str) -> PublicationExpectation:
        """Strict: exactly these member tables."""
        self.includes(*tables)
        if self.pub is not None:
            wanted = {"{}.{}".format(*split_name(t)) for t in tables}
            extra = [t for t in self.pub.tables if t not in wanted]
            if extra:
                self.excludes(*extra)
        return self


def expect(source: Any, *, label: str | None = None, dsn: Any = None) -> Expectations:
    """Start an expectation checklist on a Snapshot (or anything :func:`pgprobe.diff.load`
    accepts: a DSN, a saved snapshot file)."""
    from ._sources import resolve

    if isinstance(source, Snapshot):
        return Expectations(source, label=label or (source.database or "database"), dsn=dsn)
    resolved = resolve(source)
    if resolved.snapshot is None:
        raise PgprobeError("expect() needs a database or snapshot, not an expectations file")
    return Expectations(resolved.snapshot, label=label or resolved.label,
                        dsn=dsn if dsn is not None else resolved.live)
