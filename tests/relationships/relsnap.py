"""Hand-built Snapshots for the relationship rules (no database needed)."""

from __future__ import annotations

from pgprobe.catalog._model import (
    Column,
    Constraint,
    Function,
    FunctionArg,
    Relation,
    Snapshot,
    ViewColumnSource,
)


def col(name: str, pos: int = 1) -> Column:
    return Column(name=name, position=pos, type="integer", base_type="int4")


def table(schema: str, name: str, cols: list[str], *constraints: Constraint,
          kind: str = "table", partition_of: str | None = None) -> Relation:
    return Relation(schema, name, kind,  # type: ignore[arg-type]
                    columns=tuple(col(c, i) for i, c in enumerate(cols, 1)),
                    constraints=tuple(constraints), partition_of=partition_of)


def pk(name: str, *cols: str) -> Constraint:
    return Constraint(name, "primary", tuple(cols))


def unique(name: str, *cols: str) -> Constraint:
    return Constraint(name, "unique", tuple(cols))


def fk(name: str, cols: tuple[str, ...] | str, ref: str, ref_cols: tuple[str, ...] | str
       ) -> Constraint:
    schema, tbl = ref.split(".")
    cols = (cols,) if isinstance(cols, str) else cols
    ref_cols = (ref_cols,) if isinstance(ref_cols, str) else ref_cols
    return Constraint(name, "foreign", cols, ref_schema=schema, ref_table=tbl, ref_columns=ref_cols)


def view(schema: str, name: str, sources: list[tuple[str, str, str]],
         kind: str = "view") -> Relation:
    """``sources``: (view column, "schema.table", source column); columns in that order."""
    cols = list(dict.fromkeys(v for v, _, _ in sources))
    return Relation(
        schema, name, kind,  # type: ignore[arg-type]
        columns=tuple(col(c, i) for i, c in enumerate(cols, 1)),
        view_sources=tuple(ViewColumnSource(v, s.split(".")[0], s.split(".")[1], c)
                           for v, s, c in sources),
    )


def func(schema: str, name: str, arg_table: str, returns: str, setof: bool = False,
         rows: float = 0, extra_args: int = 0) -> Function:
    a_schema, a_name = arg_table.split(".")
    args = (FunctionArg("row", arg_table, "in", type_schema=a_schema, base_type=a_name),)
    args += tuple(FunctionArg(f"x{i}", "integer", "in", base_type="int4") for i in range(extra_args))
    return Function(schema=schema, name=name, identity_args="", args=args,
                    return_type=("setof " if setof else "") + returns, returns_set=setof,
                    return_type_relation=returns, return_type_kind="composite", rows=rows)


def snap(*relations: Relation, functions: tuple[Function, ...] = ()) -> Snapshot:
    return Snapshot(relations=tuple(relations), functions=functions)
