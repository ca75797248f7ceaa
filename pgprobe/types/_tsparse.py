"""Read a Supabase ``Database`` types file with a real TypeScript parser (tree-sitter).

The result is a plain, generator-independent model: per schema its tables and views
(columns of ``Row``/``Insert``/``Update`` with a canonical type, nullability and
optionality, and ``Relationships``), functions (overload signatures), enums and composite
types. Formatting, quote style, ``Array<T>`` vs ``T[]``, member order of unions and
``NonNullable<Json>`` vs ``Json`` do not show in the model.

>>> db = parse_types_text('export type Database = { public: { Tables: {}, Views: {}, '
...                       'Functions: {}, Enums: { s: "a" | "b" }, CompositeTypes: {} } }')
>>> db.schemas["public"].enums["s"]
['a', 'b']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .._errors import DependencyError, InputError


@dataclass
class TsField:
    type: str
    """Canonical type without ``null`` (``string``, ``Database.public.Enums.status``, ``number[]``)."""
    nullable: bool
    optional: bool
    line: int = 0

    @property
    def never(self) -> bool:
        return self.type == "never"


@dataclass
class TsRelationship:
    foreign_key_name: str
    columns: tuple[str, ...]
    is_one_to_one: bool | None
    referenced_relation: str
    referenced_columns: tuple[str, ...]
    line: int = 0


@dataclass
class TsRelation:
    name: str
    kind: str  # table | view
    row: dict[str, TsField] = field(default_factory=dict)
    insert: dict[str, TsField] | None = None
    update: dict[str, TsField] | None = None
    relationships: list[TsRelationship] | None = None
    line: int = 0


@dataclass
class TsSignature:
    args: dict[str, TsField]
    returns: str
    line: int = 0

    def describe(self) -> str:
        args = ", ".join(f"{k}{'?' if f.optional else ''}: {f.type}" for k, f in sorted(self.args.items()))
        return f"({args}) => {self.returns}"


@dataclass
class TsSchema:
    name: str
    tables: dict[str, TsRelation] = field(default_factory=dict)
    views: dict[str, TsRelation] = field(default_factory=dict)
    functions: dict[str, list[TsSignature]] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    composite_types: dict[str, dict[str, TsField]] = field(default_factory=dict)
    line: int = 0
    lines: dict[str, int] = field(default_factory=dict)
    """Line of each enum / function / composite type (``"enums.status"``)."""


@dataclass
class TsDatabase:
    schemas: dict[str, TsSchema]
    path: str = "<text>"


@cache
def _parser(tsx: bool = False) -> Any:
    try:
        import tree_sitter
        import tree_sitter_typescript
    except ImportError as exc:  # pragma: no cover - installed with pgprobe
        raise DependencyError(
            "reading TypeScript needs tree-sitter and tree-sitter-typescript",
            hint="pip install tree-sitter tree-sitter-typescript",
        ) from exc
    lang = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(lang))


# tree-sitter-typescript's scanner (0.23, common/scanner.h ``scan_automatic_semicolon``) will
# not end a line before a word starting with ``in`` followed by a non-letter, taking it for the
# ``in`` operator: ``bucket_id: string`` then a line ``in_progress_size: number`` (no ``;``)
# fails to parse. The identifier is respelled with a Unicode escape (``\u0069n_...``, the same
# name for TypeScript, decoded again by ``_identifier``): the grammar then reads the file as
# TypeScript does. Lines and columns before it are unchanged.
_IN_PREFIXED_LINE = re.compile(rb"^([ \t]*)in(?=[_$0-9])", re.M)
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})")


def _identifier(text: str) -> str:
    """An identifier's name (``\\u0069n_x`` is ``in_x``)."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def parse_tree(source: bytes, path: str) -> Any:
    """Parse TypeScript; a syntax error raises ``InputError`` with ``file:line:col``."""
    parser = _parser(path.endswith((".tsx", ".jsx")))
    tree = parser.parse(source)
    if tree.root_node.has_error and _IN_PREFIXED_LINE.search(source):
        respelled = parser.parse(_IN_PREFIXED_LINE.sub(rb"\1\\u0069n", source))
        if not respelled.root_node.has_error:
            return respelled
    bad = _first_error(tree.root_node)
    if bad is not None:
        for number, line in enumerate(source.split(b"\n"), start=1):
            if line.startswith((b"<<<<<<< ", b">>>>>>> ")) or line.rstrip() == b"=======":
                raise InputError("not valid TypeScript: a merge conflict marker",
                                 where=f"{path}:{number}:1", hint="resolve the merge conflict")
        row, col = bad.start_point
        text = source[bad.start_byte:bad.end_byte].decode("utf-8", "replace").split("\n")[0][:30]
        if bad.is_missing:
            what = f"missing {bad.type!r}"
        elif bad.end_byte >= len(source.rstrip()) and (bad.start_byte == 0 or "\n" in
                                                       source[bad.start_byte:bad.end_byte].decode("utf-8", "replace")):
            # the parser gave up at the end: something opened is never closed
            row, col = tree.root_node.end_point
            what = "unexpected end of file (a `{`, `[` or `(` is not closed)"
        elif text:
            what = f"unexpected {text!r}"
        else:
            what = "unexpected end of file"
        raise InputError(
            f"not valid TypeScript: {what}", where=f"{path}:{row + 1}:{col + 1}",
            hint="fix the file or regenerate it with `pgprobe types gen`",
        )
    return tree


