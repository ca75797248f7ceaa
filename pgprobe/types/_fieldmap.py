"""App field maps: ``{ TICKET: { path: 'tickets', fields: { id: 'id', title: 'title' } } }``.

The postmortems' app kept its own map from UI names to table and column names; when a
column was renamed, nothing noticed. :func:`check_field_map` reads such maps from a
TS/JS object literal (with tree-sitter), or from JSON / YAML, and reports every ``path``
that is not a table or view and every field that is not a column, with the close match.

>>> entries = parse_field_map_text("export const M = { T: { path: 'tickets', fields: { t: 'title' } } }", "m.ts")
>>> entries[0].key, entries[0].path, entries[0].fields
('T', 'tickets', {'t': 'title'})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InputError
from ..catalog._model import split_name, suggest

if TYPE_CHECKING:
    from ..catalog._model import Snapshot
    from ..diff import DiffReport


@dataclass
class FieldMapEntry:
    key: str
    """The map's own name for the entity (``TICKET``)."""
    path: str
    """The table or view (``tickets`` or ``schema.tickets``)."""
    fields: dict[str, str]
    """App field name -> column name."""
    where: str = ""
    field_where: dict[str, str] = field(default_factory=dict)


def _ts_entries(source: str, path: str) -> list[FieldMapEntry]:
    from ._tsparse import _named, _string_value, parse_tree

    tree = parse_tree(source.encode("utf-8"), path)

    def key_text(node: Any) -> str:
        if node.type == "string":
            return _string_value(node)
        return node.text.decode("utf-8")

    def pairs(obj: Any) -> dict[str, Any]:
        out = {}
        for p in _named(obj):
            if p.type == "pair":
                k = p.child_by_field_name("key")
                v = p.child_by_field_name("value")
                if k is not None and v is not None:
                    out[key_text(k)] = (k, _unwrap(v))
        return out

    def _unwrap(v: Any) -> Any:
        while v.type in ("as_expression", "satisfies_expression", "parenthesized_expression"):
            v = _named(v)[0]
        return v

    def loc(node: Any) -> str:
        return f"{path}:{node.start_point[0] + 1}:{node.start_point[1] + 1}"

    entries: list[FieldMapEntry] = []
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        stack.extend(reversed(n.named_children))
        if n.type != "object":
            continue
        ps = pairs(n)
        if "path" not in ps or "fields" not in ps:
            continue
        pnode = ps["path"][1]
        fnode = ps["fields"][1]
        if pnode.type not in ("string", "template_string") or fnode.type != "object":
            continue
        owner = n.parent
        name = "<map>"
        if owner is not None and owner.type == "pair":
            name = key_text(owner.child_by_field_name("key"))
        elif owner is not None and owner.type == "variable_declarator":
            name = owner.child_by_field_name("name").text.decode("utf-8")
        entry = FieldMapEntry(name, _string_value(pnode) if pnode.type == "string"
                              else pnode.text.decode("utf-8").strip("`"), {}, loc(pnode))
        for fname, (_key_node, vnode) in pairs(fnode).items():
            if vnode.type == "string":
                entry.fields[fname] = _string_value(vnode)
                entry.field_where[fname] = loc(vnode)
        entries.append(entry)
    return entries


def _data_entries(data: Any, path: str) -> list[FieldMapEntry]:
    entries: list[FieldMapEntry] = []

    def walk(node: Any, name: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("path"), str) and isinstance(node.get("fields"), dict):
                entries.append(FieldMapEntry(
                    name, node["path"],
                    {str(k): v for k, v in node["fields"].items() if isinstance(v, str)}, path))
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{name}[{i}]")

    walk(data, "<map>")
    return entries


def parse_field_map_text(text: str, path: str = "<text>") -> list[FieldMapEntry]:
    """Entries of a field map given as text; the format follows the file suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".json", ".yml", ".yaml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
            kind = "JSON" if suffix == ".json" else "YAML"
            raise InputError(f"not valid {kind}: {getattr(exc, 'problem', exc)}",
                             where=where) from None
        return _data_entries(data, path)
    return _ts_entries(text, path)


def load_field_map(path: str | Path) -> list[FieldMapEntry]:
    """Read the field map entries of a .ts/.tsx/.js/.jsx/.json/.yml file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {p}") from None
    entries = parse_field_map_text(text, str(p))
    if not entries:
        raise InputError("no field map found (objects with `path` and `fields`)", where=str(p),
                         hint="expected { TICKET: { path: 'tickets', fields: { id: 'id' } } }")
    return entries


def check_field_map(file: str | Path, snapshot: Snapshot) -> DiffReport:
    """Report every map ``path`` that is not a table/view and every field that is not a column.

    >>> import pgprobe                                                       # doctest: +SKIP
    >>> print(pgprobe.types.check_field_map("src/fields.ts", snap).to_text())  # doctest: +SKIP
    src/fields.ts -> pgprobe_demo: 1 difference (1 error)
    - TICKET.fields.name  column removed  was 'name'  [error]  did you mean title?
    """
    from ..diff import Change, DiffReport

    changes: list[Change] = []
    names = [r.qualified_name for r in snapshot.relations]
    for entry in load_field_map(file):
        schema, table = split_name(entry.path)
        qualified = f"{schema}.{table}"
        if not snapshot.has_table(qualified):
            pool = [n.split(".", 1)[1] if n.startswith("public.") else n for n in names]
            found = suggest(entry.path, pool)
            changes.append(Change(
                "removed", "table", f"{entry.key}.path", entry.path, None, "error",
                f"did you mean {' or '.join(found)}?" if found else None,
                f"no table or view {qualified} ({entry.where})"))
            continue
        rel = snapshot.table(qualified)
        for app_name, column in entry.fields.items():
            if rel.has_column(column):
                continue
            found = [c for c in suggest(column, rel.column_names) if c != column]
            changes.append(Change(
                "removed", "column", f"{entry.key}.fields.{app_name}", column, None, "error",
                f"did you mean {' or '.join(found)}?" if found else None,
                f"{qualified} has no column {column} ({entry.field_where.get(app_name, entry.where)})"))
    return DiffReport(changes, left_label=str(file), right_label=snapshot.database or "database",
                      title="field map vs database")
