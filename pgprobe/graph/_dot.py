r"""DOT text for an ERD: HTML-like table nodes, labelled FK edges, clusters, a legend.

Pure text building: the same input always gives the same bytes (every list is
sorted by qualified name or constraint name before it is written; ids are the
relations' qualified names and the constraints' keys).

>>> print(_quote('a"b'))
"a\"b"
>>> _html("a<b & c")
'a&lt;b &amp; c'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..catalog._model import Column, Relation
from ._links import FkEdge, Junction, Links

ColumnsMode = Literal["keys", "all", "none"]
RlsStatus = Literal["enabled", "no_policy", "off_exposed", "off"]
DiffStatus = Literal["added", "removed", "changed"]

FONT = "Helvetica"
COLORS = {
    "fk": "#4d4d4d",
    "ambiguous": "#d62728",
    "cross_schema": "#7b3fa0",
    "one_to_one": "#1f6fb4",
    "m2m": "#2f8f46",
    "view_rel": "#a0672b",
    "lineage": "#9a9a9a",
    "header_table": "#dbe6f4",
    "header_view": "#e9e0f5",
    "header_foreign": "#f4ecd9",
    "header_stub": "#eeeeee",
    "junction_fill": "#f3f3f3",
    "junction_text": "#8a8a8a",
    "muted": "#7f7f7f",
    "rls_enabled": "#d4edd4",
    "rls_no_policy": "#ffe3a3",
    "rls_off_exposed": "#f7b9b9",
    "added": "#2ca02c",
    "removed": "#d62728",
    "changed": "#ff8c00",
    "cluster": "#9aa7b8",
}

RLS_TEXT: dict[str, str] = {
    "enabled": "RLS on",
    "no_policy": "RLS on, NO POLICY: denies all",
    "off_exposed": "RLS OFF on exposed schema",
}


def _quote(text: str) -> str:
    """A DOT quoted id (only ``"`` is an escape inside DOT quotes)."""
    return '"' + text.replace('"', '\\"') + '"'


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _attrs(items: Mapping[str, str | None]) -> str:
    parts = []
    for key, value in items.items():
        if value is None:
            continue
        if value.startswith("<") and value.endswith(">"):
            parts.append(f"{key}={value}")
        else:
            parts.append(f"{key}={_quote(value)}")
    return "[" + " ".join(parts) + "]"


def rls_status(rel: Relation, exposed_schemas: Iterable[str]) -> RlsStatus | None:
    """``enabled`` / ``no_policy`` / ``off_exposed`` / ``off`` for tables; None for views."""
    if rel.kind not in ("table", "partitioned_table"):
        return None
    if rel.rls_enabled:
        return "enabled" if rel.policies else "no_policy"
    return "off_exposed" if rel.schema in set(exposed_schemas) else "off"


_PORT_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def column_port(name: str, side: Literal["in", "out"]) -> str:
    """The port of a column row: ``in_<name>`` (its first cell, where FKs arrive) or
    ``out_<name>`` (its last cell, where FKs leave); unusual characters as ``_XX_`` hex.

    >>> column_port("ticket_id", "out"), column_port("a b", "in")
    ('out_ticket_id', 'in_a_20_b')
    """
    return f"{side}_" + _PORT_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", name)


@dataclass
class DiffMarks:
    """What a diff view colours: relations, columns and FK keys, each added/removed/changed."""

    relations: dict[str, DiffStatus] = field(default_factory=dict)
    columns: dict[tuple[str, str], DiffStatus] = field(default_factory=dict)
    fks: dict[str, DiffStatus] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)
    """Per relation: short lines saying what changed (shown in the node's tooltip)."""


@dataclass
class NodeSpec:
    rel: Relation
    stub: bool = False
    """Drawn only as a name: a relation outside the selection that an edge points at."""