def _first_error(node: Any) -> Any:
    """The earliest innermost ERROR or MISSING node, or None for a clean tree."""
    if not node.has_error:
        return None
    found: list[Any] = []

    def visit(n: Any) -> bool:
        inner = False
        for c in n.children:
            if c.has_error or c.is_missing or c.type == "ERROR":
                inner = visit(c) or inner
        if (n.type == "ERROR" or n.is_missing) and not inner:
            found.append(n)
            return True
        return inner or n.type == "ERROR" or n.is_missing

    visit(node)
    if not found:
        return node
    return min(found, key=lambda n: n.start_byte)


# ---------------------------------------------------------------- canonical types
def _text(node: Any) -> str:
    return node.text.decode("utf-8")


def _string_value(node: Any) -> str:
    """The value of a ``string`` node (quotes and escapes resolved)."""
    raw = _text(node)
    if raw[:1] == "'":
        raw = '"' + raw[1:-1].replace('\\"', '"').replace('"', '\\"') + '"'
        raw = raw.replace("\\'", "'")
    try:
        return str(json.loads(raw))
    except ValueError:
        return raw[1:-1]


def _named(node: Any) -> list[Any]:
    return [c for c in node.named_children if c.type != "comment"]


def canonical(node: Any) -> tuple[str, bool]:
    """(canonical type text without null, nullable) for a type node."""
    t = node.type
    if t in ("type_annotation", "parenthesized_type"):
        return canonical(_named(node)[0])
    if t == "union_type":
        members: list[str] = []
        nullable = False
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "union_type":
                stack.extend(reversed(_named(n)))
                continue
            text, null = canonical(n)
            if text == "null" or (text == "undefined"):
                nullable = True
                continue
            nullable = nullable or null
            members.append(text)
        members = sorted(set(members))
        if not members:
            return "null", True
        return " | ".join(members), nullable
    if t == "literal_type":
        inner = _named(node)[0] if _named(node) else node
        if inner.type == "null":
            return "null", True
        if inner.type == "string":
            return json.dumps(_string_value(inner), ensure_ascii=False), False
        return _text(inner), False
    if t == "array_type":
        inner, _ = canonical(_named(node)[0])
        return (f"({inner})[]" if " | " in inner or " & " in inner else inner + "[]"), False
    if t == "generic_type":
        name = _text(node.child_by_field_name("name") or _named(node)[0])
        args_node = node.child_by_field_name("type_arguments")
        args = [canonical(a)[0] for a in _named(args_node)] if args_node is not None else []
        if name == "NonNullable" and len(args) == 1:
            return args[0], False
        if name == "Array" and len(args) == 1:
            inner = args[0]
            return (f"({inner})[]" if " | " in inner else inner + "[]"), False
        return f"{name}<{', '.join(args)}>", False
    if t == "lookup_type":
        parts: list[str] = []
        n = node
        while n.type == "lookup_type":
            kids = _named(n)
            key = kids[-1]
            parts.append(_string_value(_named(key)[0]) if key.type == "literal_type" and _named(key)
                         and _named(key)[0].type == "string" else _text(key))
            n = kids[0]
        parts.append(_text(n))
        return ".".join(reversed(parts)), False
    if t == "intersection_type":
        return " & ".join(sorted(canonical(c)[0] for c in _named(node))), False
    if t == "object_type":
        members = []
        for m in _named(node):
            if m.type == "property_signature":
                name = _prop_name(m)
                typ = m.child_by_field_name("type")
                ctext, cnull = canonical(typ) if typ is not None else ("any", False)
                opt = "?" if _is_optional(m) else ""
                members.append(f"{name}{opt}: {ctext}{' | null' if cnull else ''}")
            else:
                members.append(" ".join(_text(m).split()))
        return "{ " + "; ".join(sorted(members)) + " }" if members else "{}", False
    if t == "tuple_type":
        return "[" + ", ".join(canonical(c)[0] for c in _named(node)) + "]", False
    return "".join(_text(node).split()), False


