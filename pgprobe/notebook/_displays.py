"""Rich notebook displays (``_repr_html_`` and a plain ``__repr__``) for what pgprobe returns.

Each view wraps a capability's plain result; nothing here queries a database.

>>> from pgprobe.catalog._model import Column, Relation
>>> rel = Relation("public", "tickets", "table", columns=(Column("title", 1, "text", "text"),))
>>> "title" in TableView(rel)._repr_html_()
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import _html as H

__all__ = ["TableView", "SnapshotView", "PostgrestView", "FindingsView", "QueryNote", "RelationshipsView",
           "explain_pgrst", "PGRST_EXPLAINED", "frame_html", "use_html_tables",
           "Folded", "fold"]


# -- tables ----------------------------------------------------------------------------------

def _columns_rows(rel: Any) -> list[tuple[Any, ...]]:
    keys = {c for con in rel.constraints if con.kind == "primary" for c in con.columns}
    fks = {c: con for con in rel.constraints if con.kind == "foreign" for c in con.columns}
    rows = []
    for c in rel.columns:
        marks = " ".join(m for m, on in (("PK", c.name in keys), ("FK", c.name in fks)) if on)
        ref = f"→ {fks[c.name].ref}" if c.name in fks else ""
        rows.append((c.position, c.name, c.type, "" if c.nullable else "not null",
                     c.default or "", f"{marks} {ref}".strip(), c.comment or ""))
    return rows


def _constraint_rows(rel: Any) -> list[tuple[Any, ...]]:
    return [(c.name, c.kind, ", ".join(c.columns), c.ref or "", c.definition)
            for c in rel.constraints if c.kind != "not_null"]


class TableView:
    """One relation: columns, constraints, indexes, triggers, RLS, policies and grants."""

    def __init__(self, relation: Any, *, max_rows: int = H.MAX_ROWS) -> None:
        self.relation = relation
        self.max_rows = max_rows

    @property
    def rls(self) -> str:
        rel = self.relation
        if rel.is_view:
            return "view (RLS of its base tables applies when security_invoker)"
        if not rel.rls_enabled:
            return "RLS disabled"
        if not rel.policies:
            return "RLS enabled, NO policy: the API returns no rows to non-owners"
        return f"RLS enabled{' (forced)' if rel.rls_forced else ''}, {len(rel.policies)} policies"

    def sections(self) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
        rel = self.relation
        return {
            "columns": (["#", "name", "type", "null", "default", "keys", "comment"], _columns_rows(rel)),
            "constraints": (["name", "kind", "columns", "references", "definition"], _constraint_rows(rel)),
            "indexes": (["name", "columns", "unique", "predicate", "definition"],
                        [(i.name, ", ".join(i.columns), i.unique, i.predicate or "", i.definition)
                         for i in rel.indexes]),
            "triggers": (["name", "timing", "events", "function"],
                         [(t.name, t.timing, " ".join(t.events), t.function) for t in rel.triggers]),
            "policies": (["name", "command", "permissive", "roles", "using", "with check"],
                         [(p.name, p.command, p.permissive, ", ".join(p.roles), p.using or "",
                           p.with_check or "") for p in rel.policies]),
            "grants": (["grantee", "privileges"], grants_rows(rel.grants)),
        }

    def _repr_html_(self) -> str:
        rel = self.relation
        kind = "ok" if rel.rls_enabled and rel.policies else ("error" if rel.rls_enabled else "warning")
        head = (f"<div class='pgp-title'>{H.esc(rel.kind)} {H.esc(rel.qualified_name)} "
                f"{H.badge(self.rls, kind)}</div>")
        if rel.comment:
            head += f"<div>{H.esc(rel.comment)}</div>"
        body = []
        for name, (headers, rows) in self.sections().items():
            if name == "columns":
                body.append(H.table(rows, headers, max_rows=self.max_rows))
            elif rows:
                body.append(H.details(f"{name} ({len(rows)})", H.table(rows, headers, max_rows=self.max_rows),
                                      open=name in ("policies", "constraints")))
        return H.box(head + "".join(body), "pgprobe-table")

    def __repr__(self) -> str:
        rel = self.relation
        headers, rows = self.sections()["columns"]
        return f"{rel.kind} {rel.qualified_name} ({self.rls})\n" + H.text_table(rows, headers)


def grants_rows(grants: Iterable[Any]) -> list[tuple[str, str]]:
    """Privileges grouped per grantee: ``[("anon", "SELECT"), ("authenticated", "SELECT, INSERT")]``."""
    per: dict[str, list[str]] = {}
    for g in grants:
        priv = g.privilege + (f"({g.column})" if g.column else "")
        per.setdefault(g.grantee, []).append(priv)
    return [(k, ", ".join(sorted(v))) for k, v in sorted(per.items())]


class SnapshotView:
    """A snapshot's overview: relations per schema with columns, RLS and policy counts."""

    def __init__(self, snapshot: Any, *, max_rows: int = 200) -> None:
        self.snapshot = snapshot
        self.max_rows = max_rows

    def rows(self) -> list[tuple[Any, ...]]:
        return [(r.schema, r.name, r.kind, len(r.columns), len(r.foreign_keys),
                 "on" if r.rls_enabled else "off", len(r.policies), r.comment or "")
                for r in sorted(self.snapshot.relations, key=lambda r: (r.schema, r.name))]

    HEADERS = ["schema", "name", "kind", "columns", "FKs", "RLS", "policies", "comment"]

    def _repr_html_(self) -> str:
        snap = self.snapshot
        head = (f"<div class='pgp-title'>snapshot of {H.esc(snap.database or '?')} "
                f"(PostgreSQL {H.esc(snap.server_version)})</div>"
                f"<div>{len(snap.relations)} relations, {len(snap.enums)} enums, "
                f"{len(snap.functions)} functions, {len(snap.publications)} publications</div>")
        return H.box(head + H.table(self.rows(), self.HEADERS, max_rows=self.max_rows), "pgprobe-snapshot")

    def __repr__(self) -> str:
        return repr(self.snapshot) + "\n" + H.text_table(self.rows(), self.HEADERS)


