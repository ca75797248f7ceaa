"""The notebook view of a Migration: hazards first, then the script."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import esc

if TYPE_CHECKING:
    from ._model import Migration

_COLOUR = {"data_loss": "#fde2e1", "breaks_dependents": "#fde2e1", "postgrest_embed": "#fde2e1",
           "table_rewrite": "#fff4d6", "may_fail": "#fff4d6", "long_validation": "#fff4d6",
           "access_exclusive": "#eef4ff"}


def migration_html(m: Migration, *, open_sql: bool = True) -> str:
    from ..._html import badge, box, details, table

    parts = [f"<div><b>Migration {esc(m.source_label)} &rarr; {esc(m.target_label)}</b>: "
             f"{len(m.statements)} statements, {len(m.hazards)} hazards"
             f"{', ' + str(len(m.refused)) + ' refused' if m.refused else ''}</div>"]
    if m.refused:
        parts.append("<ul>" + "".join(
            f"<li style='background:#fde2e1'><b>refused</b> {esc(r.object)}: {esc(r.reason)} "
            f"({esc(r.hint)})</li>" for r in m.refused) + "</ul>")
    if m.hazards:
        danger = {k for k, c in _COLOUR.items() if c == "#fde2e1"}
        rows = [(badge(h.kind, "error" if h.kind in danger else "warning"), esc(s.object),
                 esc(h.message), esc(s.lock or "")) for s, h in m.hazards]
        parts.append(table(rows, ["hazard", "object", "what", "lock"], max_rows=200,
                           raw_columns=range(4)))
    if m.unsupported:
        parts.append("<ul>" + "".join(f"<li>not generated: {esc(u)}</li>"
                                      for u in m.unsupported) + "</ul>")
    sql = m.sql()
    parts.append(details(f"SQL ({len(sql.splitlines())} lines)", f'<pre class="pgp">{esc(sql)}</pre>',
                         open=open_sql))
    return box("\n".join(parts), "pgprobe-migration")
