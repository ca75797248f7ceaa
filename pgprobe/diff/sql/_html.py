"""The notebook view of a Migration: hazards first, then the script."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import esc

if TYPE_CHECKING:
    from ._model import Migration

_COLOUR = {"data_loss": "#fde2e1", "breaks_dependents": "#fde2e1", "postgrest_embed": "#fde2e1",
           "table_rewrite": "#fff4d6", "may_fail": "#fff4d6", "long_validation": "#fff4d6",
           "access_exclusive": "#eef4ff"}


def migration_html(m: Migration) -> str:
    parts = [f"<div><b>Migration {esc(m.source_label)} &rarr; {esc(m.target_label)}</b>: "
             f"{len(m.statements)} statements, {len(m.hazards)} hazards"
             f"{', ' + str(len(m.refused)) + ' refused' if m.refused else ''}</div>"]
    if m.refused:
        parts.append("<ul>" + "".join(
            f"<li style='background:#fde2e1'><b>refused</b> {esc(r.object)}: {esc(r.reason)} "
            f"({esc(r.hint)})</li>" for r in m.refused) + "</ul>")
    if m.hazards:
        rows = "".join(
            f"<tr style='background:{_COLOUR.get(h.kind, '#fff')}'><td>{esc(h.kind)}</td>"
            f"<td>{esc(s.object)}</td><td>{esc(h.message)}</td><td>{esc(s.lock or '')}</td></tr>"
            for s, h in m.hazards)
        parts.append("<table><tr><th>hazard</th><th>object</th><th>what</th><th>lock</th>"
                     f"</tr>{rows}</table>")
    if m.unsupported:
        parts.append("<ul>" + "".join(f"<li>not generated: {esc(u)}</li>"
                                      for u in m.unsupported) + "</ul>")
    parts.append(f"<details open><summary>SQL</summary><pre>{esc(m.sql())}</pre></details>")
    return "\n".join(parts)
