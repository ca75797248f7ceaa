"""The Snapshot model: an immutable, saveable picture of what a database holds.

Every capability of pgprobe (diff, ERD, PostgREST engine, types, migrations) reads
this model and never re-queries what it already holds.

>>> col = Column(name="title", position=2, type="text", base_type="text", nullable=False)
>>> t = Relation(schema="public", name="tickets", kind="table", columns=(col,))
>>> snap = Snapshot(relations=(t,))
>>> snap.table("public.tickets").column("title").type
'text'
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Literal, TypeVar

from .._errors import NotFoundError

RelationKind = Literal[
    "table", "partitioned_table", "view", "materialized_view", "foreign_table"
]
ConstraintKind = Literal["primary", "unique", "foreign", "check", "exclusion", "not_null", "trigger"]

T = TypeVar("T")


def split_name(qualified: str, default_schema: str = "public") -> tuple[str, str]:
    """Split ``"schema.name"`` into its parts; a bare name gets ``default_schema``.

    Double quotes are honoured, so ``'"my.schema"."t"'`` works.

    >>> split_name("public.tickets")
    ('public', 'tickets')
    >>> split_name("tickets")
    ('public', 'tickets')
    >>> split_name('"a.b"."c"')
    ('a.b', 'c')
    """
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    i = 0
    while i < len(qualified):
        ch = qualified[i]
        if ch == '"':
            if quoted and i + 1 < len(qualified) and qualified[i + 1] == '"':
                buf.append('"')
                i += 2
                continue
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    if len(parts) == 1:
        return default_schema, parts[0]
    return ".".join(parts[:-1]), parts[-1]


# Names people use for the same thing: the postmortem's app said "name" where the column is
# "title". Spelling distance cannot find these, so they are listed.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("title", "full_name", "display_name", "label", "username", "subject"),
    "title": ("name", "subject", "label", "summary"),
    "full_name": ("name", "display_name"),
    "description": ("body", "content", "details", "summary"),
    "content": ("body", "description", "text", "message"),
    "body": ("content", "description", "text"),
    "owner": ("owner_id", "user_id", "created_by"),
    "user": ("user_id", "users", "created_by"),
    "author": ("created_by", "author_id", "user_id"),
    "assigned_to": ("assignee", "assignee_id"),
    "assignee_id": ("assignee", "assigned_to"),
    "created": ("created_at",),
    "updated": ("updated_at",),
    "type": ("kind", "category"),
    "state": ("status",),
    "status": ("state",),
}


def suggest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Close matches for a probably mistyped name: the same name in another case, a close
    spelling (``titel`` -> ``title``) or a usual synonym (``name`` -> ``title``).

    >>> suggest("Title", ["id", "title"])
    ['title']
    >>> suggest("name", ["id", "title", "status"])
    ['title']
    """
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    exact = [lowered[name.lower()]] if name.lower() in lowered else []
    close = difflib.get_close_matches(name, pool, n=n, cutoff=0.6)
    bare = name.lower().rsplit(".", 1)[-1]
    prefix = name[: len(name) - len(bare)]
    synonyms = [lowered[(prefix + s).lower()] for s in _SYNONYMS.get(bare, ())
                if (prefix + s).lower() in lowered]
    return list(dict.fromkeys(exact + close + synonyms))[:n]


def _lookup(kind: str, name: str, index: dict[str, T], where: str = "") -> T:
    try:
        return index[name]
    except KeyError:
        hints = suggest(name, index)
        place = f" in {where}" if where else ""
        hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
        raise NotFoundError(f"no {kind} {name}{place}{hint}", suggestions=hints) from None


@dataclass(frozen=True)
class Column:
    name: str
    position: int
    type: str
    """Display type as PostgreSQL prints it (``format_type``): ``character varying(20)``."""
    base_type: str
    """Underlying type name: the element type of an array, the base of a domain."""
    type_schema: str = "pg_catalog"
    type_kind: str = "base"
    """``base``, ``enum``, ``domain``, ``composite``, ``range``, ``pseudo``, ``multirange``."""
    array_dims: int = 0
    nullable: bool = True
    default: str | None = None
    identity: Literal["always", "by_default"] | None = None
    generated: str | None = None
    comment: str | None = None
    udt_name: str = ""
    """The type's own name (``_text`` for ``text[]``, ``varchar`` for ``character varying``)."""
    updatable: bool = True
    """False for view columns that cannot be written through the view (INSTEAD OF triggers
    and unconditional INSTEAD rules count as writable, as in postgres-meta)."""
    domain_base_type: str | None = None
    """For a domain column: the domain's base type name (``pg_type.typname``)."""
    domain_base_schema: str | None = None
    domain_not_null: bool = False
    """The column's domain is NOT NULL (the column itself may still say nullable)."""

    def __eq__(self, other: object) -> bool:
        # One dict comparison in C rather than two tuples of every field (the generated
        # __eq__): a diff of two 20,000-table snapshots compares 200,000 columns. A Column's
        # __dict__ holds exactly its fields.
        if other.__class__ is self.__class__:
            return self.__dict__ == other.__dict__
        return NotImplemented


