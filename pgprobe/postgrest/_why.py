"""``why(...)``: why a PostgREST request fails or comes back empty.

For a failing embed (PGRST200/201) it names the relationships that do exist between the
two relations, the nearest names and a corrected request (from
:func:`pgprobe.relationships.explain_embed`). For a request that runs, it can run the same
SQL per role and show the row counts next to the root table's RLS policies and grants, the
usual reason why ``anon`` sees nothing while the owner sees rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from ._result import Result
from ._types import SelectNode, SelectRelation, SpreadRelation


@dataclass
class Why:
    result: Result
    embed: Any = None
    """The EmbedExplanation of the failing embed (pgprobe.relationships), if any."""
    corrected_path: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    """Role -> number of rows the request returns as that role (or the error code)."""
    notes: list[str] = field(default_factory=list)
    """Findings in words: unknown columns (with close names), JSON paths meant as embeds."""
    policies: list[Any] = field(default_factory=list)
    grants: list[Any] = field(default_factory=list)
    rls_enabled: bool | None = None
    fix: Any = None
    """The :class:`pgprobe.postgrest._fix.Fix`: every embed and column error fixed that can
    be, checked by translating the corrected request again, and what remains."""

    def __str__(self) -> str:
        lines = [f"{self.result.status} " + (self.result.error or {}).get("code", "OK")]
        if self.embed is not None:
            lines.append(str(self.embed))
        lines.extend(self.notes)
        if self.corrected_path:
            lines.append(f"corrected request: {self.corrected_path}")
        if self.fix is not None:
            lines += [f"  fixed: {step}" for step in self.fix.steps]
            lines += [f"  still failing: {left}" for left in self.fix.remaining]
        for role, n in self.counts.items():
            lines.append(f"as {role}: {n} rows" if isinstance(n, int) else f"as {role}: {n}")
        if self.rls_enabled is not None:
            lines.append(f"row level security: {'on' if self.rls_enabled else 'off'}")
        for p in self.policies:
            lines.append(f"policy {p.name!r} {p.command} to {', '.join(p.roles) or 'public'}"
                         f" using ({p.using})")
        return "\n".join(lines)


def _embeds(nodes: list[SelectNode] | tuple[SelectNode, ...], origin: str
            ) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for n in nodes:
        if isinstance(n.item, SelectRelation | SpreadRelation):
            out.append((origin, n.item))
            out.extend(_embeds(n.children, n.item.relation))
    return out


def why(snapshot_or_conn: Any, method: str, path: str, *, roles: list[str] | None = None,
        headers: dict[str, str] | None = None, config: Any = None, **kw: Any) -> Why:
    """Explain a failing or empty request; ``roles`` (with a connection) compares row counts.

    >>> from pgprobe.catalog._model import Constraint, Relation, Snapshot
    >>> t = Relation("public", "tickets", "table", constraints=(
    ...     Constraint("tickets_pkey", "primary", ("id",)),))
    >>> a = Relation("public", "ticket_activities", "table", constraints=(
    ...     Constraint("ticket_activities_ticket_id_fkey", "foreign", ("ticket_id",),
    ...                ref_schema="public", ref_table="tickets", ref_columns=("id",)),))
    >>> w = why(Snapshot(relations=(t, a)), "GET",
    ...         "/ticket_activities?select=*,ticket:tickets!ta_ticket_id_fkey(*)")
    >>> w.corrected_path
    '/ticket_activities?select=*,ticket:tickets!ticket_activities_ticket_id_fkey(*)'
    """
    from pgprobe.catalog._model import Snapshot
    from pgprobe.relationships import explain_embed

    from . import explain, request, snapshot_of
    from ._config import Config
    from ._parser import parse_query
    from ._schema import schema_cache

    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, str):
        cfg = Config.from_file(config)
    else:
        cfg = Config.from_mapping(config)
    res = explain(snapshot_or_conn, method, path, headers=headers, config=cfg, **kw)
    out = Why(res)
    snap: Snapshot = snapshot_of(snapshot_or_conn)
    conn = None if isinstance(snapshot_or_conn, Snapshot) else snapshot_or_conn
    sc = schema_cache(snap, cfg.schemas)
    raw_path, _, query = path.partition("?")
    table = unquote_plus(raw_path.strip("/").split("/")[-1]) if raw_path.strip("/") else ""
    schema = cfg.schemas[0]
    code = (res.error or {}).get("code")
    from ._fix import fix_request

    out.fix = fix_request(snap, method, path, headers=headers, config=cfg)
    if code in ("PGRST200", "PGRST201"):
        qp = parse_query(query)
        for origin, item in _embeds(qp.select, table):
            if len(sc.relations.candidates(schema, origin, item.relation, item.hint)) == 1:
                continue
            ex = explain_embed(sc.relations, origin, item.relation, item.hint, schema=schema,
                               alias=getattr(item, "alias", None))
            out.embed = ex
            if ex.suggestions:
                old = (f"{item.alias}:" if getattr(item, "alias", None) else "") + \
                    item.relation + (f"!{item.hint}" if item.hint else "")
                new = ex.suggestions[0].split("(", 1)[0]
                decoded = unquote_plus(query)
                if old in decoded:
                    out.corrected_path = f"{raw_path}?{decoded.replace(old, new, 1)}"
            break
        out.corrected_path = out.fix.corrected or out.corrected_path
        return out
    _column_notes(out, res, sc, snap, schema, raw_path, query)
    out.corrected_path = out.fix.corrected or out.corrected_path
    rel = next((r for r in snap.relations if r.schema == schema and r.name == table), None)
    if rel is not None:
        out.policies = list(rel.policies)
        out.grants = list(rel.grants)
        out.rls_enabled = rel.rls_enabled
    if conn is not None and roles and res.error is None and method.upper() in ("GET", "HEAD"):
        h = dict(headers or {})
        h["Prefer"] = "count=exact"
        for role in roles:
            r = request(conn, "HEAD", path, headers=h, role=role, config=cfg, snapshot=snap)
            if r.error:
                out.counts[role] = r.error["code"]
            else:
                total = r.headers.get("Content-Range", "*/*").split("/")[-1]
                out.counts[role] = int(total) if total.isdigit() else total
    return out


def _column_notes(out: Why, res: Result, sc: Any, snap: Any, schema: str, raw_path: str,
                  query: str) -> None:
    """Unknown columns in ``select`` (PostgreSQL would answer 42703) and ``a->b`` meant as
    an embed (the second postmortem attempt, ``ticket->tickets``)."""
    import difflib

    plan = res.plan
    if plan is None:
        return
    computed = {(a.type_schema, a.base_type, f.name) for f in snap.functions
                for a in f.args[:1] if len(f.args) == 1}

    def visit(node: Any) -> None:
        qi = node.from_ if node.from_[0] else (schema, node.from_alias or "")
        t = sc.tables.get(qi)
        if t is None:
            return
        for s in node.select:
            name = s.field.name
            if name == "*" or name in t.columns or (qi[0], qi[1], name) in computed:
                continue
            close = difflib.get_close_matches(name, list(t.columns), n=3, cutoff=0.6)
            msg = f"{qi[1]} has no column '{name}'"
            if close:
                msg += " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
            jp = s.field.json_path
            keys = [v for _, (k, v) in jp if k == "key"]
            if jp and keys and sc.relations.candidates(schema, qi[1], keys[0], None):
                arrow = "->>" if jp[0][0] == "->>" else "->"
                wrong = f"{name}{arrow}{keys[0]}"
                right = f"{name}:{keys[0]}(*)"
                msg += (f"; '{wrong}' reads key '{keys[0]}' of a JSON column '{name}', it is "
                        f"not an embed: write '{right}' to embed {keys[0]}")
                decoded = unquote_plus(query)
                if wrong in decoded and out.corrected_path is None:
                    out.corrected_path = f"{raw_path}?{decoded.replace(wrong, right, 1)}"
            out.notes.append(msg)
        for c in node.children:
            visit(c)

    visit(plan)
