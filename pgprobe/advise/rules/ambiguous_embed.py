"""Embeds PostgREST will refuse as ambiguous (PGRST201), with the hint that fixes each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...relationships import ComputedRelationship, Relationship, RelationshipIndex
from .._context import Context
from .._finding import Finding
from ._base import Rule


class AmbiguousEmbed(Rule):
    name, level, category = "ambiguous_embed", "WARN", "api"
    title = "Ambiguous embed (PGRST201 waiting to happen)"
    what = ("Two or more relationships join the same pair of exposed relations (two foreign "
            "keys to one table, or a foreign key and a junction), so `select=*,target(*)` "
            "matches several of them.")
    why = ("PostgREST answers 300 Multiple Choices (PGRST201) instead of data; it often "
           "appears the day a second foreign key is added and breaks a working app.")
    fix = "Embed with the hint that names one relationship: `target!<hint>(*)`."
    example = ("create table public.users (id bigint primary key);\n"
               "create table public.tickets (id bigint primary key,\n"
               "  author_id bigint references public.users, "
               "assignee_id bigint references public.users);")

    def check(self, ctx: Context) -> Iterator[Finding]:
        index = RelationshipIndex.from_snapshot(ctx.snapshot, list(ctx.exposed))
        by_pair: dict[tuple[str, str, str], list[Relationship]] = defaultdict(list)
        for rel in index:
            if isinstance(rel, ComputedRelationship):
                continue
            by_pair[(rel.table.schema, rel.table.name, rel.foreign_table.name)].append(rel)
        for (schema, origin, target), rels in sorted(by_pair.items()):
            # one relationship to a table cannot be ambiguous by that table's name
            if len(rels) < 2 or len(index.candidates(schema, origin, target)) < 2:
                continue
            hints = sorted({index.embed_target(r, schema) or r.embed_hint for r in rels})
            yield self.finding(schema, origin,
                               f"Embedding {target} from {schema}.{origin} is ambiguous "
                               f"({len(rels)} relationships); use one of: {', '.join(hints)}.",
                               target=target, hints=hints)