# -- PostgREST -------------------------------------------------------------------------------

PGRST_EXPLAINED: dict[str, str] = {
    "PGRST100": "PostgREST could not parse the request (select, filter or order syntax); "
                "the position points at the first character it did not understand.",
    "PGRST200": "No foreign key joins these two relations in the exposed schemas (as PostgREST's "
                "schema cache sees them): the embed name, the !hint or the direction is wrong, "
                "or the cache is stale (NOTIFY pgrst, 'reload schema').",
    "PGRST201": "More than one foreign key joins these relations, so the embed is ambiguous: "
                "add !constraint_name (or !column) to choose one, as the hint lists.",
    "PGRST202": "No function with these argument names exists in the exposed schemas.",
    "PGRST203": "Several overloads of the function match; rename or use distinct argument names.",
    "PGRST204": "The column named in the request does not exist on the relation "
                "(check the real column names, e.g. title vs name).",
    "PGRST205": "The table or view is not in the exposed schemas or not in the schema cache.",
    "PGRST116": "A singular response (vnd.pgrst.object) was asked for but the result has 0 or "
                "more than 1 row.",
    "42703": "The database says a column does not exist (PostgREST passes this error through).",
    "42501": "Permission denied: the request's role lacks a GRANT on the relation or column.",
    "42P01": "The database says the relation does not exist.",
}


def explain_pgrst(code: str | None) -> str:
    """A plain-English line for a PostgREST/PostgreSQL error code."""
    if not code:
        return ""
    return PGRST_EXPLAINED.get(code, "")


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


