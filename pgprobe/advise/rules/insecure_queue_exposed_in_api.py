"""A Supabase Queues (pgmq) table readable through the API without RLS."""

from __future__ import annotations

from collections.abc import Iterator

from .._context import Context
from .._finding import Finding
from .._like import like
from ._base import Rule


class InsecureQueueExposedInApi(Rule):
    name, level, category = "insecure_queue_exposed_in_api", "ERROR", "security"
    title = "Insecure queue exposed in the API"
    splinter = "0019_insecure_queue_exposed_in_api"
    what = ("A pgmq queue table (`pgmq.q_*`) without RLS that `anon` or `authenticated` may "
            "select, while `pgmq_public` is an exposed schema.")
    why = "Anyone with the anon key can read, and through pgmq_public's functions consume, the queue."
    fix = "Enable RLS on the queue table and add policies, or revoke the API roles' grants."
    example = ("-- with pgrst.db_schemas including pgmq_public\n"
               "create schema pgmq; create table pgmq.q_jobs (msg_id bigint primary key);\n"
               "grant select on pgmq.q_jobs to anon;")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if "pgmq_public" not in ctx.exposed:
            return
        for rel in ctx.relations("table", managed=True):
            if rel.schema != "pgmq" or not like(rel.name, "q_%") or rel.rls_enabled:
                continue
            roles = ctx.api_selectable(rel)
            if roles:
                yield self.finding(rel.schema, rel.name,
                                   f"Queue table {rel.qualified_name} is readable by "
                                   f"{' and '.join(roles)} without RLS.", roles=roles)
