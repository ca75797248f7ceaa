"""A hand-built snapshot shaped like the demo database, for tests that need no server."""

from __future__ import annotations

from pgprobe.catalog._model import (
    Column,
    Constraint,
    Policy,
    Relation,
    Schema,
    Snapshot,
    ViewColumnSource,
)


def col(name: str, pos: int, typ: str = "bigint", nullable: bool = True) -> Column:
    return Column(name=name, position=pos, type=typ, base_type=typ, nullable=nullable)


def fk(name: str, cols: tuple[str, ...], ref: str, ref_cols: tuple[str, ...] = ("id",)) -> Constraint:
    schema, table = ref.split(".")
    return Constraint(name, "foreign", cols, ref_schema=schema, ref_table=table, ref_columns=ref_cols)


def pk(table: str, *cols: str) -> Constraint:
    return Constraint(f"{table}_pkey", "primary", cols)


READ = Policy("read", "select", True, ("authenticated",), using="true")


def handmade() -> Snapshot:
    auth_users = Relation(
        "auth", "users", "table", columns=(col("id", 1, "uuid", False), col("email", 2, "text")),
        constraints=(pk("users", "id"),), rls_enabled=True, policies=(READ,),
    )
    users = Relation(
        "public", "users", "table",
        columns=(col("id", 1, "uuid", False), col("email", 2, "text", False), col("name", 3, "text")),
        constraints=(
            pk("users", "id"),
            Constraint("users_email_key", "unique", ("email",)),
            fk("users_id_fkey", ("id",), "auth.users"),
        ),
        rls_enabled=True, policies=(READ,),
    )
    tickets = Relation(
        "public", "tickets", "table",
        columns=(col("id", 1, nullable=False), col("title", 2, "text", False),
                 col("created_by", 3, "uuid"), col("assignee", 4, "uuid"), col("status", 5, "text")),
        constraints=(
            pk("tickets", "id"),
            fk("tickets_created_by_fkey", ("created_by",), "public.users"),
            fk("tickets_assignee_fkey", ("assignee",), "public.users"),
        ),
        rls_enabled=True, policies=(READ,),
    )
    activities = Relation(
        "public", "ticket_activities", "table",
        columns=(col("id", 1, nullable=False), col("ticket_id", 2, nullable=False),
                 col("author", 3, "uuid"), col("content", 4, "text")),
        constraints=(
            pk("ticket_activities", "id"),
            fk("ticket_activities_ticket_id_fkey", ("ticket_id",), "public.tickets"),
            fk("ticket_activities_author_fkey", ("author",), "public.users"),
        ),
        rls_enabled=True,  # no policy: denies everything
    )
    tags = Relation(
        "public", "tags", "table", columns=(col("id", 1, nullable=False), col("label", 2, "text")),
        constraints=(pk("tags", "id"),),
    )
    ticket_tags = Relation(
        "public", "ticket_tags", "table",
        columns=(col("ticket_id", 1, nullable=False), col("tag_id", 2, nullable=False)),
        constraints=(
            pk("ticket_tags", "ticket_id", "tag_id"),
            fk("ticket_tags_ticket_id_fkey", ("ticket_id",), "public.tickets"),
            fk("ticket_tags_tag_id_fkey", ("tag_id",), "public.tags"),
        ),
        rls_enabled=True, policies=(READ,),
    )
    employees = Relation(
        "public", "employees", "table",
        columns=(col("id", 1, nullable=False), col("manager_id", 2)),
        constraints=(pk("employees", "id"), fk("employees_manager_id_fkey", ("manager_id",), "public.employees")),
        rls_enabled=True, policies=(READ,),
    )
    users_secure = Relation(
        "public", "users_secure", "view",
        columns=(col("id", 1, "uuid"), col("email", 2, "text")),
        view_sources=(
            ViewColumnSource("id", "public", "users", "id"),
            ViewColumnSource("email", "public", "users", "email"),
        ),
    )
    return Snapshot(
        database="handmade",
        schemas=(Schema("auth"), Schema("public")),
        relations=(auth_users, users, tickets, activities, tags, ticket_tags, employees, users_secure),
    )