def _prop_name(node: Any) -> str:
    name = node.child_by_field_name("name")
    if name is None:
        return ""
    if name.type == "string":
        return _string_value(name)
    return _identifier(_text(name))


def _is_optional(node: Any) -> bool:
    return any(c.type == "?" for c in node.children)


def _members(obj: Any) -> dict[str, Any]:
    """property name -> property_signature node, for an object type."""
    out: dict[str, Any] = {}
    if obj is None or obj.type != "object_type":
        return out
    for m in _named(obj):
        if m.type == "property_signature":
            out[_prop_name(m)] = m
    return out


def _value(prop: Any) -> Any:
    ann = prop.child_by_field_name("type")
    if ann is None:
        return None
    node = _named(ann)[0] if ann.type == "type_annotation" else ann
    while node.type == "parenthesized_type":
        node = _named(node)[0]
    return node


def _fields(obj: Any) -> dict[str, TsField]:
    out = {}
    for name, prop in _members(obj).items():
        node = _value(prop)
        text, nullable = canonical(node) if node is not None else ("any", False)
        # `unknown` and `any` hold null already: `unknown | null` is `unknown`
        nullable = nullable or text in ("unknown", "any")
        out[name] = TsField(text, nullable, _is_optional(prop), prop.start_point[0] + 1)
    return out


def _literal(node: Any) -> Any:
    if node is None:
        return None
    if node.type == "literal_type" and _named(node):
        inner = _named(node)[0]
        if inner.type == "string":
            return _string_value(inner)
        if inner.type in ("true", "false"):
            return inner.type == "true"
        return _text(inner)
    if node.type in ("true", "false"):
        return node.type == "true"
    return _text(node)


def _string_tuple(node: Any) -> tuple[str, ...]:
    if node is None or node.type != "tuple_type":
        return ()
    return tuple(str(_literal(c)) for c in _named(node))


def _relationships(node: Any) -> list[TsRelationship]:
    out: list[TsRelationship] = []
    if node is None or node.type != "tuple_type":
        return out
    for el in _named(node):
        m = _members(el)
        one = _literal(_value(m["isOneToOne"])) if "isOneToOne" in m else None
        out.append(TsRelationship(
            foreign_key_name=str(_literal(_value(m["foreignKeyName"]))) if "foreignKeyName" in m else "",
            columns=_string_tuple(_value(m["columns"])) if "columns" in m else (),
            is_one_to_one=one if isinstance(one, bool) else None,
            referenced_relation=str(_literal(_value(m["referencedRelation"]))) if "referencedRelation" in m else "",
            referenced_columns=_string_tuple(_value(m["referencedColumns"])) if "referencedColumns" in m else (),
            line=el.start_point[0] + 1,
        ))
    return out


