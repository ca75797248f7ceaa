"""The relationship model: what PostgREST's schema cache holds for resource embedding.

Two kinds of relationship exist. A :class:`Relationship` comes from a foreign key
(possibly seen through views, or paired through a junction for many-to-many); a
:class:`ComputedRelationship` comes from a function ``f(table) returns [setof] other``.

>>> r = Relationship(
...     table=QualifiedName("public", "tickets"),
...     foreign_table=QualifiedName("public", "users"),
...     cardinality="m2o",
...     constraint="tickets_assignee_fkey",
...     columns=(("assignee", "id"),),
... )
>>> r.embed_hint
'users!tickets_assignee_fkey'
>>> r.description
'many-to-one: tickets(assignee) -> users(id) via tickets_assignee_fkey'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

Cardinality = Literal["o2m", "m2o", "o2o", "m2m"]

CARDINALITY_NAMES: dict[str, str] = {
    "o2m": "one-to-many",
    "m2o": "many-to-one",
    "o2o": "one-to-one",
    "m2m": "many-to-many",
}
# PostgREST derives Ord on its Cardinality type in constructor order.
_CARDINALITY_ORDER = {"o2m": 0, "m2o": 1, "o2o": 2, "m2m": 3}


class QualifiedName(NamedTuple):
    """``(schema, name)`` of a table, view or function.

    >>> QualifiedName("public", "tickets").qualified
    'public.tickets'
    """

    schema: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def __str__(self) -> str:
        return self.qualified


ColumnPairs = tuple[tuple[str, str], ...]


def _fmt_cols(cols: Any) -> str:
    return "(" + ", ".join(cols) + ")"


@dataclass(frozen=True)
class Junction:
    """The junction table (or view) of a many-to-many relationship.

    ``source_columns`` pairs ``(origin column, junction column)`` for ``constraint1``
    (junction -> origin); ``target_columns`` pairs ``(target column, junction column)``
    for ``constraint2`` (junction -> target).
    """

    table: QualifiedName
    constraint1: str
    constraint2: str
    source_columns: ColumnPairs
    target_columns: ColumnPairs

    def sort_key(self) -> tuple[Any, ...]:
        return (tuple(self.table), self.constraint1, self.constraint2,
                self.source_columns, self.target_columns)


@dataclass(frozen=True)
class Relationship:
    """A relationship found from a foreign key, as PostgREST sees it from ``table``.

    ``columns`` pairs ``(column of table, column of foreign_table)``; empty for
    many-to-many, whose columns are in ``junction``. ``constraint`` is the foreign key's
    name (``None`` for many-to-many). For one-to-one, ``is_parent`` is true on the side
    that is referenced (the table holding the primary key).
    """

    table: QualifiedName
    foreign_table: QualifiedName
    cardinality: Cardinality
    constraint: str | None = None
    columns: ColumnPairs = ()
    is_self: bool = False
    is_parent: bool = False
    junction: Junction | None = None
    table_is_view: bool = False
    foreign_table_is_view: bool = False

    kind = "foreign_key"

    @property
    def to_one(self) -> bool:
        """Embeds as a JSON object (many-to-one, one-to-one) rather than an array."""
        return self.cardinality in ("m2o", "o2o")

    @property
    def name(self) -> str:
        """What identifies the relationship in a hint: the FK or the junction table."""
        if self.junction is not None:
            return self.junction.table.name
        return self.constraint or ""

    @property
    def hint(self) -> str:
        """The ``!hint`` that selects exactly this relationship (PostgREST's own choice)."""
        return self.name

    @property
    def embed_hint(self) -> str:
        """``target!hint`` as PostgREST lists it in a PGRST201 hint: ``users!tickets_assignee_fkey``."""
        return f"{self.foreign_table.name}!{self.hint}"

    @property
    def cardinality_name(self) -> str:
        return CARDINALITY_NAMES[self.cardinality]

    @property
    def through_views(self) -> bool:
        return self.table_is_view or self.foreign_table_is_view

    @property
    def description(self) -> str:
        """One readable line: cardinality, columns on both sides, constraint or junction."""
        t, ft = self.table.name, self.foreign_table.name
        card = self.cardinality_name
        if self.junction is not None:
            j = self.junction
            src = _fmt_cols(c for c, _ in j.source_columns)
            jsrc = _fmt_cols(c for _, c in j.source_columns)
            jtgt = _fmt_cols(c for _, c in j.target_columns)
            tgt = _fmt_cols(c for c, _ in j.target_columns)
            text = (f"{card}: {t}{src} <- {j.table.name}{jsrc} [{j.constraint1}], "
                    f"{j.table.name}{jtgt} -> {ft}{tgt} [{j.constraint2}]")
        else:
            cols = _fmt_cols(c for c, _ in self.columns)
            fcols = _fmt_cols(c for _, c in self.columns)
            arrow = "->" if self.cardinality in ("m2o",) or (
                self.cardinality == "o2o" and not self.is_parent) else "<-"
            text = f"{card}: {t}{cols} {arrow} {ft}{fcols} via {self.constraint}"
        views = [n for n, v in ((t, self.table_is_view), (ft, self.foreign_table_is_view)) if v]
        if views:
            text += " (through view " + " and ".join(dict.fromkeys(views)) + ")"
        return text

    def details(self) -> dict[str, str]:
        """The entry PostgREST puts in a PGRST201 ``details`` list for this relationship."""
        t, ft = self.table.name, self.foreign_table.name
        if self.junction is not None:
            j = self.junction
            rel = (f"{j.table.name} using {j.constraint1}"
                   f"{_fmt_cols(c for _, c in j.source_columns)} and {j.constraint2}"
                   f"{_fmt_cols(c for _, c in j.target_columns)}")
        else:
            rel = (f"{self.constraint} using {t}{_fmt_cols(c for c, _ in self.columns)}"
                   f" and {ft}{_fmt_cols(c for _, c in self.columns)}")
        return {"cardinality": self.cardinality_name, "embedding": f"{t} with {ft}",
                "relationship": rel}

    def sort_key(self) -> tuple[Any, ...]:
        """PostgREST's derived ``Ord``: table, foreign table, self, cardinality, ..."""
        if self.junction is not None:
            card: tuple[Any, ...] = (3, self.junction.sort_key())
        else:
            card = (_CARDINALITY_ORDER[self.cardinality], self.constraint or "", self.columns,
                    self.is_parent)
        return (0, tuple(self.table), tuple(self.foreign_table), self.is_self, card,
                self.table_is_view, self.foreign_table_is_view)

    def __str__(self) -> str:
        return self.description


@dataclass(frozen=True)
class ComputedRelationship:
    """A relationship defined by a function ``function(table) returns [setof] foreign_table``.

    It is embedded by the function's name (``select=name,clients_fn(*)``) and queried as
    ``FROM function(parent_alias)``.
    """

    function: QualifiedName
    table: QualifiedName
    foreign_table: QualifiedName
    to_one: bool = False
    is_self: bool = False

    kind = "computed"
    constraint = None
    columns: ColumnPairs = ()
    junction = None
    table_is_view = False
    foreign_table_is_view = False
    is_parent = False

    @property
    def cardinality(self) -> str:
        return "m2o" if self.to_one else "o2m"

    @property
    def cardinality_name(self) -> str:
        return "to-one (computed)" if self.to_one else "to-many (computed)"

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def hint(self) -> str:
        return self.function.name

    @property
    def embed_hint(self) -> str:
        """Computed relationships are embedded by the function name, no ``!`` needed."""
        return self.function.name

    @property
    def through_views(self) -> bool:
        return False

    @property
    def description(self) -> str:
        shape = f"setof {self.foreign_table.name}" if not self.to_one else self.foreign_table.name
        return (f"computed {'to-one' if self.to_one else 'to-many'}: "
                f"{self.function.qualified}({self.table.name}) returns {shape}")

    def details(self) -> dict[str, str]:
        return {}

    def sort_key(self) -> tuple[Any, ...]:
        return (1, tuple(self.function), tuple(self.table), tuple(self.foreign_table),
                (), self.to_one, self.is_self)

    def __str__(self) -> str:
        return self.description


AnyRelationship = Relationship | ComputedRelationship
