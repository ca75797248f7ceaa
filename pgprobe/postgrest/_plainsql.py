"""A readable LEFT JOIN equivalent of a read plan ("start with basic SQL").

PostgREST's own statement nests lateral subqueries and JSON aggregation; this renders the
same request as the flat SQL a person would write to check the rows by hand: the root
table, a LEFT (or INNER) JOIN per embed on the relationship's columns, the filters inlined
as literals, the order and the limit.
"""

from __future__ import annotations

from ._plan import ReadPlan
from ._sql import (
    fmt_join_cond,
    fmt_logic,
    from_qi,
    limit_offset_f,
    order_f,
    qualified,
    quote_ident,
    to_text,
)


def plain_sql(rp: ReadPlan) -> str:
    cols: list[str] = []
    joins: list[str] = []
    wheres: list[str] = []
    used_aliases: set[str] = set()

    def unique_alias(child: ReadPlan) -> str | None:
        """PostgREST names embed aliases per depth (``users_1``), so siblings share them in
        its lateral subqueries; flat joins need one name each: the embed's own name."""
        if not child.from_alias:
            return None
        if child.from_alias not in used_aliases:
            used_aliases.add(child.from_alias)
            return None
        base = child.name or child.from_alias
        new, n = base, 1
        while new in used_aliases:
            n += 1
            new = f"{base}_{n}"
        used_aliases.add(new)
        return new

    def rename(items: list[str], start: int, old: str, new: str) -> None:
        quoted_old, quoted_new = quote_ident(old), quote_ident(new)
        for i in range(start, len(items)):
            items[i] = (items[i].replace(f"{quoted_old}.", f"{quoted_new}.")
                        .replace(f"AS {quoted_old} ", f"AS {quoted_new} ")
                        .replace(f"({quoted_old})", f"({quoted_new})"))

    def visit(node: ReadPlan, prefix: str) -> None:
        qi = qualified(node)
        alias = to_text(from_qi(qi))
        if node.select:
            for s in node.select:
                name = s.alias or s.field.name
                col = f"{alias}.*" if s.field.name == "*" else f"{alias}.{quote_ident(s.field.name)}"
                cols.append(col if not prefix or s.field.name == "*" else
                            f"{col} AS {quote_ident(prefix + name)}")
        elif not node.children:
            cols.append(f"{alias}.*")
        if node is rp:
            wheres.extend(to_text(fmt_logic(qi, t)) for t in node.where)
        for c in node.children:
            if c.rel is None:
                continue
            marks = (len(cols), len(joins), len(wheres))
            renamed = unique_alias(c)
            kind = "INNER JOIN" if c.join_type == "inner" else "LEFT JOIN"
            cq = qualified(c)
            tgt = to_text(from_qi(c.from_))
            al = f" AS {to_text(from_qi(cq))}" if c.from_alias else ""
            # An embed's own filters restrict the embed, not the parent rows: they belong in
            # its join condition (PostgREST filters the parent only with !inner, which the
            # INNER JOIN then does).
            filters = [to_text(fmt_logic(cq, t)).strip() for t in c.where]
            conds = [to_text(fmt_join_cond(j)) for j in c.join_conds] + filters
            on = " AND ".join(conds) or "TRUE"
            if getattr(c.rel, "kind", "") == "computed":
                fn = to_text(from_qi((c.rel.function.schema, c.rel.function.name)))
                joins.append(f"{kind} LATERAL {fn}({alias}) AS {to_text(from_qi(cq))} "
                             f"ON {' AND '.join(filters) or 'TRUE'}")
            elif c.rel.cardinality == "m2m":
                j = c.rel.junction
                jt = to_text(from_qi((j.table.schema, j.table.name)))
                src = " AND ".join(f"{jt}.{quote_ident(jc)} = {alias}.{quote_ident(oc)}"
                                   for oc, jc in j.source_columns)
                tgt_on = " AND ".join([f"{jt}.{quote_ident(jc)} = {tgt}.{quote_ident(tc)}"
                                       for tc, jc in j.target_columns] + filters)
                joins.append(f"{kind} {jt} ON {src}")
                joins.append(f"{kind} {tgt} ON {tgt_on}")
            else:
                joins.append(f"{kind} {tgt}{al} ON {on}")
            visit(c, f"{prefix}{c.name}.")
            if renamed is not None and c.from_alias:
                for items, start in zip((cols, joins, wheres), marks, strict=True):
                    rename(items, start, c.from_alias, renamed)

    visit(rp, "")
    root = to_text(from_qi(rp.from_))
    text = f"SELECT {', '.join(cols) or '*'}\nFROM {root}"
    if rp.from_alias:
        text += f" AS {quote_ident(rp.from_alias)}"
    for j in joins:
        text += f"\n{j}"
    if wheres:
        text += "\nWHERE " + " AND ".join(w.strip() for w in wheres)
    order = to_text(order_f(qualified(rp), rp.order))
    if order:
        text += f"\n{order.strip()}"
    lim = to_text(limit_offset_f(rp.range))
    if lim:
        text += f"\n{lim}"
    return text