@dataclass(frozen=True)
class Constraint:
    name: str
    kind: ConstraintKind
    columns: tuple[str, ...] = ()
    definition: str = ""
    ref_schema: str | None = None
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()
    on_update: str | None = None
    on_delete: str | None = None
    match_type: str | None = None
    deferrable: bool = False
    initially_deferred: bool = False
    validated: bool = True
    inherited: bool = False
    """A copy PostgreSQL keeps on a partition (or for an FK to a partitioned table);
    PostgREST ignores these."""
    ref_primary: bool | None = None
    """For a foreign key: whether the referenced key is the primary key (``False``: a
    unique constraint or index). ``None`` in snapshots taken before this was recorded."""

    @property
    def ref(self) -> str | None:
        """Qualified name of the referenced relation of a foreign key."""
        return f"{self.ref_schema}.{self.ref_table}" if self.ref_table else None


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    """Column names; expressions appear as their text."""
    definition: str
    unique: bool = False
    primary: bool = False
    predicate: str | None = None
    method: str = "btree"
    valid: bool = True
    include: tuple[str, ...] = ()
    """Non-key (``INCLUDE``) columns."""


@dataclass(frozen=True)
class Trigger:
    name: str
    timing: Literal["before", "after", "instead_of"]
    events: tuple[str, ...]
    level: Literal["row", "statement"]
    function: str
    """Qualified function name: ``public.touch_updated_at``."""
    definition: str
    enabled: str = "O"


@dataclass(frozen=True)
class Policy:
    name: str
    command: Literal["all", "select", "insert", "update", "delete"]
    permissive: bool
    roles: tuple[str, ...]
    using: str | None = None
    with_check: str | None = None


@dataclass(frozen=True)
class Grant:
    grantee: str
    privilege: str
    grantable: bool = False
    column: str | None = None
    """Set for a column privilege; ``None`` for a table privilege."""


@dataclass(frozen=True)
class ViewColumnSource:
    """Where a view column comes from: PostgREST follows these to base-table keys."""

    column: str
    source_schema: str
    source_table: str
    source_column: str


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: RelationKind
    columns: tuple[Column, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    policies: tuple[Policy, ...] = ()
    grants: tuple[Grant, ...] = ()
    rls_enabled: bool = False
    rls_forced: bool = False
    comment: str | None = None
    owner: str | None = None
    view_definition: str | None = None
    view_sources: tuple[ViewColumnSource, ...] = ()
    partition_of: str | None = None
    partition_bound: str | None = None
    insertable: bool = True
    updatable: bool = True
    deletable: bool = True
    extension: str | None = None
    """The extension this object belongs to (``CREATE EXTENSION`` made it), if any."""
    options: tuple[str, ...] = ()
    """Storage options (``pg_class.reloptions``): ``security_invoker=true``, ``fillfactor=70``."""
    depends_on: tuple[str, ...] = ()
    """For a view or materialized view: the relations its query names directly."""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_view(self) -> bool:
        return self.kind in ("view", "materialized_view")

    @cached_property
    def _columns_by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> Column:
        """Look a column up by name, with a close-match hint on a miss."""
        return _lookup("column", name, self._columns_by_name, self.qualified_name)

    def has_column(self, name: str) -> bool:
        return name in self._columns_by_name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def constraint(self, name: str) -> Constraint:
        return _lookup(
            "constraint", name, {c.name: c for c in self.constraints}, self.qualified_name
        )

    def policy(self, name: str) -> Policy:
        return _lookup("policy", name, {p.name: p for p in self.policies}, self.qualified_name)

    def index(self, name: str) -> Index:
        return _lookup("index", name, {i.name: i for i in self.indexes}, self.qualified_name)

    @property
    def primary_key(self) -> Constraint | None:
        return next((c for c in self.constraints if c.kind == "primary"), None)

    @property
    def foreign_keys(self) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.kind == "foreign")


