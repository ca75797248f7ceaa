"""The PostgREST section of a table page: every relationship with the embed that works,
the ambiguous pairs and their hints, computed relationships, as
:class:`pgprobe.relationships.RelationshipIndex` (PostgREST's own rules) finds them."""

from __future__ import annotations

from ..catalog._model import Relation
from ..relationships import AnyRelationship, ComputedRelationship
from ._context import Context
from ._inline import code, link
from ._page import Block, Bullets, Heading, Paragraph, Table


def _via(rel: AnyRelationship) -> str:
    if isinstance(rel, ComputedRelationship):
        return f"function {code(rel.function.qualified + '()')}"
    if rel.junction is not None:
        j = rel.junction
        return (f"junction {code(j.table.qualified)} ({code(j.constraint1)}, "
                f"{code(j.constraint2)})")
    return f"FK {code(rel.constraint)}"


def _columns(rel: AnyRelationship) -> str:
    if rel.junction is not None:
        return ", ".join(c for c, _ in rel.junction.source_columns) + " ↔ " + ", ".join(
            c for c, _ in rel.junction.target_columns)
    if not rel.columns:
        return ""
    arrow = "→" if rel.to_one and not rel.is_parent else "←"
    return (", ".join(c for c, _ in rel.columns) + f" {arrow} "
            + ", ".join(c for _, c in rel.columns))


def _sort_key(rel: AnyRelationship) -> tuple[str, ...]:
    return (rel.foreign_table.qualified, rel.kind, rel.name, rel.cardinality,
            ",".join(c for c, _ in rel.columns))


def relationship_blocks(ctx: Context, table: Relation, here: str) -> list[Block]:
    """The ``PostgREST`` heading and its relationships table (or why there is none)."""
    head: list[Block] = [Heading(2, "PostgREST")]
    if table.schema not in ctx.exposed:
        return []
    index = ctx.index
    rels = sorted(index.of(table.schema, table.name), key=_sort_key)
    if not rels:
        return [*head, Paragraph("No relationships: nothing can be embedded from "
                                 f"{code(table.name)}.")]
    rows = []
    for r in rels:
        embed = index.embed_target(r)
        target_page = ctx.relation_page(r.foreign_table.qualified)
        target = (link(code(r.foreign_table.qualified), target_page, here) if target_page
                  else code(r.foreign_table.qualified))
        plain = index.candidates(table.schema, table.name, r.foreign_table.name)
        note = ""
        if len(plain) > 1 and r in plain:
            note = f"{code(r.foreign_table.name + '(*)')} alone is ambiguous (PGRST201)"
        request = code(f"select=*,{embed}(*)") if embed else "no unambiguous embed"
        hinted = r.embed_hint.partition("!")
        works = index.candidates(table.schema, table.name, hinted[0], hinted[2] or None) == [r]
        rows.append((request, code(r.embed_hint) if works else "", r.cardinality_name, target,
                     _via(r), _columns(r), note))
    blocks: list[Block] = [*head, Paragraph(
        f"Embeds from {code(table.name)} as PostgREST resolves them "
        f"(`GET /{table.name}?select=...`)."),
        Table(("embed that works", "explicit hint", "cardinality", "to", "via", "columns",
               "note"), tuple(rows))]
    ambiguous = {t: index.candidates(table.schema, table.name, t)
                 for t in sorted({r.foreign_table.name for r in rels})}
    ambiguous = {t: rs for t, rs in ambiguous.items() if len(rs) > 1}
    if ambiguous:
        blocks.append(Paragraph("**Ambiguous pairs**: embedding these by name alone fails "
                                "with PGRST201; name the relationship:"))
        blocks.append(Bullets(tuple(
            f"{code(t + '(*)')}: use " + ", ".join(
                code(f"{index.embed_target(r) or r.embed_hint}(*)") for r in rs)
            for t, rs in ambiguous.items())))
    computed = [r for r in rels if isinstance(r, ComputedRelationship)]
    if computed:
        blocks.append(Paragraph("**Computed relationships** (functions taking a row of "
                                f"{code(table.name)}): "
                                + ", ".join(code(f"{r.function.name}(*)") for r in computed)))
    return blocks
