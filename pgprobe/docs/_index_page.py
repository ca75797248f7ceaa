"""The README: schemas, tables by schema with their RLS status, the whole-schema diagrams,
the conventions found (FK naming, tables without RLS, enums) and advisor findings."""

from __future__ import annotations

from ._advice import advisor_findings
from ._context import Context
from ._conventions import fk_naming, without_primary_key, without_rls
from ._inline import cell, code, link, text
from ._page import Block, Bullets, Heading, Page, Paragraph, Table
from ._paths import CHANGELOG, README
from ._table_page import rls_label

_LIST_LIMIT = 30


def _names(ctx: Context, names: list[str]) -> str:
    shown = []
    for n in names[:_LIST_LIMIT]:
        page = ctx.relation_page(n)
        shown.append(link(code(n), page, README) if page else code(n))
    more = f" and {len(names) - _LIST_LIMIT} more" if len(names) > _LIST_LIMIT else ""
    return ", ".join(shown) + more


def _schemas(ctx: Context) -> list[Block]:
    comments = {s.name: s.comment for s in ctx.snapshot.schemas}
    rows = []
    for schema in ctx.schemas:
        rels = [r for r in ctx.relations if r.schema == schema]
        rows.append((code(schema), str(sum(not r.is_view for r in rels)),
                     str(sum(r.is_view for r in rels)),
                     str(sum(f.schema == schema for _, f in ctx.functions)),
                     "yes" if schema in ctx.exposed else "no",
                     text(comments.get(schema) or "")))
    return [Heading(2, "Schemas"),
            Table(("schema", "tables", "views", "functions", "exposed to the API", "comment"),
                  tuple(rows))]


def _schema_section(ctx: Context, schema: str) -> list[Block]:
    rels = [r for r in ctx.relations if r.schema == schema]
    blocks: list[Block] = [Heading(2, f"Schema {schema}")]
    if ctx.diagrams and rels:
        diagram = ctx.diagram_maker.schema(schema)
        blocks.append(diagram)
        blocks += [Paragraph(f"_{text(n)}_") for n in diagram.notes]
    if rels:
        rows = tuple((link(code(r.name), ctx.relation_page(r.qualified_name) or "", README),
                      r.kind.replace("_", " "), rls_label(r, ctx.exposed), str(len(r.columns)),
                      text(r.comment.splitlines()[0]) if r.comment else "") for r in rels)
        blocks.append(Table(("relation", "kind", "row-level security", "columns", "comment"),
                            rows))
    fns = [(p, f) for p, f in ctx.functions if f.schema == schema]
    if fns:
        blocks.append(Paragraph("Functions: " + ", ".join(
            link(code(f"{f.name}({f.identity_args})"), p, README) for p, f in fns)))
    types = [(p, k, t) for p, k, t in ctx.types if getattr(t, "schema", "") == schema]
    if types:
        blocks.append(Paragraph("Types: " + ", ".join(
            link(code(getattr(t, "name", "")), p, README) + f" ({k})" for p, k, t in types)))
    return blocks


def _conventions(ctx: Context) -> list[Block]:
    items = []
    naming = fk_naming(ctx.relations)
    if naming.dominant:
        share = f"{naming.matching} of {naming.total}"
        items.append(f"Foreign keys are named {code(naming.dominant)} ({share}).")
        if naming.exceptions:
            items.append("Foreign keys named otherwise: " + ", ".join(
                code(n) for n in naming.exceptions[:_LIST_LIMIT])
                + (f" and {len(naming.exceptions) - _LIST_LIMIT} more"
                   if len(naming.exceptions) > _LIST_LIMIT else "") + ".")
    elif naming.total:
        items.append(f"Foreign keys follow no common naming pattern ({naming.total} of them).")
    no_rls = [r.qualified_name for r in without_rls(ctx.relations, ctx.exposed)]
    items.append(("Tables without row-level security in the API's schemas (every granted "
                  "row is readable): " + _names(ctx, no_rls) + ".") if no_rls else
                 "Every table in the API's schemas has row-level security on.")
    no_policy = [r.qualified_name for r in ctx.relations if r.rls_enabled and not r.policies
                 and r.kind in ("table", "partitioned_table")]
    if no_policy:
        items.append("RLS on, no policy: the API returns [] from " + _names(ctx, no_policy) + ".")
    no_pk = [r.qualified_name for r in without_primary_key(ctx.relations)]
    if no_pk:
        items.append("Tables without a primary key: " + _names(ctx, no_pk) + ".")
    enums = [(p, t) for p, k, t in ctx.types if k == "enum"]
    if enums:
        items.append("Enums: " + "; ".join(
            link(code(t.qualified_name), p, README) + ": "  # type: ignore[attr-defined]
            + ", ".join(code(v) for v in t.labels)  # type: ignore[attr-defined]
            for p, t in enums[:_LIST_LIMIT]) + ".")
    return [Heading(2, "Conventions found"), Bullets(tuple(items))]


def _advice(ctx: Context) -> list[Block]:
    rows = advisor_findings(ctx.snapshot)
    if rows is None:
        return []
    if not rows:
        return [Heading(2, "Advisor findings"), Paragraph("The advisor found nothing.")]
    return [Heading(2, "Advisor findings"),
            Table(("level", "rule", "object", "finding"),
                  tuple(tuple(cell(v) for v in row) for row in rows))]


def index_page_for(ctx: Context, *, changelog: bool = False,
                   generated_at: str | None = None) -> Page:
    snap = ctx.snapshot
    intro = (f"Database {code(snap.database or '?')}"
             + (f", PostgreSQL {snap.server_version}" if snap.server_version else "")
             + f": {len(ctx.relations)} relations, {len(ctx.functions)} functions, "
             f"{len(ctx.types)} types. The API (PostgREST) serves "
             + ", ".join(code(s) for s in ctx.exposed) + ".")
    blocks: list[Block] = [Heading(1, f"Schema documentation: {snap.database or 'database'}"),
                           Paragraph(intro)]
    if generated_at:
        blocks.append(Paragraph(f"_Generated at {generated_at}._"))
    if changelog:
        blocks.append(Paragraph(f"What changed: {link('CHANGELOG', CHANGELOG, README)}."))
    blocks += _schemas(ctx)
    for schema in ctx.schemas:
        blocks += _schema_section(ctx, schema)
    blocks += _conventions(ctx)
    blocks += _advice(ctx)
    blocks.append(Paragraph("_Generated by `pgprobe docs` from the database catalog; edit the "
                            "database comments (`COMMENT ON ...`), not these files._"))
    return Page(README, "Schema documentation", "index", "", tuple(blocks))
