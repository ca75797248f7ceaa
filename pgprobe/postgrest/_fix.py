"""A corrected request, checked by translating it again: embeds first, then column names.

:func:`fix_request` repeats until the request translates with every column known, or until
nothing more can be fixed: translate it offline against the snapshot (no database, nothing
runs); a failing embed (PGRST200/201) takes the relationship
:func:`pgprobe.relationships.explain_embed` proposes; an unknown column (PostgreSQL's 42703,
which the snapshot already shows) takes the nearest column name by PostgREST's fuzzy
matching (:class:`pgprobe.relationships._fuzzy.FuzzySet`), else a usual synonym
(``name`` -> ``title``, :func:`pgprobe.catalog._model.suggest`); ``a->b`` where ``b`` is a
relation becomes the embed ``a:b(*)``. What could not be fixed is said in ``remaining``.

>>> from pgprobe.catalog._model import Column, Constraint, Relation, Snapshot
>>> t = Relation("public", "tickets", "table", columns=(Column("id", 1, "bigint", "int8"),
...     Column("title", 2, "text", "text")), constraints=(Constraint("tickets_pkey", "primary", ("id",)),))
>>> a = Relation("public", "ticket_activities", "table", columns=(Column("id", 1, "bigint", "int8"),
...     Column("ticket_id", 2, "bigint", "int8")), constraints=(
...     Constraint("ticket_activities_ticket_id_fkey", "foreign", ("ticket_id",),
...                ref_schema="public", ref_table="tickets", ref_columns=("id",)),))
>>> f = fix_request(Snapshot(relations=(t, a)), "GET",
...                 "/ticket_activities?select=id,ticket:tickets!ta_ticket_id_fkey(name)")
>>> f.corrected
'/ticket_activities?select=id,ticket:tickets!ticket_activities_ticket_id_fkey(title)'
>>> f.ok, f.steps
(True, ('ta_ticket_id_fkey -> ticket_activities_ticket_id_fkey (PGRST200)', 'tickets.name -> title (42703)'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from ._types import SelectRelation, SpreadRelation

_MAX_ROUNDS = 8


@dataclass(frozen=True)
class Fix:
    """The outcome of :func:`fix_request`.

    ``corrected`` is the rewritten path (None when nothing was changed), ``steps`` what was
    changed and why, ``remaining`` the problems left, ``ok`` True when the corrected (or the
    original) request translates and every column it names exists. ``evidence`` is the
    :class:`pgprobe.relationships.EmbedExplanation` of the first failing embed, if any.
    """

    original: str
    corrected: str | None
    steps: tuple[str, ...]
    remaining: tuple[str, ...]
    ok: bool
    evidence: Any = None

    @property
    def request(self) -> str:
        """The path to use: the corrected one, else the original."""
        return self.corrected or self.original

    def to_dict(self) -> dict[str, Any]:
        return {"original": self.original, "corrected": self.corrected, "ok": self.ok,
                "steps": list(self.steps), "remaining": list(self.remaining)}

    def to_lines(self) -> list[str]:
        """The fix in words, one plain line each, as every edge shows it: the corrected
        request and whether it checked out, then what was fixed and what was not.

        >>> Fix("/t?select=nme", "/t?select=name", ("t.nme -> name (42703)",), (), True).to_lines()
        ['corrected request (checked offline: it translates and every column exists):', \
'  /t?select=name', '  fixed: t.nme -> name (42703)']
        >>> Fix("/t?select=x", None, (), ("42703: no column x",), False).to_lines()
        ['  not fixed: 42703: no column x']
        """
        lines = []
        if self.corrected:
            state = "it translates and every column exists" if self.ok else "still failing"
            lines += [f"corrected request (checked offline: {state}):", f"  {self.corrected}"]
        elif self.ok:
            lines.append("the request translates and every column exists")
        lines += [f"  fixed: {step}" for step in self.steps]
        lines += [f"  not fixed: {left}" for left in self.remaining]
        return lines


@dataclass
class _State:
    path: str
    steps: list[str]
    remaining: list[str]
    evidence: Any = None


def fix_request(snapshot: Any, method: str, path: str, *, headers: dict[str, str] | None = None,
                config: Any = None) -> Fix:
    """Fix every embed and column error of ``method path`` that can be fixed (offline)."""
    from ._config import Config

    cfg = config if isinstance(config, Config) else (
        Config.from_file(config) if isinstance(config, str) else Config.from_mapping(config))
    raw, _, query = path.partition("?")
    state = _State(f"{raw}?{unquote_plus(query)}" if query else raw, [], [])
    ok = False
    for _ in range(_MAX_ROUNDS):
        res = _translate(snapshot, method, state.path, headers, cfg)
        code = (res.error or {}).get("code")
        if code in ("PGRST200", "PGRST201"):
            if not _fix_embed(snapshot, cfg, res, state):
                break
            continue
        if res.error is not None:
            state.remaining.append(f"{code}: {res.error.get('message')}")
            break
        problems = _unknown_columns(snapshot, cfg, res.plan, state.path)
        if not problems:
            ok = True
            break
        if not _fix_columns(problems, state):
            break
    corrected = state.path if state.steps else None
    return Fix(path, corrected, tuple(state.steps), tuple(dict.fromkeys(state.remaining)), ok,
               state.evidence)


def _translate(snapshot: Any, method: str, path: str, headers: dict[str, str] | None,
               cfg: Any) -> Any:
    from . import explain

    return explain(snapshot, method, path, headers=headers, config=cfg)


# -- embeds ----------------------------------------------------------------------------------

def _embeds(nodes: Any, origin: str, prefix: tuple[str, ...] = ()
            ) -> list[tuple[str, Any, tuple[str, ...]]]:
    out: list[tuple[str, Any, tuple[str, ...]]] = []
    for n in nodes:
        if isinstance(n.item, SelectRelation | SpreadRelation):
            key = getattr(n.item, "alias", None) or n.item.relation
            out.append((origin, n.item, prefix))
            out.extend(_embeds(n.children, n.item.relation, (*prefix, key)))
    return out


def _fix_embed(snapshot: Any, cfg: Any, res: Any, state: _State) -> bool:
    """Replace the first embed that does not resolve by the first verified suggestion."""
    from pgprobe.relationships import explain_embed

    from ._parser import parse_query
    from ._schema import schema_cache

    sc = schema_cache(snapshot, cfg.schemas)
    schema = cfg.schemas[0]
    raw, _, query = state.path.partition("?")
    table = raw.strip("/").split("/")[-1]
    for origin, item, _prefix in _embeds(parse_query(query).select, table):
        if len(sc.relations.candidates(schema, origin, item.relation, item.hint)) == 1:
            continue
        alias = getattr(item, "alias", None)
        ex = explain_embed(sc.relations, origin, item.relation, item.hint, schema=schema,
                           alias=alias)
        if state.evidence is None:
            state.evidence = ex
        old = (f"{alias}:" if alias else "") + item.relation + (f"!{item.hint}" if item.hint else "")
        if not ex.suggestions or old not in query:
            state.remaining.append(f"{res.error['code']}: {res.error['message']}")
            return False
        new = ex.suggestions[0].split("(", 1)[0]
        state.path = f"{raw}?{query.replace(old, new, 1)}"
        others = [s.split("(", 1)[0] for s in ex.suggestions[1:]
                  if res.error["code"] == "PGRST201"]
        what = f"{item.hint} -> {new.split('!', 1)[1]}" if item.hint and "!" in new else \
            f"{old} -> {new}"
        state.steps.append(f"{what} ({res.error['code']}" +
                           (f"; or {', '.join(others)}" if others else "") + ")")
        return True
    state.remaining.append(f"{res.error['code']}: {res.error['message']}")
    return False


# -- columns ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Unknown:
    path: tuple[str, ...]
    table: str
    name: str
    where: str  # "select", "filter", "order"
    columns: tuple[str, ...]
    embed_to: str | None = None
    """For ``name->key`` where ``key`` is a relation: that relation (meant as an embed)."""


def _tables_by_path(plan: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out = {prefix: plan.from_}
    for child in plan.children:
        out.update(_tables_by_path(child, (*prefix, child.name)))
    return out


def _fields(nodes: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for n in nodes:
        if isinstance(n.item, SelectRelation | SpreadRelation):
            key = getattr(n.item, "alias", None) or n.item.relation
            if isinstance(n.item, SpreadRelation):
                key = n.item.relation
            out.extend(_fields(n.children, (*prefix, key)))
        else:
            out.append((prefix, n.item.field))
    return out


def _unknown_columns(snapshot: Any, cfg: Any, plan: Any, path: str) -> list[_Unknown]:
    from ._parser import parse_query
    from ._schema import schema_cache

    if plan is None or not plan.from_[0]:
        return []
    sc = schema_cache(snapshot, cfg.schemas)
    computed = {(a.type_schema, a.base_type, f.name) for f in snapshot.functions
                for a in f.args[:1] if len(f.args) == 1}
    tables = _tables_by_path(plan)
    qp = parse_query(path.partition("?")[2])
    used: list[tuple[tuple[str, ...], Any, str]] = [(p, f, "select") for p, f in _fields(qp.select)]
    used += [(p, f.field, "filter") for p, f in qp.filters]
    used += [(p, t.field, "order") for p, terms in qp.order for t in terms if t.relation is None]
    out: list[_Unknown] = []
    for prefix, (name, json_path), where in used:
        qi = tables.get(prefix)
        t = sc.tables.get(qi) if qi is not None else None
        if qi is None or t is None or name == "*" or name in t.columns \
                or (qi[0], qi[1], name) in computed:
            continue
        keys = [v for _, (k, v) in json_path if k == "key"]
        embed_to = keys[0] if keys and where == "select" and \
            sc.relations.candidates(qi[0], qi[1], keys[0], None) else None
        out.append(_Unknown(prefix, f"{qi[1]}", name, where, tuple(t.columns), embed_to))
    return list(dict.fromkeys(out))


def _fix_columns(problems: list[_Unknown], state: _State) -> bool:
    from pgprobe.catalog._model import suggest
    from pgprobe.relationships._fuzzy import FuzzySet

    changed = False
    for u in problems:
        raw, _, query = state.path.partition("?")
        if u.embed_to is not None:
            new_query = _rewrite_arrow(query, u)
            if new_query != query:
                state.path = f"{raw}?{new_query}"
                state.steps.append(f"{u.name}->{u.embed_to} -> {u.name}:{u.embed_to}(*) "
                                   f"('->' reads a JSON key; {u.embed_to} is a relation)")
                changed = True
                continue
        # PostgREST's fuzzy spelling match, then the usual synonyms (name -> title)
        best = FuzzySet(u.columns).get_one(u.name) or next(iter(suggest(u.name, u.columns)),
                                                           None)
        if best is None or best == u.name:
            state.remaining.append(f"42703: {u.table} has no column '{u.name}' ({u.where}) "
                                   "and no close name")
            continue
        new_query = _rename(query, u, best)
        if new_query == query:
            state.remaining.append(f"42703: {u.table} has no column '{u.name}' ({u.where}); "
                                   f"did you mean '{best}'?")
            continue
        state.path = f"{raw}?{new_query}"
        state.steps.append(f"{u.table}.{u.name} -> {best} (42703)")
        changed = True
    return changed


def _rewrite_arrow(query: str, u: _Unknown) -> str:
    pattern = re.compile(rf"(?<![\w\"]){re.escape(u.name)}->>?{re.escape(u.embed_to or '')}"
                         r"(?![\w(])")
    return _map_param(query, "select", lambda v: pattern.sub(f"{u.name}:{u.embed_to}(*)", v, 1))


def _map_param(query: str, key: str, fn: Any) -> str:
    parts = query.split("&")
    for i, part in enumerate(parts):
        k, eq, v = part.partition("=")
        if eq and k == key:
            parts[i] = f"{k}={fn(v)}"
    return "&".join(parts)


def _rename(query: str, u: _Unknown, new: str) -> str:
    """Rename column ``u.name`` to ``new`` where ``u`` uses it, and nowhere else."""
    dotted = ".".join(u.path)
    if u.where == "select":
        return _map_param(query, "select", lambda v: _rename_in_select(v, u.path, u.name, new))
    if u.where == "filter":
        parts = query.split("&")
        for i, part in enumerate(parts):
            k, eq, v = part.partition("=")
            wanted = f"{dotted}.{u.name}" if dotted else u.name
            base = re.split(r"->", k, maxsplit=1)
            if eq and base[0] == wanted:
                rest = k[len(wanted):]
                parts[i] = f"{(dotted + '.') if dotted else ''}{new}{rest}={v}"
        return "&".join(parts)
    key = f"{dotted}.order" if dotted else "order"
    term = re.compile(rf"(^|,){re.escape(u.name)}(?=[.,]|->|$)")
    return _map_param(query, key, lambda v: term.sub(rf"\g<1>{new}", v))


_TOKEN = re.compile(r"\"[^\"]*\"|[^,()]+|[(),]")


def _rename_in_select(select: str, path: tuple[str, ...], old: str, new: str) -> str:
    """Rename the field ``old`` inside the embed at ``path`` of a ``select=`` value."""
    out: list[str] = []
    stack: list[str] = []
    pending = ""
    for tok in _TOKEN.findall(select):
        if tok == "(":
            stack.append(pending)
            pending = ""
            out.append(tok)
        elif tok == ")":
            if stack:
                stack.pop()
            out.append(tok)
        elif tok == ",":
            out.append(tok)
        else:
            pending = _embed_key(tok)
            if tuple(stack) == path:
                tok = _rename_field(tok, old, new)
            out.append(tok)
    return "".join(out)


def _embed_key(token: str) -> str:
    """The key an embed item adds to a path: its alias, else its relation."""
    text = token.strip().removeprefix("...")
    alias, sep, rest = text.partition(":")
    if sep and not rest.startswith(":"):
        return alias
    return text.split("!", 1)[0]


def _rename_field(token: str, old: str, new: str) -> str:
    """``old``, ``alias:old``, ``old::text``, ``old->a`` or ``old.sum()`` -> with ``new``."""
    m = re.match(r"^(\s*(?:[^:()]+:(?!:))?)(\"?)([^\":>.\-!]+)(\"?)(.*)$", token)
    if m is None or m.group(3) != old or m.group(5).startswith("!"):
        return token
    return f"{m.group(1)}{m.group(2)}{new}{m.group(4)}{m.group(5)}"
