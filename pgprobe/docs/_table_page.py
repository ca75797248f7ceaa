"""One page per table or view: columns, constraints, indexes, triggers, RLS and policies,
grants, what the API roles read, the PostgREST relationships and the focus diagram."""

from __future__ import annotations

from collections import defaultdict

from ..catalog._model import Column, Relation
from ._access import NO_POLICY, read_access
from ._context import Context
from ._inline import cell, code, link, sql_name, text
from ._page import Block, Bullets, Code, Heading, Page, Paragraph, Table
from ._paths import README, table_page
from ._postgrest import relationship_blocks

_KIND = {"table": "table", "partitioned_table": "partitioned table", "view": "view",
         "materialized_view": "materialized view", "foreign_table": "foreign table"}


def rls_label(rel: Relation, exposed: tuple[str, ...]) -> str:
    """The RLS status as the README and the page show it."""
    if rel.kind not in ("table", "partitioned_table"):
        return "n/a (view)" if rel.is_view else "n/a"
    if not rel.rls_enabled:
        return "**off** (exposed to the API)" if rel.schema in exposed else "off"
    forced = ", forced" if rel.rls_forced else ""
    if not rel.policies:
        return f"**{NO_POLICY}**"
    n = len(rel.policies)
    return f"on{forced}, {n} polic{'y' if n == 1 else 'ies'}"


def _type_cell(ctx: Context, col: Column, here: str) -> str:
    qualified = f"{col.type_schema}.{col.base_type}"
    target = ctx.type_page(qualified) if col.type_kind in ("enum", "domain") else None
    return link(code(col.type), target, here) if target else code(col.type)


def _default_cell(col: Column) -> str:
    if col.identity:
        return f"identity ({col.identity.replace('_', ' ')})"
    if col.generated:
        return f"generated: {code(col.generated)}"
    return code(col.default) if col.default is not None else ""


def _columns(ctx: Context, rel: Relation, here: str) -> list[Block]:
    rows = tuple((str(c.position), code(c.name), _type_cell(ctx, c, here),
                  "yes" if c.nullable else "no", _default_cell(c),
                  text(c.comment) if c.comment else "") for c in rel.columns)
    return [Heading(2, "Columns"),
            Table(("#", "column", "type", "nullable", "default", "comment"), rows)]


def _constraints(rel: Relation, ctx: Context, here: str) -> list[Block]:
    cons = sorted((c for c in rel.constraints if c.kind != "not_null"),
                  key=lambda c: (c.kind, c.name))
    if not cons:
        return []
    rows = []
    for c in cons:
        target = ctx.relation_page(c.ref) if c.ref else None
        ref = link(code(c.ref), target, here) if c.ref and target else (code(c.ref) if c.ref else "")
        rows.append((code(c.name), c.kind.replace("_", " "), cell(", ".join(c.columns)), ref,
                     code(c.definition)))
    return [Heading(2, "Constraints"),
            Table(("name", "kind", "columns", "references", "definition"), tuple(rows))]


def _indexes(rel: Relation) -> list[Block]:
    if not rel.indexes:
        return []
    rows = tuple((code(i.name), cell(", ".join(i.columns)),
                  "primary" if i.primary else ("unique" if i.unique else ""),
                  i.method, code(i.predicate) if i.predicate else "",
                  "" if i.valid else "**invalid**")
                 for i in sorted(rel.indexes, key=lambda i: i.name))
    return [Heading(2, "Indexes"),
            Table(("name", "columns", "unique", "method", "where", "valid"), rows)]


def _triggers(rel: Relation, ctx: Context, here: str) -> list[Block]:
    if not rel.triggers:
        return []
    rows = []
    for t in sorted(rel.triggers, key=lambda t: t.name):
        target = ctx.function_page(t.function)
        fn = link(code(t.function), target, here) if target else code(t.function)
        rows.append((code(t.name), t.timing.replace("_", " "), " or ".join(t.events), t.level, fn,
                     "" if t.enabled != "D" else "**disabled**"))
    return [Heading(2, "Triggers"),
            Table(("name", "timing", "events", "for each", "function", "enabled"), tuple(rows))]


def _policies(rel: Relation, ctx: Context) -> list[Block]:
    if rel.kind not in ("table", "partitioned_table"):
        return []
    blocks: list[Block] = [Heading(2, "Row-level security"),
                           Paragraph(f"Status: {rls_label(rel, ctx.exposed)}.")]
    if rel.policies:
        order = {"all": 0, "select": 1, "insert": 2, "update": 3, "delete": 4}
        rows = tuple((p.command.upper(), cell(", ".join(p.roles)), code(p.name),
                      "permissive" if p.permissive else "restrictive",
                      code(p.using) if p.using else "", code(p.with_check) if p.with_check else "")
                     for p in sorted(rel.policies, key=lambda p: (order[p.command], p.name)))
        blocks.append(Table(("command", "roles", "policy", "type", "using", "with check"), rows))
    return blocks