Aliases = dict[str, tuple[list[str], Any]]
"""A file's generic type aliases: name -> (type parameter names, the aliased type node)."""


def _type_aliases(root: Any) -> Aliases:
    """``type BaseTable<Row, Insert> = { Row: Row; Insert: Insert }`` and the like (hand-written
    files spell their tables through such helpers)."""
    out: Aliases = {}
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "type_alias_declaration":
            name, params = n.child_by_field_name("name"), n.child_by_field_name("type_parameters")
            value = n.child_by_field_name("value")
            if name is not None and params is not None and value is not None:
                names = [_text(p.child_by_field_name("name") or _named(p)[0]) for p in _named(params)]
                out[_text(name)] = (names, value)
        stack.extend(n.named_children)
    return out


def _relation_parts(node: Any, aliases: Aliases) -> dict[str, Any]:
    """Member name -> type node of a table/view entry, through a generic alias if it uses one
    (``BaseTable<{...}, {...}, {...}>``: the alias's members with its arguments put in)."""
    if node is not None and node.type == "generic_type":
        name = _text(node.child_by_field_name("name") or _named(node)[0])
        if name in aliases:
            params, body = aliases[name]
            args_node = node.child_by_field_name("type_arguments")
            subst = dict(zip(params, _named(args_node) if args_node is not None else [],
                             strict=False))
            out = {}
            for key, prop in _members(body).items():
                value = _value(prop)
                if value is not None and value.type == "type_identifier" and _text(value) in subst:
                    value = subst[_text(value)]
                out[key] = value
            return out
    return {key: _value(prop) for key, prop in _members(node).items()}


def _relation(name: str, kind: str, prop: Any, aliases: Aliases | None = None) -> TsRelation:
    m = _relation_parts(_value(prop), aliases or {})
    rel = TsRelation(name=name, kind=kind, line=prop.start_point[0] + 1)
    rel.row = _fields(m["Row"]) if m.get("Row") is not None else {}
    rel.insert = _fields(m["Insert"]) if m.get("Insert") is not None else None
    rel.update = _fields(m["Update"]) if m.get("Update") is not None else None
    # only a tuple lists relationships; `Array<{...}>` in a hand-written file says nothing
    listed = m.get("Relationships")
    rel.relationships = _relationships(listed) if listed is not None and listed.type == "tuple_type" else None
    return rel


def _signatures(node: Any) -> list[TsSignature]:
    if node is None:
        return []
    variants = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "union_type":
            stack.extend(reversed(_named(n)))
        elif n.type == "parenthesized_type":
            stack.append(_named(n)[0])
        else:
            variants.append(n)
    out = []
    for v in variants:
        m = _members(v)
        args_node = _value(m["Args"]) if "Args" in m else None
        args = _fields(args_node) if args_node is not None and args_node.type == "object_type" else {}
        ret_node = _value(m["Returns"]) if "Returns" in m else None
        if ret_node is not None:
            text, nullable = canonical(ret_node)
            returns = text + (" | null" if nullable else "")
        else:
            returns = "unknown"
        out.append(TsSignature(args, returns, v.start_point[0] + 1))
    return out


def _enum_labels(node: Any) -> list[str]:
    labels: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type == "union_type" or n.type == "parenthesized_type":
            stack.extend(reversed(_named(n)))
        else:
            value = _literal(n)
            labels.append(str(value))
    return labels


def _find_database(root: Any) -> Any:
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "type_alias_declaration":
            name = n.child_by_field_name("name")
            if name is not None and _text(name) == "Database":
                return n.child_by_field_name("value")
        if n.type == "interface_declaration":
            name = n.child_by_field_name("name")
            if name is not None and _text(name) == "Database":
                body = n.child_by_field_name("body")
                return body
        stack.extend(reversed(n.named_children))
    return None