@dataclass(frozen=True)
class EnumType:
    schema: str
    name: str
    labels: tuple[str, ...]
    comment: str | None = None
    extension: str | None = None
    """The extension this object belongs to (``CREATE EXTENSION`` made it), if any."""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Domain:
    schema: str
    name: str
    base_type: str
    nullable: bool = True
    default: str | None = None
    checks: tuple[str, ...] = ()
    extension: str | None = None
    """The extension this object belongs to (``CREATE EXTENSION`` made it), if any."""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class CompositeAttribute:
    name: str
    type: str
    udt_name: str = ""
    type_schema: str = "pg_catalog"


@dataclass(frozen=True)
class CompositeType:
    schema: str
    name: str
    attributes: tuple[CompositeAttribute, ...]
    extension: str | None = None
    """The extension this object belongs to (``CREATE EXTENSION`` made it), if any."""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class FunctionArg:
    name: str
    type: str
    mode: Literal["in", "out", "inout", "variadic", "table"] = "in"
    has_default: bool = False
    type_schema: str = "pg_catalog"
    base_type: str = ""


@dataclass(frozen=True)
class Function:
    schema: str
    name: str
    identity_args: str
    """``pg_get_function_identity_arguments``: what makes overloads distinct."""
    args: tuple[FunctionArg, ...]
    return_type: str
    returns_set: bool = False
    return_type_relation: str | None = None
    """Qualified relation when the function returns a table's row type (``setof tickets``)."""
    return_type_kind: str = "base"
    language: str = "sql"
    volatility: Literal["immutable", "stable", "volatile"] = "volatile"
    security_definer: bool = False
    kind: Literal["function", "procedure", "aggregate", "window"] = "function"
    comment: str | None = None
    definition: str | None = None
    owner: str | None = None
    grants: tuple[Grant, ...] = ()
    config: tuple[str, ...] = ()
    rows: float = 0.0
    """The planner's row estimate (``ROWS``); PostgREST treats ``ROWS 1`` as to-one."""
    arguments: str = ""
    """``pg_get_function_arguments``: the argument list with defaults."""
    result: str = ""
    """``pg_get_function_result``: ``SETOF public.tickets``, ``TABLE(id bigint, ...)``."""
    return_udt_name: str = ""
    return_type_schema: str = "pg_catalog"
    extension: str | None = None
    """The extension this object belongs to (``CREATE EXTENSION`` made it), if any."""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def signature(self) -> str:
        return f"{self.schema}.{self.name}({self.identity_args})"


@dataclass(frozen=True)
class Cast:
    """A user-defined cast; PostgREST uses implicit ones on domains as data representations."""

    source: str
    target: str
    function: str
    context: Literal["implicit", "assignment", "explicit"] = "explicit"
    method: Literal["function", "inout", "binary"] = "function"
    source_is_domain: bool = False
    target_is_domain: bool = False


@dataclass(frozen=True)
class Publication:
    name: str
    all_tables: bool = False
    tables: tuple[str, ...] = ()
    """Qualified names of member tables."""
    actions: tuple[str, ...] = ("insert", "update", "delete", "truncate")


@dataclass(frozen=True)
class Extension:
    name: str
    schema: str
    version: str
    default_version: str | None = None
    """The version ``CREATE EXTENSION`` would install today (``None`` when unknown)."""


@dataclass(frozen=True)
class Schema:
    name: str
    owner: str | None = None
    comment: str | None = None
    expanded: bool = True
    """False for schemas that are listed but whose objects were not read (Supabase internals)."""


@dataclass(frozen=True)
class Role:
    name: str
    superuser: bool = False
    can_login: bool = False
    bypass_rls: bool = False
    inherit: bool = True
    member_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Migration:
    """One row of ``supabase_migrations.schema_migrations``."""

    version: str
    name: str | None = None
    statements: tuple[str, ...] | None = None


_MODEL_TYPES: dict[str, type] = {}


