"""Every collection of a Snapshot as a pandas DataFrame, and the snapshot's HTML summary."""

from __future__ import annotations

from dataclasses import asdict, fields
from functools import cached_property
from typing import Any

import pandas as pd

from ._model import Relation, Snapshot


def _rows(snap: Snapshot, attr: str) -> list[dict[str, Any]]:
    out = []
    for rel in snap.relations:
        for item in getattr(rel, attr):
            row = {"schema": rel.schema, "table": rel.name}
            row.update(asdict(item))
            out.append(row)
    return out


def _frame(rows: list[dict[str, Any]], cls: type, prefix: tuple[str, ...] = ("schema", "table")
           ) -> pd.DataFrame:
    cols = list(prefix) + [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return pd.DataFrame(rows, columns=cols)


class Frames:
    """``snap.frames().columns`` etc.: one DataFrame per collection."""

    def __init__(self, snap: Snapshot) -> None:
        self._snap = snap

    @cached_property
    def relations(self) -> pd.DataFrame:
        rows = [{"schema": r.schema, "name": r.name, "kind": r.kind, "columns": len(r.columns),
                 "rls_enabled": r.rls_enabled, "rls_forced": r.rls_forced,
                 "policies": len(r.policies), "comment": r.comment, "owner": r.owner}
                for r in self._snap.relations]
        return pd.DataFrame(rows, columns=["schema", "name", "kind", "columns", "rls_enabled",
                                           "rls_forced", "policies", "comment", "owner"])

    @property
    def tables(self) -> pd.DataFrame:
        return self.relations

    @cached_property
    def columns(self) -> pd.DataFrame:
        from ._model import Column
        return _frame(_rows(self._snap, "columns"), Column)

    @cached_property
    def constraints(self) -> pd.DataFrame:
        from ._model import Constraint
        return _frame(_rows(self._snap, "constraints"), Constraint)

    @cached_property
    def foreign_keys(self) -> pd.DataFrame:
        df = self.constraints
        return df[df["kind"] == "foreign"].reset_index(drop=True)

    @cached_property
    def indexes(self) -> pd.DataFrame:
        from ._model import Index
        return _frame(_rows(self._snap, "indexes"), Index)

    @cached_property
    def triggers(self) -> pd.DataFrame:
        from ._model import Trigger
        return _frame(_rows(self._snap, "triggers"), Trigger)

    @cached_property
    def policies(self) -> pd.DataFrame:
        from ._model import Policy
        return _frame(_rows(self._snap, "policies"), Policy)

    @cached_property
    def grants(self) -> pd.DataFrame:
        from ._model import Grant
        return _frame(_rows(self._snap, "grants"), Grant)

    def _simple(self, items: Any, cls: type) -> pd.DataFrame:
        return _frame([asdict(i) for i in items], cls, prefix=())

    @cached_property
    def enums(self) -> pd.DataFrame:
        from ._model import EnumType
        return self._simple(self._snap.enums, EnumType)

    @cached_property
    def domains(self) -> pd.DataFrame:
        from ._model import Domain
        return self._simple(self._snap.domains, Domain)

    @cached_property
    def functions(self) -> pd.DataFrame:
        rows = [{"schema": f.schema, "name": f.name, "arguments": f.identity_args,
                 "returns": ("setof " if f.returns_set else "") + f.return_type,
                 "language": f.language, "volatility": f.volatility,
                 "security_definer": f.security_definer, "kind": f.kind}
                for f in self._snap.functions]
        return pd.DataFrame(rows, columns=["schema", "name", "arguments", "returns", "language",
                                           "volatility", "security_definer", "kind"])

    @cached_property
    def publications(self) -> pd.DataFrame:
        from ._model import Publication
        return self._simple(self._snap.publications, Publication)

    @cached_property
    def extensions(self) -> pd.DataFrame:
        from ._model import Extension
        return self._simple(self._snap.extensions, Extension)

    @cached_property
    def schemas(self) -> pd.DataFrame:
        from ._model import Schema
        return self._simple(self._snap.schemas, Schema)

    @cached_property
    def roles(self) -> pd.DataFrame:
        from ._model import Role
        return self._simple(self._snap.roles, Role)

    @cached_property
    def migrations(self) -> pd.DataFrame:
        from ._model import Migration
        return self._simple(self._snap.migrations or (), Migration)

    def __repr__(self) -> str:
        names = [n for n in dir(type(self)) if not n.startswith("_")]
        return f"<Frames: {', '.join(names)}>"


def _rls_label(rel: Relation) -> str:
    if rel.is_view:
        return ""
    if not rel.rls_enabled:
        return "off"
    return "on" if rel.policies else "on, no policy"


def snapshot_html(snap: Snapshot, limit: int = 200) -> str:
    """A compact HTML table of relations (first ``limit`` rows) for notebooks."""
    from .._html import box, esc, table

    head = (f"<p><b>Snapshot</b> of <code>{esc(snap.database)}</code> (PostgreSQL "
            f"{esc(snap.server_version)}): {len(snap.relations)} relations, "
            f"{len(snap.functions)} functions, {len(snap.enums)} enums, "
            f"{len(snap.publications)} publications</p>")
    rows = [(rel.schema, rel.name, rel.kind, len(rel.columns), len(rel.foreign_keys),
             _rls_label(rel), len(rel.policies)) for rel in snap.relations]
    more = (f"<p>… {len(snap.relations) - limit} more (use <code>snap.frames().relations</code>)"
            "</p>") if len(snap.relations) > limit else ""
    body = table(rows, ["schema", "name", "kind", "columns", "FKs", "RLS", "policies"],
                 max_rows=limit, total=min(len(rows), limit))
    return box(head + body + more, "pgprobe-snapshot")