def _database_node(text: str, path: str) -> tuple[Any, Any]:
    """(the parse tree, the ``Database`` type's node)."""
    tree = parse_tree(text.encode("utf-8"), path)
    db = _find_database(tree.root_node)
    if db is None:
        raise InputError("no `Database` type in this file", where=path,
                         hint="expected `export type Database = { public: { Tables: ... } }`")
    return tree, db


def _database_members(text: str, path: str) -> dict[str, Any]:
    return _schema_props(_database_node(text, path)[1])


def _schema_props(db: Any) -> dict[str, Any]:
    if db.type == "interface_body":
        return {(_prop_name(m)): m for m in _named(db) if m.type == "property_signature"}
    return _members(db)


def placeholder_reason(text: str, path: str = "<text>") -> str | None:
    """Why a types file has nothing to check (``Database = Record<string, unknown>``, ``any``,
    no tables, views, functions, enums or composite types), or None for a real one."""
    _, db = _database_node(text, path)
    if db.type not in ("object_type", "interface_body"):
        shown = " ".join(_text(db).split())
        return f"`Database` is `{shown[:60]}`, a placeholder that names no schema"
    parsed = parse_types_text(text, path)
    if not any(s.tables or s.views or s.functions or s.enums or s.composite_types
               for s in parsed.schemas.values()):
        return ("`Database` declares no tables, views, functions, enums or composite types "
                "(an empty template?)")
    return None


def declared_schemas(text: str, path: str = "<text>") -> list[str]:
    """The schemas a types file declares (validates the syntax, reads nothing else)."""
    return [s for s in _database_members(text, path) if not s.startswith("__")]


def parse_types_text(text: str, path: str = "<text>") -> TsDatabase:
    """Parse the text of a types file (see :func:`parse_types_file`)."""
    tree, db = _database_node(text, path)
    aliases = _type_aliases(tree.root_node)
    db_members = _schema_props(db)
    schemas: dict[str, TsSchema] = {}
    for sname, sprop in db_members.items():
        if sname.startswith("__"):
            continue  # __InternalSupabase and similar generator metadata
        sm = _members(_value(sprop))
        schema = TsSchema(sname, line=sprop.start_point[0] + 1)
        for tname, tprop in _members(_value(sm.get("Tables")) if "Tables" in sm else None).items():
            schema.tables[tname] = _relation(tname, "table", tprop, aliases)
        for vname, vprop in _members(_value(sm.get("Views")) if "Views" in sm else None).items():
            schema.views[vname] = _relation(vname, "view", vprop, aliases)
        for fname, fprop in _members(_value(sm.get("Functions")) if "Functions" in sm else None).items():
            schema.functions[fname] = _signatures(_value(fprop))
            schema.lines[f"functions.{fname}"] = fprop.start_point[0] + 1
        for ename, eprop in _members(_value(sm.get("Enums")) if "Enums" in sm else None).items():
            schema.enums[ename] = _enum_labels(_value(eprop))
            schema.lines[f"enums.{ename}"] = eprop.start_point[0] + 1
        for cname, cprop in _members(_value(sm.get("CompositeTypes")) if "CompositeTypes" in sm else None).items():
            schema.composite_types[cname] = _fields(_value(cprop))
            schema.lines[f"composite_types.{cname}"] = cprop.start_point[0] + 1
        schemas[sname] = schema
    return TsDatabase(schemas, path)


def read_text(path: str | Path) -> str:
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {p}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", where=str(p)) from None


def parse_types_file(path: str | Path) -> TsDatabase:
    """Parse a committed ``database.types.ts`` (postgres-meta, Supabase CLI 2.x/3.x, hand-edited).

    A malformed file raises ``InputError`` naming ``file:line:col``.
    """
    return parse_types_text(read_text(path), str(path))