@dataclass(frozen=True)
class Snapshot:
    """One immutable picture of a database's catalog.

    >>> snap = Snapshot(relations=(Relation("public", "tickets", "table"),))
    >>> snap.table("public.tikets")
    Traceback (most recent call last):
    ...
    pgprobe._errors.NotFoundError: no relation public.tikets; did you mean public.tickets?
    """

    server_version: str = ""
    server_version_num: int = 0
    database: str = ""
    schemas: tuple[Schema, ...] = ()
    relations: tuple[Relation, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    composite_types: tuple[CompositeType, ...] = ()
    functions: tuple[Function, ...] = ()
    publications: tuple[Publication, ...] = ()
    extensions: tuple[Extension, ...] = ()
    roles: tuple[Role, ...] = ()
    casts: tuple[Cast, ...] = ()
    migrations: tuple[Migration, ...] | None = None
    """``None`` when the database has no migration history table."""
    pgrst_db_schemas: str | None = None
    """The session's ``pgrst.db_schemas`` setting (Supabase sets it), if any."""
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """How the snapshot was taken (schemas asked for, exclusions); informative."""

    # -- lookups ---------------------------------------------------------
    @cached_property
    def _relations_by_name(self) -> dict[str, Relation]:
        return {r.qualified_name: r for r in self.relations}

    def table(self, name: str) -> Relation:
        """Any relation (table, view, ...) by ``schema.name`` (bare names mean ``public``)."""
        schema, rel = split_name(name)
        return _lookup("relation", f"{schema}.{rel}", self._relations_by_name)

    relation = table

    def has_table(self, name: str) -> bool:
        schema, rel = split_name(name)
        return f"{schema}.{rel}" in self._relations_by_name

    def tables(self, schema: str | None = None, kinds: Sequence[str] | None = None) -> list[Relation]:
        return [
            r
            for r in self.relations
            if (schema is None or r.schema == schema) and (kinds is None or r.kind in kinds)
        ]

    def inherited_roles(self, role: str) -> frozenset[str]:
        """``role`` and every role whose privileges it inherits (``INHERIT`` membership,
        followed transitively); ``PUBLIC`` is not included.

        >>> snap = Snapshot(roles=(Role("anon", member_of=("web",)), Role("web"),
        ...                        Role("noinherit", inherit=False, member_of=("web",))))
        >>> sorted(snap.inherited_roles("anon")), sorted(snap.inherited_roles("noinherit"))
        (['anon', 'web'], ['noinherit'])
        """
        members = {r.name: r for r in self.roles}
        seen = {role}
        todo = [role]
        while todo:
            r = members.get(todo.pop())
            if r is None or not r.inherit:
                continue
            for parent in r.member_of:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return frozenset(seen)

    def enum(self, name: str) -> EnumType:
        schema, n = split_name(name)
        return _lookup("enum", f"{schema}.{n}", {e.qualified_name: e for e in self.enums})

    def functions_named(self, name: str) -> list[Function]:
        schema, n = split_name(name)
        found = [f for f in self.functions if f.schema == schema and f.name == n]
        if not found:
            _lookup("function", f"{schema}.{n}", {f.qualified_name: f for f in self.functions})
        return found

    def publication(self, name: str) -> Publication:
        return _lookup("publication", name, {p.name: p for p in self.publications})

    def schema(self, name: str) -> Schema:
        return _lookup("schema", name, {s.name: s for s in self.schemas})

    @cached_property
    def _types_by_name(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for group in (self.enums, self.domains, self.composite_types):
            for t in group:
                out[t.qualified_name] = t
        return out

    # -- persistence / frames (implemented in sibling modules) -----------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write deterministic, sorted JSON (``Snapshot.load`` reads it back equal)."""
        from ._serialize import save

        save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Snapshot:
        from ._serialize import load

        return load(path)

    def to_dict(self) -> dict[str, Any]:
        from ._serialize import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        from ._serialize import from_dict

        return from_dict(data)

    def frames(self) -> Any:
        """Every collection as a pandas DataFrame: ``snap.frames().columns``."""
        from ._frames import Frames

        return Frames(self)

    def __repr__(self) -> str:
        counts = (
            f"{len(self.relations)} relations, {sum(len(r.columns) for r in self.relations)} columns, "
            f"{len(self.functions)} functions, {len(self.enums)} enums"
        )
        return f"<Snapshot {self.database or '?'} (PostgreSQL {self.server_version}): {counts}>"

    def _repr_html_(self) -> str:
        from ._frames import snapshot_html

        return snapshot_html(self)


MODEL_CLASSES: tuple[type, ...] = (
    Cast, Column, Constraint, Index, Trigger, Policy, Grant, ViewColumnSource, Relation, EnumType,
    Domain, CompositeAttribute, CompositeType, FunctionArg, Function, Publication, Extension,
    Schema, Role, Migration, Snapshot,
)


def field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]  # type: ignore[arg-type]