def _grants(rel: Relation) -> list[Block]:
    if not rel.grants:
        return [Heading(2, "Grants"), Paragraph("No privileges granted (only the owner"
                                                 f" {code(rel.owner) if rel.owner else ''})."
                                                 .replace(" )", ")"))]
    table: dict[str, set[str]] = defaultdict(set)
    cols: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for g in rel.grants:
        if g.column is None:
            table[g.grantee].add(g.privilege.upper() + (" (grantable)" if g.grantable else ""))
        else:
            cols[g.grantee][g.privilege.upper()].add(g.column)
    rows = []
    for role in sorted(set(table) | set(cols)):
        column_text = "; ".join(f"{p} ({', '.join(sorted(c))})"
                                for p, c in sorted(cols[role].items())) if role in cols else ""
        rows.append((code(role), cell(", ".join(sorted(table.get(role, ())))), cell(column_text)))
    return [Heading(2, "Grants"), Table(("role", "table privileges", "column privileges"),
                                        tuple(rows))]


def _api_reads(rel: Relation, ctx: Context) -> list[Block]:
    if not ctx.roles:
        return []
    if rel.schema not in ctx.exposed:
        return [Heading(2, "What the API roles read"),
                Paragraph(f"Not served by PostgREST: schema {code(rel.schema)} is not among the "
                          f"exposed schemas ({', '.join(map(code, ctx.exposed))}).")]
    rows = []
    for role in ctx.roles:
        acc = read_access(ctx.snapshot, rel, role)
        rows.append((code(role), acc.grant, cell(", ".join(acc.policies)), code(acc.summary)
                     if acc.summary.startswith("rows where") else cell(acc.summary)))
    return [Heading(2, "What the API roles read"),
            Table(("role", "SELECT grant", "policies", "GET returns"), tuple(rows))]


def _view_definition(rel: Relation) -> list[Block]:
    if not rel.view_definition:
        return []
    blocks: list[Block] = [Heading(2, "Definition"), Code(rel.view_definition.strip(), "sql")]
    if rel.view_sources:
        blocks.append(Bullets(tuple(
            f"{code(s.column)} comes from {code(f'{s.source_schema}.{s.source_table}.{s.source_column}')}"
            for s in rel.view_sources)))
    return blocks


def _summary(rel: Relation, ctx: Context, here: str) -> list[Block]:
    facts = [f"**{_KIND.get(rel.kind, rel.kind)}** in schema {code(rel.schema)}"]
    if rel.owner:
        facts.append(f"owner {code(rel.owner)}")
    if rel.kind in ("table", "partitioned_table"):
        label = rls_label(rel, ctx.exposed)
        facts.append(label if label.startswith("**RLS") else f"RLS: {label}")
    if rel.partition_bound:
        facts.append(f"partition bound {code(rel.partition_bound)}")
    blocks: list[Block] = [
        Heading(1, f"{_KIND.get(rel.kind, rel.kind)} {rel.qualified_name}"),
        Paragraph(f"{link('Schema overview', README, here)} › {code(rel.schema)} › "
                  f"{code(rel.name)}"),
        Paragraph(" · ".join(facts)),
    ]
    keyword = _KIND.get(rel.kind, "table").upper().replace("PARTITIONED ", "")
    hint = code(f"COMMENT ON {keyword} {sql_name(rel.schema, rel.name)} IS '...'")
    blocks.append(Paragraph(text(rel.comment) if rel.comment else
                            f"_No comment yet; add one with_ {hint}"))
    return blocks


def table_page_for(ctx: Context, rel: Relation) -> Page:
    here = table_page(rel.schema, rel.name)
    blocks: list[Block] = [
        *_summary(rel, ctx, here),
        *_columns(ctx, rel, here),
        *_constraints(rel, ctx, here),
        *_indexes(rel),
        *_triggers(rel, ctx, here),
        *_policies(rel, ctx),
        *_grants(rel),
        *_api_reads(rel, ctx),
        *relationship_blocks(ctx, rel, here),
        *_view_definition(rel),
    ]
    if ctx.diagrams:
        blocks += [Heading(2, "Diagram"), ctx.diagram_maker.focus(rel)]
    kind = "view" if rel.is_view else "table"
    return Page(here, f"{_KIND.get(rel.kind, rel.kind)} {rel.qualified_name}", kind,
                rel.qualified_name, tuple(blocks))
