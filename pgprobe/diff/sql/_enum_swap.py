"""Rebuild an enum whose labels were removed or reordered, keeping the columns' values.

``ALTER TYPE ... ADD VALUE`` covers added labels; anything else needs a new type: the old one
is renamed, the new one created, every column converted through text, the old type dropped.
A row holding a removed label makes the conversion fail, so it is a data-loss change.
"""

from __future__ import annotations

from ._context import Context
from ._emit_types import Enums, enum_columns
from ._model import Hazard
from ._objects import Obj
from ._quote import ident, qualified


def swap_enum(old: Obj, new: Obj, ctx: Context) -> set[str]:
    """Emit the rebuild; return the keys of the columns converted."""
    removed = [v for v in old.item.labels if v not in new.item.labels]
    if removed and not ctx.options.allow_data_loss:
        ctx.refuse(new.name, f"labels {', '.join(removed)} are removed: rows holding them "
                   "cannot be converted")
        return set()
    schema, name = new.name.split(".", 1)
    parked = f"{name}__pgprobe_old"
    ctx.emit(f"ALTER TYPE {qualified(new.name)} RENAME TO {ident(parked)}", new, "rename",
             phase=1, provides=[f"parked:{new.key}"])
    Enums.create(new, ctx)
    tables = set()
    for rel, col in enum_columns(ctx.target, new.name):
        key = f"column:{rel}.{col}"
        if key not in ctx.lobjs or f"rel:{rel}" in ctx.dropped:
            continue
        tables.add(key)
        c = ctx.target.table(rel).column(col)
        stmt = f"ALTER TABLE {qualified(rel)} ALTER COLUMN {ident(col)}"
        before = ctx.lobjs[key].item
        if before.default is not None:
            ctx.emit(f"{stmt} DROP DEFAULT", key[7:], "alter", kind="column", phase=1,
                     lock="ACCESS EXCLUSIVE")
        via = "::text[]" if c.type.endswith("[]") else "::text"
        ctx.emit(f"{stmt} TYPE {c.type} USING {ident(col)}{via}::{c.type}", key[7:], "retype",
                 kind="column", lock="ACCESS EXCLUSIVE", requires=[new.key],
                 provides=[f"retype:{key}"], hazards=[Hazard(
                     "table_rewrite", "the column is converted to the rebuilt enum"),
                     *([Hazard("data_loss", f"fails on rows holding {', '.join(removed)}")]
                       if removed else [])])
        if c.default is not None:
            ctx.emit(f"{stmt} SET DEFAULT {c.default}", key[7:], "alter", kind="column",
                     lock="ACCESS EXCLUSIVE", requires=[f"retype:{key}"])
    ctx.emit(f"DROP TYPE {qualified(schema + '.' + parked)}", new, "drop", phase=3)
    return tables
