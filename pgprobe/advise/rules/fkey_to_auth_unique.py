"""A foreign key into ``auth`` through a unique constraint rather than the primary key."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from ._base import Rule


class FkeyToAuthUnique(Rule):
    name, level, category = "fkey_to_auth_unique", "ERROR", "security"
    title = "Foreign key to an auth unique constraint"
    splinter = "0021_fkey_to_auth_unique"
    what = ("A foreign key that references a table in the `auth` schema through a unique "
            "constraint or index other than its primary key (e.g. `auth.users.phone`).")
    why = ("Supabase Auth owns those constraints and may drop or change them in an upgrade; "
           "the foreign key then blocks the upgrade or breaks sign-ups.")
    fix = "Reference `auth.users(id)` (the primary key) instead, or drop the foreign key."
    example = ("-- Supabase's auth.users has a unique phone\n"
               "create unique index if not exists users_phone_key on auth.users (phone);\n"
               "create table public.phones (phone text primary key references auth.users (phone));")

    def check(self, ctx: Context) -> Iterator[Finding]:
        unknown = False
        for rel in ctx.relations(managed=True):
            for fk in rel.foreign_keys:
                if fk.ref_schema != "auth":
                    continue
                if fk.ref_primary is None:
                    unknown = True
                elif not fk.ref_primary:
                    yield self.finding(rel.schema, rel.name,
                                       f"Foreign key {fk.name} on {rel.qualified_name} "
                                       f"references a unique key of {fk.ref}.",
                                       foreign_key=fk.name, references=fk.ref)
        if unknown:
            ctx.note(f"{self.name}: this snapshot predates the referenced-key facts; "
                     "take a new one to judge foreign keys into auth")