class PostgrestView:
    """A PostgREST request shown next to the SQL PostgREST would run and its result."""

    def __init__(self, result: Any, *, method: str, path: str, headers: Mapping[str, str] | None = None,
                 role: str | None = None, claims: Mapping[str, Any] | None = None,
                 live: bool = True, note: str = "", why: Any = None, fix: Any = None) -> None:
        self.result = result
        self.fix = fix
        """The engine's checked fix of a failing request (``pgprobe.postgrest._fix.Fix``)."""
        self.method = method
        self.path = path
        self.headers = dict(headers or {})
        self.role = role
        self.claims = claims
        self.live = live
        self.note = note
        self.why = why

    # conveniences mirroring the result
    @property
    def status(self) -> Any:
        return _get(self.result, "status")

    @property
    def body(self) -> Any:
        return _get(self.result, "body")

    @property
    def error(self) -> Any:
        return _get(self.result, "error")

    @property
    def sql(self) -> str:
        return _sql_text(_get(self.result, "sql"))

    @property
    def plain_sql(self) -> str:
        return _sql_text(_get(self.result, "plain_sql"))

    @property
    def ok(self) -> bool:
        return not self.error

    def frame(self) -> Any:
        """The JSON body as a DataFrame (nested embeds stay as dict/list cells)."""
        import pandas as pd

        body = self.body
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            return pd.DataFrame()
        return pd.DataFrame(body)

    def request_text(self) -> str:
        lines = [f"{self.method} {self.path}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        who = f"as {self.role or 'anon (default)'}"
        if self.claims:
            who += f" with claims {json.dumps(self.claims, default=str)}"
        return "\n".join(lines) + f"\n\n-- {who}"

    def _error_html(self) -> str:
        err = self.error
        code = _get(err, "code")
        rows = [("code", code), ("message", _get(err, "message")), ("details", _get(err, "details")),
                ("hint", _get(err, "hint"))]
        explained = explain_pgrst(code)
        out = H.note(f"HTTP {self.status} {code}: {_get(err, 'message')}", "error")
        if explained:
            out += H.note(explained, "info")
        out += H.table(((k, v) for k, v in rows if v not in (None, "")), ["", ""])
        if self.why is not None:
            why_html = getattr(self.why, "_repr_html_", None)
            out += H.details("catalog evidence", why_html() if why_html else H.code(str(self.why)),
                             open=True)
        return out + self._fix_html()

    @property
    def empty(self) -> list[Any]:
        """Why the answer is empty (``EmptyReason`` per hidden relation), from the result."""
        return list(_get(self.result, "empty") or [])

    def _fix_lines(self) -> list[str]:
        fix = self.fix
        if fix is None:
            return []
        lines = []
        if fix.corrected:
            state = "checked offline: it translates and every column exists" if fix.ok else \
                "checked offline: still failing"
            lines.append(f"corrected request ({state}): {fix.corrected}")
        lines += [f"fixed: {step}" for step in fix.steps]
        lines += [f"not fixed: {left}" for left in fix.remaining]
        return lines

    def _fix_html(self) -> str:
        fix = self.fix
        if fix is None or not (fix.corrected or fix.remaining):
            return ""
        out = ""
        if fix.corrected:
            out += H.note("corrected request, checked offline" + (
                ": it translates and every column exists" if fix.ok else ": still failing"),
                "ok" if fix.ok else "warning", html_body=H.code(fix.corrected))
        items = [("fixed", step) for step in fix.steps] + \
            [("not fixed", left) for left in fix.remaining]
        return out + H.table(items, ["", ""])

    def _result_html(self) -> str:
        if self.error:
            return self._error_html()
        if self.body is None and not self.live:
            return H.note("not run: no live database (explain only)", "replay")
        # the status line wraps instead of being clipped in a narrow widget
        out = f'<div style="white-space:normal;overflow-wrap:anywhere">HTTP {H.esc(self.status)}'
        content_range = (_get(self.result, "headers") or {}).get("Content-Range")
        if content_range:
            out += f" · Content-Range {H.esc(content_range)}"
        out += "</div>"
        for reason in self.empty:
            out += H.note(reason.summary, "warning")
        df = self.frame()
        if len(df.columns):
            out += H.frame(df, max_rows=20)
        out += H.details("JSON", H.json_block(self.body, limit=8000))
        return out

    def _repr_html_(self) -> str:
        sql_body = H.code(self.plain_sql or self.sql or "(no SQL: the request did not translate)")
        if self.sql and self.plain_sql and self.sql != self.plain_sql:
            sql_body += H.details("exact statement PostgREST runs", H.code(self.sql))
        params = _get(_get(self.result, "sql"), "params")
        if params:
            sql_body += H.details("parameters", H.json_block(params))
        top = H.note(self.note, "replay") if self.note else ""
        return H.box(top + H.side_by_side(
            H.panel("request", H.code(self.request_text())),
            H.panel("SQL PostgREST would run", sql_body),
            H.panel("result" if self.live else "result (offline)", self._result_html(), wide=True),
        ), "pgprobe-postgrest")

    def __repr__(self) -> str:
        parts = [self.request_text(), "", "-- SQL", self.plain_sql or self.sql]
        if self.error:
            err = self.error
            parts += ["", f"-- error {self.status} {_get(err, 'code')}: {_get(err, 'message')}"]
            for key in ("details", "hint"):
                if _get(err, key):
                    parts.append(f"   {key}: {_get(err, key)}")
            if explain_pgrst(_get(err, "code")):
                parts.append("   " + explain_pgrst(_get(err, "code")))
            if self.why is not None:
                parts.append("-- catalog evidence: " + repr(self.why).replace("\n", "\n   "))
        elif self.body is not None:
            parts += ["", f"-- HTTP {self.status}", H.cut(json.dumps(self.body, default=str, indent=1), 2000)]
        parts += [f"-- why: {reason.summary}" for reason in self.empty]
        parts += [f"-- {line}" for line in self._fix_lines()]
        if self.note:
            parts.append("-- " + self.note)
        return "\n".join(parts)


def _sql_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for attr in ("text", "sql", "as_string"):
        v = getattr(value, attr, None)
        if isinstance(v, str):
            return v
        if callable(v):
            try:
                out = v()
            except TypeError:
                continue
            if isinstance(out, str):
                return out
    return str(value)


class RelationshipsView:
    """The relationships that exist between two relations, with the embed that picks each."""

    HEADERS = ["embed", "cardinality", "relationship"]

    def __init__(self, relationships: Sequence[Any], *, origin: str, target: str) -> None:
        self.relationships = list(relationships)
        self.origin = origin
        self.target = target

    def rows(self) -> list[tuple[str, str, str]]:
        return [(r.embed_hint, r.cardinality_name, r.description) for r in self.relationships]

    def summary(self) -> str:
        n = len(self.relationships)
        if not n:
            return f"no relationship at all between {self.origin} and {self.target} in the exposed schemas"
        return f"{n} relationship{'s' if n > 1 else ''} from {self.origin} to {self.target}" + (
            ": name one with !hint" if n > 1 else "")

    def _repr_html_(self) -> str:
        return H.box(H.note(self.summary(), "info") + H.table(self.rows(), self.HEADERS),
                     "pgprobe-relationships")

    def __repr__(self) -> str:
        return self.summary() + "\n" + H.text_table(self.rows(), self.HEADERS, width=100)


# -- lint findings ---------------------------------------------------------------------------

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class FindingsView:
    """Migration lint findings as a severity-coloured, truncated table."""

    HEADERS = ["severity", "rule", "where", "message", "hint"]

    def __init__(self, findings: Sequence[Any], *, title: str = "lint", max_rows: int = 100) -> None:
        self.findings = list(findings)
        self.title = title
        self.max_rows = max_rows

    def rows(self) -> list[tuple[Any, ...]]:
        out = []
        for f in self.findings:
            where = f"{H.short_path(_get(f, 'file', ''))}:{_get(f, 'line', '')}:{_get(f, 'column', '')}"
            out.append((_get(f, "severity", ""), _get(f, "rule", ""), where,
                        _get(f, "message", ""), _get(f, "hint", "") or ""))
        out.sort(key=lambda r: (_SEVERITY_ORDER.get(str(r[0]), 3), r[2]))
        return out

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            sev = str(_get(f, "severity", ""))
            counts[sev] = counts.get(sev, 0) + 1
        return counts

    def summary(self) -> str:
        c = self.counts()
        if not c:
            return f"{self.title}: no findings"
        return f"{self.title}: {len(self.findings)} findings (" + ", ".join(
            f"{n} {k}" for k, n in sorted(c.items(), key=lambda kv: _SEVERITY_ORDER.get(kv[0], 3))) + ")"

    def _repr_html_(self) -> str:
        """The summary, then one table per severity: errors open, the rest folded."""
        groups: dict[str, list[tuple[Any, ...]]] = {}
        for r in self.rows():
            sev = str(r[0])
            groups.setdefault(sev, []).append(
                (H.badge(sev, sev), *[H.esc(H.cut(str(x), H.MAX_CELL)) for x in r[1:]]))
        kind = "error" if self.counts().get("error") else ("warning" if self.findings else "ok")
        body = "".join(
            H.details(f"{sev} ({len(rows)})", H.table(rows, self.HEADERS, max_rows=self.max_rows,
                                                      raw_columns=range(5)), open=sev == "error")
            for sev, rows in groups.items())
        return H.box(H.note(self.summary(), kind) + body, "pgprobe-lint")

    def __repr__(self) -> str:
        return self.summary() + "\n" + H.text_table(self.rows(), self.HEADERS, max_rows=50, width=80)

    def __len__(self) -> int:
        return len(self.findings)


class QueryNote:
    """A short line shown above a query result (role, claims, row count, truncation)."""

    def __init__(self, text: str, kind: str = "info") -> None:
        self.text = text
        self.kind = kind

    def _repr_html_(self) -> str:
        return H.box(H.note(self.text, self.kind))

    def __repr__(self) -> str:
        return self.text


# -- every DataFrame a notebook shows ------------------------------------------------------

def frame_html(df: Any) -> str:
    """A DataFrame as pgprobe's own table (no NaN, no cut at 50 characters, long text wraps,
    wide tables scroll inside the cell); a subclass with its own ``_repr_html_`` keeps it.

    >>> import pandas as pd
    >>> html = frame_html(pd.DataFrame({"id": [1, None], "note": [None, "x" * 80]}))
    >>> "NaN" in html, 'class="dataframe"' in html, "x" * 80 in html
    (False, False, True)
    """
    import pandas as pd

    own = getattr(type(df), "_repr_html_", None)
    if own is not None and own is not getattr(pd.DataFrame, "_repr_html_", None):
        return str(df._repr_html_())
    return H.box(H.frame(df), "pgprobe-frame")


def use_html_tables(ip: Any = None, enable: bool = True) -> bool:
    """Show every pandas DataFrame in this IPython session with :func:`frame_html` (called by
    ``%load_ext pgprobe`` and ``pgprobe.notebook.connect``); ``enable=False`` gives pandas'
    own table back. Returns False outside IPython."""
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        ip = get_ipython()
    if ip is None or not hasattr(ip, "display_formatter"):
        return False
    import pandas as pd

    formatter = ip.display_formatter.formatters["text/html"]
    if enable:
        formatter.for_type(pd.DataFrame, frame_html)
    else:
        formatter.pop(pd.DataFrame, None)
    return True


class Folded:
    """Any displayable object behind a one-line summary that opens it (``<details>``)."""

    def __init__(self, obj: Any, summary: str | None = None, *, open: bool = False) -> None:
        self.obj = obj
        self.summary = summary or (repr(obj).splitlines() or [type(obj).__name__])[0]
        self.open = open

    def _repr_html_(self) -> str:
        inner = getattr(self.obj, "_repr_html_", None)
        body = str(inner()) if callable(inner) else H.code(str(self.obj))
        return H.box(H.details(self.summary, body, open=self.open), "pgprobe-folded")

    def __repr__(self) -> str:
        return f"{self.summary}\n{self.obj!r}"


def fold(obj: Any, summary: str | None = None, *, open: bool = False) -> Folded:
    """Show ``obj`` folded behind ``summary`` (long SQL, a big report).

    >>> "<details><summary>SQL (1 line)</summary>" in fold("select 1;", "SQL (1 line)")._repr_html_()
    True
    """
    return Folded(obj, summary, open=open)
