"""Read and validate an expectations file (YAML); apply it as assertion-API checks.

The format is documented in ``docs/expectations.md``. Validation walks the YAML node tree,
so every error names ``file:line:column`` and what was expected there:

>>> load_expectations_text("tables:\\n  public.t:\\n    colums: {id: int}\\n", "exp.yml")
Traceback (most recent call last):
...
pgprobe._errors.InputError: exp.yml:3:5: unknown key 'colums' in table public.t (hint: did you mean columns?)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .._errors import InputError
from ..catalog._model import split_name, suggest
from ._expect import Expectations

Step = Callable[[Expectations], object]

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"

TOP_KEYS = ("version", "name", "strict", "schemas", "tables", "views", "absent_tables", "enums",
            "functions", "publications", "requests", "postgrest")
TABLE_KEYS = ("kind", "strict", "columns", "absent_columns", "primary_key", "foreign_keys",
              "unique", "indexes", "rls", "policies", "grants", "triggers")
COLUMN_KEYS = ("type", "nullable", "default", "identity", "generated")
FK_KEYS = ("to", "columns", "name", "ref_columns", "on_delete", "on_update")
INDEX_KEYS = ("columns", "name", "unique")
POLICY_KEYS = ("command", "roles", "using", "with_check", "permissive")
TRIGGER_KEYS = ("function", "timing", "events")
FUNCTION_KEYS = ("args", "identity_args", "returns", "security_definer", "language",
                 "volatility", "grants")
REQUEST_KEYS = ("request", "role", "claims", "min_rows", "status", "body")
RELATION_KINDS = ("table", "view", "materialized_view", "partitioned_table", "foreign_table")
COMMANDS = ("all", "select", "insert", "update", "delete")
FK_ACTIONS = ("no action", "restrict", "cascade", "set null", "set default")


@dataclass
class ExpectationsFile:
    """A parsed, validated expectations file; :meth:`check` runs it against a Snapshot."""

    path: str
    label: str
    strict: bool = False
    steps: list[Step] = field(default_factory=list)
    requests: int = 0
    schemas: set[str] = field(default_factory=set)
    """Schemas the file names objects in (they must be read, even Supabase's internal ones)."""

    def apply(self, ex: Expectations) -> Expectations:
        for step in self.steps:
            step(ex)
        return ex

    def check(self, source: Any, *, label: str | None = None, dsn: Any = None) -> Expectations:
        """Run every expectation against ``source`` (Snapshot, DSN, snapshot file)."""
        from ._expect import expect

        return self.apply(expect(source, label=label, dsn=dsn))


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def where(self, node: Node) -> str:
        m = node.start_mark
        return f"{self.path}:{m.line + 1}:{m.column + 1}"

    def fail(self, node: Node, message: str, hint: str | None = None) -> InputError:
        return InputError(message, where=self.where(node), hint=hint)

    @staticmethod
    def _kind(node: Node) -> str:
        if isinstance(node, MappingNode):
            return "a mapping"
        if isinstance(node, SequenceNode):
            return "a list"
        if node.tag == _NULL:
            return "nothing"
        return f"{node.value!r}"

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...] | None = None,
                ) -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"expected {what} (a mapping), got {self._kind(node)}")
        out: dict[str, tuple[Node, Node]] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                raise self.fail(knode, f"expected a name as key in {what}, got {self._kind(knode)}")
            key = str(knode.value)
            if key in out:
                raise self.fail(knode, f"duplicate key {key!r} in {what}")
            if allowed is not None and key not in allowed:
                close = suggest(key, allowed)
                hint = f"did you mean {close[0]}?" if close else \
                    f"expected one of: {', '.join(allowed)}"
                raise self.fail(knode, f"unknown key {key!r} in {what}", hint)
            out[key] = (knode, vnode)
        return out

    def seq(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"expected {what} (a list), got {self._kind(node)}")
        return list(node.value)

    def text(self, node: Node, what: str, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(node, ScalarNode) or node.tag == _NULL:
            raise self.fail(node, f"expected {what} (a string), got {self._kind(node)}")
        value = str(node.value)
        if choices is not None and value.lower() not in choices:
            close = suggest(value.lower(), choices)
            hint = f"did you mean {' or '.join(close)}?" if close else None
            raise self.fail(node, f"expected {what}: one of {', '.join(choices)}; got {value!r}",
                            hint)
        return value.lower() if choices is not None else value

    def opt_text(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return None
        return self.text(node, what)

    def boolean(self, node: Node, what: str) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            raise self.fail(node, f"expected {what} (true or false), got {self._kind(node)}")
        return str(node.value).lower() in ("true", "yes", "on")

    def integer(self, node: Node, what: str) -> int:
        if not isinstance(node, ScalarNode) or node.tag != _INT:
            raise self.fail(node, f"expected {what} (a whole number), got {self._kind(node)}")
        return int(str(node.value), 0)

    def names(self, node: Node, what: str) -> list[str]:
        """A single name or a list of names."""
        if isinstance(node, ScalarNode) and node.tag != _NULL:
            return [str(node.value)]
        if isinstance(node, SequenceNode):
            return [self.text(n, f"a name in {what}") for n in node.value]
        raise self.fail(node, f"expected {what} (a name or a list of names), got {self._kind(node)}")

    @staticmethod
    def value(node: Node) -> Any:
        return yaml.constructor.SafeConstructor().construct_document(node)


def _m(method: str, *args: Any, **kw: Any) -> Callable[[Any], Any]:
    """A deferred method call: ``_m("column", "id")(table)`` is ``table.column("id")``."""

    def call(target: Any) -> Any:
        return getattr(target, method)(*args, **kw)

    return call


def _then(first: Callable[[Any], Any], second: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda target: second(first(target))


def _qualified(name: str) -> str:
    s, n = split_name(name)
    return f"{s}.{n}"


def _parse_table(r: _Reader, name: str, node: Node, default_kind: str | None,
                 strict: bool) -> Step:
    qualified = _qualified(name)
    what = f"table {name}"
    if isinstance(node, ScalarNode) and node.tag == _NULL:
        spec: dict[str, tuple[Node, Node]] = {}
    else:
        spec = r.mapping(node, what, TABLE_KEYS)
    kind = r.text(spec["kind"][1], "kind", RELATION_KINDS) if "kind" in spec else default_kind
    tstrict = r.boolean(spec["strict"][1], "strict") if "strict" in spec else strict
    calls: list[Callable[[Any], Any]] = []

    columns: dict[str, dict[str, Any]] = {}
    if "columns" in spec:
        cnode = spec["columns"][1]
        if isinstance(cnode, SequenceNode):  # a bare list of names
            for n in cnode.value:
                columns[r.text(n, "a column name")] = {}
        else:
            for col, (_, vnode) in r.mapping(cnode, f"columns of {name}").items():
                if isinstance(vnode, ScalarNode):
                    columns[col] = {} if vnode.tag == _NULL else {"type": r.text(vnode, "a type")}
                    continue
                cspec = r.mapping(vnode, f"column {name}.{col}", COLUMN_KEYS)
                kw: dict[str, Any] = {}
                if "type" in cspec:
                    kw["type"] = r.text(cspec["type"][1], "type")
                if "nullable" in cspec:
                    kw["nullable"] = r.boolean(cspec["nullable"][1], "nullable")
                if "default" in cspec:
                    kw["default"] = r.opt_text(cspec["default"][1], "default (SQL expression)")
                if "identity" in cspec:
                    ident = cspec["identity"][1]
                    kw["identity"] = None if ident.tag == _NULL else \
                        r.text(ident, "identity", ("always", "by_default"))
                if "generated" in cspec:
                    kw["generated"] = r.opt_text(cspec["generated"][1], "generated (SQL expression)")
                columns[col] = kw
        mentioned = tuple(columns)
        for col, kw in columns.items():
            calls.append(_m("column", col, _mentioned=mentioned, **kw))
        if tstrict:
            calls.append(_m("only_columns", *mentioned))
    if "absent_columns" in spec:
        absent = r.names(spec["absent_columns"][1], "absent_columns")
        calls.append(_m("lacks_columns", *absent))
    if "primary_key" in spec:
        pk = r.names(spec["primary_key"][1], "primary_key")
        calls.append(_m("primary_key", *pk))
    if "foreign_keys" in spec:
        for fnode in r.seq(spec["foreign_keys"][1], f"foreign_keys of {name}"):
            fspec = r.mapping(fnode, f"a foreign key of {name}", FK_KEYS)
            if "to" not in fspec:
                raise r.fail(fnode, f"a foreign key of {name} needs 'to' (the referenced table)")
            fkw: dict[str, Any] = {"target": r.text(fspec["to"][1], "to (a table name)")}
            if "columns" in fspec:
                fkw["via"] = r.names(fspec["columns"][1], "columns")
            if "name" in fspec:
                fkw["name"] = r.text(fspec["name"][1], "name")
            if "ref_columns" in fspec:
                fkw["ref_columns"] = r.names(fspec["ref_columns"][1], "ref_columns")
            for act in ("on_delete", "on_update"):
                if act in fspec:
                    fkw[act] = r.text(fspec[act][1], act, FK_ACTIONS)
            calls.append(_m("fk_to", **fkw))
    if "unique" in spec:
        unode = spec["unique"][1]
        groups = [r.names(n, "unique columns") for n in r.seq(unode, "unique (a list of column lists)")]
        for g in groups:
            calls.append(_m("unique", *g))
    if "indexes" in spec:
        for inode in r.seq(spec["indexes"][1], f"indexes of {name}"):
            ispec = r.mapping(inode, f"an index of {name}", INDEX_KEYS)
            icols = r.names(ispec["columns"][1], "columns") if "columns" in ispec else []
            iname = r.text(ispec["name"][1], "name") if "name" in ispec else None
            if not icols and iname is None:
                raise r.fail(inode, f"an index of {name} needs 'columns' or 'name'")
            iuniq = r.boolean(ispec["unique"][1], "unique") if "unique" in ispec else None
            calls.append(_m("index", *icols, name=iname, unique=iuniq))
    if "rls" in spec:
        rnode = spec["rls"][1]
        if isinstance(rnode, MappingNode):
            rspec = r.mapping(rnode, "rls", ("enabled", "forced"))
            enabled = r.boolean(rspec["enabled"][1], "enabled") if "enabled" in rspec else True
            forced = r.boolean(rspec["forced"][1], "forced") if "forced" in rspec else None
        else:
            enabled, forced = r.boolean(rnode, "rls"), None
        calls.append(_m("rls", enabled, forced=forced))
    if "policies" in spec:
        pnames = []
        for pname, (_, pnode) in r.mapping(spec["policies"][1], f"policies of {name}").items():
            pnames.append(pname)
            pkw: dict[str, Any] = {}
            if not (isinstance(pnode, ScalarNode) and pnode.tag == _NULL):
                pspec = r.mapping(pnode, f"policy {pname}", POLICY_KEYS)
                if "command" in pspec:
                    pkw["command"] = r.text(pspec["command"][1], "command", COMMANDS)
                if "roles" in pspec:
                    pkw["roles"] = r.names(pspec["roles"][1], "roles")
                for expr in ("using", "with_check"):
                    if expr in pspec:
                        pkw[expr] = r.text(pspec[expr][1], f"{expr} (a SQL expression)")
                if "permissive" in pspec:
                    pkw["permissive"] = r.boolean(pspec["permissive"][1], "permissive")
            calls.append(_m("policy", pname, **pkw))
        if tstrict:
            calls.append(_m("only_policies", *pnames))
    if "grants" in spec:
        for role, (_, gnode) in r.mapping(spec["grants"][1], f"grants of {name}").items():
            privs = [] if (isinstance(gnode, ScalarNode) and gnode.tag == _NULL) else \
                r.names(gnode, f"privileges of {role}")
            if tstrict:
                calls.append(_m("only_grants", role, *privs))
            else:
                calls.append(_m("grants", role, *privs))
    if "triggers" in spec:
        for tname, (_, tnode) in r.mapping(spec["triggers"][1], f"triggers of {name}").items():
            tkw: dict[str, Any] = {}
            if not (isinstance(tnode, ScalarNode) and tnode.tag == _NULL):
                tspec = r.mapping(tnode, f"trigger {tname}", TRIGGER_KEYS)
                if "function" in tspec:
                    tkw["function"] = r.text(tspec["function"][1], "function")
                if "timing" in tspec:
                    tkw["timing"] = r.text(tspec["timing"][1], "timing",
                                           ("before", "after", "instead_of"))
                if "events" in tspec:
                    tkw["events"] = r.names(tspec["events"][1], "events")
            calls.append(_m("trigger", tname, **tkw))

    def step(ex: Expectations) -> None:
        t = ex.table(qualified, kind=kind)
        for call in calls:
            call(t)

    return step


def _parse_request(r: _Reader, node: Node, config: dict[str, Any] | None = None) -> Step:
    if isinstance(node, ScalarNode):
        text = r.text(node, "a request such as 'GET /tickets?select=id'")
        kw: dict[str, Any] = {}
    else:
        spec = r.mapping(node, "a request", REQUEST_KEYS)
        if "request" not in spec:
            raise r.fail(node, "a request needs 'request' (e.g. 'GET /tickets?select=id')")
        text = r.text(spec["request"][1], "request")
        kw = {}
        if "role" in spec:
            kw["role"] = r.text(spec["role"][1], "role")
        if "claims" in spec:
            cnode = spec["claims"][1]
            r.mapping(cnode, "claims")
            kw["claims"] = r.value(cnode)
        if "min_rows" in spec:
            kw["min_rows"] = r.integer(spec["min_rows"][1], "min_rows")
        if "status" in spec:
            kw["status"] = r.integer(spec["status"][1], "status")
        if "body" in spec:
            kw["body"] = r.value(spec["body"][1])
    parts = text.split(None, 1)
    if len(parts) != 2 or parts[0].upper() not in ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD") \
            or not parts[1].startswith("/"):
        raise r.fail(node, f"expected 'METHOD /path?query', got {text!r}",
                     "e.g. GET /ticket_activities?select=id,ticket:tickets(title)")
    if config:
        kw["config"] = config
    return _m("request", text, **kw)


def parse(root: Node | None, path: str) -> ExpectationsFile:
    r = _Reader(path)
    label = Path(path).name
    if root is None:
        raise InputError("empty expectations file", where=f"{path}:1:1",
                         hint="start with 'tables:' (see docs/expectations.md)")
    spec = r.mapping(root, "the expectations file", TOP_KEYS)
    if "version" in spec and r.integer(spec["version"][1], "version") != 1:
        raise r.fail(spec["version"][1], "expected version 1")
    if "name" in spec:
        label = r.text(spec["name"][1], "name")
    strict = r.boolean(spec["strict"][1], "strict") if "strict" in spec else False
    out = ExpectationsFile(path, label, strict)
    table_schemas: dict[str, list[str]] = {}
    for key, default_kind in (("tables", None), ("views", "view")):
        if key in spec:
            for tname, (_, tnode) in r.mapping(spec[key][1], key).items():
                out.steps.append(_parse_table(r, tname, tnode, default_kind, strict))
                s, n = split_name(tname)
                table_schemas.setdefault(s, []).append(n)
                out.schemas.add(s)
    if "absent_tables" in spec:
        for n in r.names(spec["absent_tables"][1], "absent_tables"):
            out.steps.append(_m("no_table", n))
    if strict:
        schemas = r.names(spec["schemas"][1], "schemas") if "schemas" in spec \
            else list(table_schemas)
        for s in schemas:
            out.steps.append(_m("only_tables", s, table_schemas.get(s, [])))
    elif "schemas" in spec:
        r.names(spec["schemas"][1], "schemas")
    if "enums" in spec:
        for ename, (_, enode) in r.mapping(spec["enums"][1], "enums").items():
            out.schemas.add(split_name(ename)[0])
            if isinstance(enode, MappingNode):
                espec = r.mapping(enode, f"enum {ename}", ("labels", "strict"))
                labels = r.names(espec["labels"][1], "labels") if "labels" in espec else []
                estrict = r.boolean(espec["strict"][1], "strict") if "strict" in espec else strict
            else:
                labels, estrict = r.names(enode, f"labels of enum {ename}"), strict
            if estrict:
                out.steps.append(_then(_m("enum", ename), _m("labels", *labels)))
            else:
                out.steps.append(_then(_m("enum", ename), _m("has_labels", *labels)))
    if "functions" in spec:
        for fname, (_, fnode) in r.mapping(spec["functions"][1], "functions").items():
            out.schemas.add(split_name(fname)[0])
            fspec = {} if (isinstance(fnode, ScalarNode) and fnode.tag == _NULL) else \
                r.mapping(fnode, f"function {fname}", FUNCTION_KEYS)
            ident = r.text(fspec["identity_args"][1], "identity_args") \
                if "identity_args" in fspec else None
            fcalls: list[Callable[[Any], Any]] = []
            if "args" in fspec:
                a = [] if fspec["args"][1].tag == _NULL else r.names(fspec["args"][1], "args")
                fcalls.append(_m("args", *a))
            if "returns" in fspec:
                ret = r.text(fspec["returns"][1], "returns")
                fcalls.append(_m("returns", ret))
            if "security_definer" in fspec:
                sd = r.boolean(fspec["security_definer"][1], "security_definer")
                fcalls.append(_m("security_definer", sd))
            if "language" in fspec:
                lang = r.text(fspec["language"][1], "language")
                fcalls.append(_m("language", lang))
            if "volatility" in fspec:
                vol = r.text(fspec["volatility"][1], "volatility",
                             ("immutable", "stable", "volatile"))
                fcalls.append(_m("volatility", vol))
            if "grants" in fspec:
                for role in r.names(fspec["grants"][1], "grants (roles allowed to execute)"):
                    fcalls.append(_m("grants", role))

            def fstep(ex: Expectations, fname: str = fname, ident: str | None = ident,
                      fcalls: list[Callable[[Any], Any]] = fcalls) -> None:
                f = ex.function(fname, ident)
                for c in fcalls:
                    c(f)

            out.steps.append(fstep)
    if "publications" in spec:
        for pname, (_, pnode) in r.mapping(spec["publications"][1], "publications").items():
            if isinstance(pnode, MappingNode):
                pspec = r.mapping(pnode, f"publication {pname}", ("tables", "strict"))
                tables = r.names(pspec["tables"][1], "tables") if "tables" in pspec else []
                pstrict = r.boolean(pspec["strict"][1], "strict") if "strict" in pspec else strict
            elif isinstance(pnode, ScalarNode) and pnode.tag == _NULL:
                tables, pstrict = [], False
            else:
                tables, pstrict = r.names(pnode, f"tables of publication {pname}"), strict
            if pstrict:
                out.steps.append(_then(_m("publication", pname), _m("only", *tables)))
            else:
                out.steps.append(_then(_m("publication", pname), _m("includes", *tables))
                                )
    config: dict[str, Any] | None = None
    if "postgrest" in spec:
        cnode = spec["postgrest"][1]
        for key, (_, vnode) in r.mapping(cnode, "postgrest (PostgREST settings such as "
                                                    "db-schemas, db-anon-role)").items():
            if not isinstance(vnode, ScalarNode) or vnode.tag == _NULL:
                raise r.fail(vnode, f"expected a value for {key} (a string)")
        config = {str(k): v for k, v in r.value(cnode).items()}
    if "requests" in spec:
        for rnode in r.seq(spec["requests"][1], "requests"):
            out.steps.append(_parse_request(r, rnode, config))
            out.requests += 1
    return out


def load_expectations_text(text: str, path: str = "<expectations>") -> ExpectationsFile:
    """Parse expectations from YAML text (``path`` names it in errors)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise InputError(f"invalid YAML: {problem}", where=where) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", where=path) from None
    return parse(root, path)


def load_expectations(path: Any) -> ExpectationsFile:
    """Read and validate an expectations file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such expectations file: {p}") from None
    except OSError as exc:
        raise InputError(f"cannot read expectations file: {exc.strerror}", where=str(p)) from None
    return load_expectations_text(text, str(p))