@dataclass
class Drawing:
    """Everything to draw, already selected; :meth:`lines` writes it as DOT body lines."""

    nodes: list[NodeSpec]
    fks: list[FkEdge]
    view_fks: list[FkEdge]
    junctions: list[Junction]
    lineage: list[tuple[str, str]]
    links: Links
    columns: ColumnsMode = "keys"
    exposed_schemas: tuple[str, ...] = ("public",)
    legend: bool = True
    highlight: set[str] = field(default_factory=set)
    """Edge keys drawn heavier (the edges of a path view)."""
    diff: DiffMarks | None = None
    partitions: dict[str, int] = field(default_factory=dict)
    """Per partitioned table: how many partitions (drawn as a count, not as nodes)."""
    compact: bool = False
    """Large diagrams: no schema clusters, no layout-free edges (Graphviz copes better)."""
    _specs: dict[str, NodeSpec] = field(default_factory=dict, init=False, repr=False)
    _edge_columns: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)

    # -- nodes -------------------------------------------------------------
    def _shown_columns(self, rel: Relation) -> tuple[list[Column], int]:
        if self.columns == "none":
            return [], len(rel.columns)
        if self.columns == "all":
            return list(rel.columns), 0
        keys = _key_columns(rel) | self._edge_columns.get(rel.qualified_name, set())
        if self.diff is not None:
            keys |= {c for (r, c) in self.diff.columns if r == rel.qualified_name}
        shown = [c for c in rel.columns if c.name in keys]
        return shown, len(rel.columns) - len(shown)

    def _node(self, spec: NodeSpec, junctions: frozenset[str]) -> str:
        rel = spec.rel
        name = rel.qualified_name
        junction = name in junctions and not spec.stub
        status = self.diff.relations.get(name) if self.diff else None
        header = _header_color(rel, spec.stub)
        text = COLORS["junction_text"] if junction else "black"
        border = COLORS[status] if status else ("#b0b0b0" if junction or spec.stub else "#5b6b80")
        kind = rel.kind.replace("_", " ")
        sub = [rel.schema, kind]
        if junction:
            sub.append("junction")
        if self.partitions.get(name):
            n = self.partitions[name]
            sub.append(f"{n} partition{'s' if n != 1 else ''}")
        if spec.stub:
            sub.append("not selected")
        if status:
            sub.append(status.upper())
        rows = [
            f'<TR><TD COLSPAN="3" BGCOLOR="{header}" ALIGN="CENTER"><FONT COLOR="{text}">'
            f"<B>{_html(rel.name)}</B></FONT><BR/>"
            f'<FONT POINT-SIZE="8" COLOR="{COLORS["muted"]}">{_html(" · ".join(sub))}</FONT></TD></TR>'
        ]
        rls = None if spec.stub else rls_status(rel, self.exposed_schemas)
        if rls in RLS_TEXT:
            label = RLS_TEXT[rls]  # type: ignore[index]
            if rls == "enabled":
                label += f" ({len(rel.policies)} {'policy' if len(rel.policies) == 1 else 'policies'})"
            if rel.rls_forced:
                label += ", forced"
            rows.append(
                f'<TR><TD COLSPAN="3" BGCOLOR="{COLORS["rls_" + rls]}">'  # type: ignore[operator]
                f'<FONT POINT-SIZE="8">{_html(label)}</FONT></TD></TR>'
            )
        if not spec.stub:
            shown, hidden = self._shown_columns(rel)
            fk_cols = {c for fk in rel.foreign_keys for c in fk.columns}
            pk_cols = set(rel.primary_key.columns) if rel.primary_key else set()
            uq_cols = {
                c for k in rel.constraints if k.kind == "unique" and len(k.columns) == 1
                for c in k.columns
            }
            for col in shown:
                rows.append(self._column_row(rel, col, pk_cols, fk_cols, uq_cols, text))
            removed = self._removed_columns(rel)
            rows.extend(removed)
            if hidden and self.columns != "none":
                rows.append(
                    f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="{COLORS["muted"]}">'
                    f"+ {hidden} more column{'s' if hidden != 1 else ''}</FONT></TD></TR>"
                )
            elif hidden:
                rows.append(
                    f'<TR><TD COLSPAN="3"><FONT POINT-SIZE="8" COLOR="{COLORS["muted"]}">'
                    f"{hidden} column{'s' if hidden != 1 else ''}</FONT></TD></TR>"
                )
        fill = COLORS["junction_fill"] if junction else "white"
        style = ' STYLE="dashed"' if (junction or spec.stub) else ""
        width = "2" if status else "1"
        label = (
            f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" '
            f'BGCOLOR="{fill}" COLOR="{border}"{style}>' + "".join(rows) + "</TABLE>>"
        )
        tooltip = [f"{name} ({kind})"]
        if rls in RLS_TEXT:
            tooltip.append(RLS_TEXT[rls])  # type: ignore[index]
        if rel.comment:
            tooltip.append(rel.comment)
        if self.diff and name in self.diff.details:
            tooltip.extend(self.diff.details[name])
        attrs = {"id": f"rel:{name}", "label": label, "tooltip": "\\n".join(tooltip)}
        if junction:
            attrs["fontcolor"] = COLORS["junction_text"]
        return f"{_quote(name)} {_attrs(attrs)}"

    def _column_row(
        self, rel: Relation, col: Column, pk: set[str], fk: set[str], uq: set[str], text: str
    ) -> str:
        marks = [m for m, on in (("PK", col.name in pk), ("FK", col.name in fk), ("UQ", col.name in uq)) if on]
        status = self.diff.columns.get((rel.qualified_name, col.name)) if self.diff else None
        color = COLORS[status] if status else text
        name = _html(col.name)
        if not col.nullable:
            name = f"<B>{name}</B>"
        typ = _html(col.type) + (" NOT NULL" if not col.nullable else "")
        if status:
            typ += f" ({status})"
        bg = f' BGCOLOR="{_tint(status)}"' if status else ""
        return (
            f'<TR><TD ALIGN="LEFT" PORT="{column_port(col.name, "in")}"{bg}>'
            f'{_small(" ".join(marks), color)}</TD>'
            f'<TD ALIGN="LEFT"{bg}><FONT COLOR="{color}">{name}</FONT></TD>'
            f'<TD ALIGN="LEFT" PORT="{column_port(col.name, "out")}"{bg}>'
            f'<FONT POINT-SIZE="9" COLOR="{COLORS["muted"] if not status else color}">'
            f"{typ}</FONT></TD></TR>"
        )

    def _removed_columns(self, rel: Relation) -> list[str]:
        if self.diff is None:
            return []
        rows = []
        have = set(rel.column_names)
        for (r, c), status in sorted(self.diff.columns.items()):
            if r == rel.qualified_name and status == "removed" and c not in have:
                rows.append(
                    f'<TR><TD ALIGN="LEFT" PORT="{column_port(c, "in")}" BGCOLOR="{_tint("removed")}"></TD>'
                    f'<TD ALIGN="LEFT" BGCOLOR="{_tint("removed")}">'
                    f'<FONT COLOR="{COLORS["removed"]}"><S>{_html(c)}</S></FONT></TD>'
                    f'<TD ALIGN="LEFT" PORT="{column_port(c, "out")}" BGCOLOR="{_tint("removed")}">'
                    f'<FONT POINT-SIZE="9" '
                    f'COLOR="{COLORS["removed"]}">(removed)</FONT></TD></TR>'
                )
        return rows

    # -- edges -------------------------------------------------------------
    def _endpoint(
        self, rel: str, columns: tuple[str, ...], stubs: set[str], side: Literal["in", "out"]
    ) -> str:
        if self.columns == "none" or rel in stubs or len(columns) != 1:
            return _quote(rel)
        spec = self._specs[rel].rel
        shown = {c.name for c in self._shown_columns(spec)[0]}
        if self.diff is not None:
            shown |= {c for (r, c), s in self.diff.columns.items() if r == rel and s == "removed"}
        if columns[0] not in shown:
            return _quote(rel)
        return f"{_quote(rel)}:{_quote(column_port(columns[0], side))}"

    def _fk_edge(self, e: FkEdge, stubs: set[str]) -> str:
        ambiguous = self.links.is_ambiguous(e.source, e.target)
        status = self.diff.fks.get(e.key) if self.diff else None
        view = bool(e.through)
        if status:
            color = COLORS[status]
        elif ambiguous:
            color = COLORS["ambiguous"]
        elif view:
            color = COLORS["view_rel"]
        elif e.cross_schema:
            color = COLORS["cross_schema"]
        elif e.one_to_one:
            color = COLORS["one_to_one"]
        else:
            color = COLORS["fk"]
        # a hint only means something where PostgREST looks: both ends in one exposed schema
        servable = not e.cross_schema and e.source.split(".", 1)[0] in self.exposed_schemas
        lines = [e.constraint]
        if ambiguous and servable:
            lines.append(e.hint)
        if e.one_to_one:
            lines.append("1:1")
        if view:
            lines.append("via view " + ", ".join(e.through))
        if status:
            lines.append(status.upper())
        src_cols = ", ".join(e.columns)
        ref_cols = ", ".join(e.ref_columns)
        tooltip = (
            f"{e.constraint}: {e.source}({src_cols}) -> {e.target}({ref_cols})"
            f" [{'one-to-one' if e.one_to_one else 'many-to-one'}]"
        )
        if ambiguous and servable:
            tooltip += f"\\nambiguous pair: embed with {e.hint} (or {e.reverse_hint} from {e.target})"
        elif ambiguous:
            tooltip += "\\njoined by more than one foreign key"
        attrs: dict[str, str | None] = {
            "id": ("viewrel:" if view else "fk:") + e.key,
            "label": "\\n".join(lines),
            "tooltip": tooltip,
            "color": color,
            "fontcolor": color,
            "dir": "both",
            "arrowhead": "normal",
            "arrowtail": "tee" if e.one_to_one else "crow",
            "penwidth": "2.2" if (ambiguous or status or e.key in self.highlight) else None,
            "style": "dashed" if view else None,
            # weight=0, not constraint=false: Graphviz 2.43 misreads ports on
            # constraint=false edges between clusters ("Arrow type ... unknown").
            "weight": "0" if view else None,
        }
        tail = self._endpoint(e.source, e.columns, stubs, "out")
        head = self._endpoint(e.target, e.ref_columns, stubs, "in")
        return f"{tail} -> {head} {_attrs(attrs)}"

    def _m2m_edge(self, j: Junction) -> str:
        ambiguous = self.links.is_ambiguous(j.left, j.right)
        label = [f"many-to-many via {j.junction.split('.', 1)[1]}"]
        if ambiguous:
            label.append(j.hint)
        attrs = {
            "id": "m2m:" + j.key,
            "label": "\\n".join(label),
            "tooltip": f"{j.left} <-> {j.right} through {j.junction} "
            f"({j.left_fk.constraint}, {j.right_fk.constraint}); embed {j.hint}",
            "color": COLORS["ambiguous"] if ambiguous else COLORS["m2m"],
            "fontcolor": COLORS["ambiguous"] if ambiguous else COLORS["m2m"],
            "style": "dashed,bold",
            "dir": "both",
            "arrowhead": "crow",
            "arrowtail": "crow",
            "constraint": None if self.compact else "false",
            "weight": "0" if self.compact else None,
        }
        return f"{_quote(j.left)} -> {_quote(j.right)} {_attrs(attrs)}"

    def _lineage_edge(self, view: str, base: str) -> str:
        attrs = {
            "id": f"view:{view}->{base}",
            "label": "reads",
            "tooltip": f"view {view} reads from {base}",
            "color": COLORS["lineage"],
            "fontcolor": COLORS["lineage"],
            "style": "dotted",
            "arrowhead": "onormal",
        }
        return f"{_quote(view)} -> {_quote(base)} {_attrs(attrs)}"

    # -- whole document ------------------------------------------------------
    def lines(self) -> list[str]:
        self._specs = {s.rel.qualified_name: s for s in self.nodes}
        self._edge_columns = {}
        for e in (*self.fks, *self.view_fks):
            self._edge_columns.setdefault(e.source, set()).update(e.columns)
            self._edge_columns.setdefault(e.target, set()).update(e.ref_columns)
        stubs = {s.rel.qualified_name for s in self.nodes if s.stub}
        junctions = self.links.junction_names
        out: list[str] = []
        by_schema: dict[str, list[NodeSpec]] = {}
        for spec in sorted(self.nodes, key=lambda s: (s.rel.schema, s.rel.name)):
            by_schema.setdefault(spec.rel.schema, []).append(spec)
        if self.compact:
            out.extend("\t" + self._node(spec, junctions) for specs in by_schema.values() for spec in specs)
            by_schema = {}
        for schema, specs in by_schema.items():
            out.append(f"\tsubgraph {_quote('cluster_' + schema)} {{")
            exposed = " (exposed)" if schema in self.exposed_schemas else ""
            out.append(
                f"\t\tgraph {_attrs({'label': f'schema {schema}{exposed}', 'style': 'rounded,dashed', 'color': COLORS['cluster'], 'fontcolor': COLORS['muted'], 'id': 'schema:' + schema})}"
            )
            for spec in specs:
                out.append("\t\t" + self._node(spec, junctions))
            out.append("\t}")
        for e in sorted(self.fks):
            out.append("\t" + self._fk_edge(e, stubs))
        for e in sorted(self.view_fks):
            out.append("\t" + self._fk_edge(e, stubs))
        for j in sorted(self.junctions):
            out.append("\t" + self._m2m_edge(j))
        for view, base in sorted(self.lineage):
            out.append("\t" + self._lineage_edge(view, base))
        if self.legend:
            out.append("\t" + self._legend())
        return [line + "\n" for line in out]

    def _legend(self) -> str:
        def swatch(color: str, text: str) -> str:
            return (
                f'<TR><TD BGCOLOR="{color}" WIDTH="18"> </TD>'
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{_html(text)}</FONT></TD></TR>'
            )

        rows = [
            '<TR><TD COLSPAN="2"><B>Legend</B></TD></TR>',
            swatch(COLORS["fk"], "foreign key, many-to-one (crow = many side); label = constraint name"),
            swatch(COLORS["one_to_one"], "one-to-one, labelled 1:1 (FK columns are a PK or UNIQUE; tee = one side)"),
            swatch(COLORS["ambiguous"], "pair joined by more than one FK: label shows the PostgREST hint (target!constraint)"),
            swatch(COLORS["cross_schema"], "foreign key across schemas"),
            swatch(COLORS["m2m"], "many-to-many through a junction table (junction drawn muted, dashed)"),
            swatch(COLORS["view_rel"], "relationship PostgREST gives a view through its base table's keys (dashed)"),
            swatch(COLORS["lineage"], "view reads from (dotted)"),
            swatch(COLORS["rls_enabled"], "RLS on, with policies"),
            swatch(COLORS["rls_no_policy"], "RLS on with NO policy: every non-owner query returns nothing"),
            swatch(COLORS["rls_off_exposed"], "RLS OFF on an exposed schema: grants alone decide"),
            '<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="9">PK primary key · FK foreign key · '
            "UQ unique · <B>bold</B> = NOT NULL</FONT></TD></TR>",
        ]
        if self.diff is not None:
            rows += [
                swatch(COLORS["added"], "added"),
                swatch(COLORS["removed"], "removed"),
                swatch(COLORS["changed"], "changed"),
            ]
        label = (
            '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2" COLOR="#b0b0b0">'
            + "".join(rows) + "</TABLE>>"
        )
        return f'"legend" {_attrs({"id": "legend", "label": label, "shape": "plain"})}'


def _small(text: str, color: str) -> str:
    """A small-font run; empty text gives nothing (Graphviz rejects an empty FONT)."""
    return f'<FONT POINT-SIZE="8" COLOR="{color}">{_html(text)}</FONT>' if text else ""


def _tint(status: str | None) -> str:
    return {"added": "#e3f5e3", "removed": "#fbe1e1", "changed": "#fff0d9"}.get(status or "", "white")


def _header_color(rel: Relation, stub: bool) -> str:
    if stub:
        return COLORS["header_stub"]
    if rel.is_view:
        return COLORS["header_view"]
    if rel.kind == "foreign_table":
        return COLORS["header_foreign"]
    return COLORS["header_table"]


def _key_columns(rel: Relation) -> set[str]:
    keys: set[str] = set()
    for c in rel.constraints:
        if c.kind in ("primary", "unique", "foreign"):
            keys.update(c.columns)
    return keys
