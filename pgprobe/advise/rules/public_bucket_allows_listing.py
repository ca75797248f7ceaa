"""A public Storage bucket whose SELECT policy lets clients list every file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...catalog._model import Policy
from .._context import Context
from .._finding import Finding
from ._always_true import always_true
from ._base import Rule

# bucket_id = '<literal>' with an optional cast and any parentheses around it
_BUCKET_ONLY = re.compile(
    r"\s*\(*\s*bucket_id\s*=\s*('(?:[^']|'')*')(?:\s*::\s*[A-Za-z0-9_.]+)?\s*\)*\s*",
    re.IGNORECASE)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lists_bucket(pol: Policy, bucket_id: str) -> bool:
    """The policy lets API roles read every object of the bucket."""
    if pol.command not in ("select", "all") or not pol.permissive:
        return False
    if not {"public", "anon", "authenticated"} & set(pol.roles):
        return False
    if pol.using is None or always_true(pol.using):
        return True
    m = _BUCKET_ONLY.fullmatch(pol.using)
    return bool(m and m.group(1) == _quoted(bucket_id))


class PublicBucketAllowsListing(Rule):
    name, level, category = "public_bucket_allows_listing", "WARN", "security"
    title = "Public bucket allows listing"
    splinter = "0025_public_bucket_allows_listing"
    live = True
    what = ("A public Storage bucket with a permissive SELECT policy on `storage.objects` for "
            "the API roles that is unconditional or only tests `bucket_id`.")
    why = ("Public object URLs work without any policy; the broad policy additionally lets "
           "anyone list every file name in the bucket.")
    fix = "Drop the broad SELECT policy, or restrict it to a folder or owner."
    example = ("insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);\n"
               "create policy list_avatars on storage.objects for select "
               "using (bucket_id = 'avatars');")

    def check(self, ctx: Context) -> Iterator[Finding]:
        if ctx.live is None:
            ctx.note(f"{self.name}: not judged from a snapshot file (bucket rows are data; "
                     "run advise with --dsn)")
            return
        objects = ctx.relation("storage.objects")
        policies = objects.policies if objects is not None else ()
        for bucket in ctx.live.public_buckets:
            names = sorted(p.name for p in policies if lists_bucket(p, bucket["id"]))
            if names:
                yield self.finding("storage", bucket["name"],
                                   f"Public bucket {bucket['name']} can be listed through "
                                   f"storage.objects policies {', '.join(names)}.",
                                   bucket_id=bucket["id"], policies=names)
