"""``advise(source)``: run every advisor rule over a snapshot or a live database.

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> snap = Snapshot(relations=(Relation("public", "logs", "table"),))
>>> [f.rule for f in advise(snap, rules=["no_primary_key"])]
['no_primary_key']
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Sequence
from typing import Any

from .._errors import InputError
from ..catalog._model import Snapshot
from ._context import Context, LiveStatistics
from ._finding import CATEGORIES, Finding
from ._report import AdviseReport
from .rules import RULES, Rule


def _select(rules: Iterable[str] | None, categories: Iterable[str] | None) -> list[Rule]:
    chosen = list(RULES)
    if rules is not None:
        wanted = set(rules)
        unknown = wanted - {r.name for r in RULES}
        if unknown:
            raise InputError(f"no advisor rule {sorted(unknown)[0]}",
                             hint="pgprobe advise --list-rules shows them all")
        chosen = [r for r in chosen if r.name in wanted]
    if categories is not None:
        cats = set(categories)
        bad = cats - set(CATEGORIES)
        if bad:
            raise InputError(f"unknown advisor type {sorted(bad)[0]}",
                             hint=f"types: {', '.join(CATEGORIES)}, all")
        chosen = [r for r in chosen if r.category in cats]
    return chosen


def run_rules(snapshot: Snapshot, *, exposed_schemas: Sequence[str] | None = None,
              live: LiveStatistics | None = None, rules: Iterable[str] | None = None,
              categories: Iterable[str] | None = None, source: str = "") -> AdviseReport:
    """Run the rules over a snapshot (``live`` adds the statistics-based rules)."""
    ctx = Context(snapshot, exposed_schemas, live)
    missing = ctx.missing_api_roles()
    if missing:
        ctx.note(f"role(s) {', '.join(missing)} do not exist: rules about API roles find nothing "
                 "for them")
    findings: list[Finding] = []
    paused = gc.isenabled()
    gc.disable()  # the rules allocate much and free little: no collector passes meanwhile
    try:
        for rule in _select(rules, categories):
            findings.extend(rule.check(ctx))
    finally:
        if paused:
            gc.enable()
    return AdviseReport(findings, ctx.notes, ctx.exposed, source)


def _is_snapshot_file(source: str) -> bool:
    return source.endswith(".json") or (os.path.isfile(source) and "=" not in source)


def _live_snapshot(source: Any) -> tuple[Snapshot, LiveStatistics]:
    """Every non-system schema expanded (Splinter reads them all), plus live statistics."""
    from ..catalog import snapshot
    from ..catalog._reader import SYSTEM_SCHEMAS, query_text
    from ..connect import connect
    from ._live import read_live

    with connect(source) as probe:
        names = [r[0] for r in probe.conn.execute(query_text("schemas") or "").fetchall()]
        live = read_live(probe.conn)
        dsn = probe.dsn
    schemas = [s for s in names if s not in SYSTEM_SCHEMAS]
    return snapshot(dsn if isinstance(source, str) else source, schemas=schemas), live


def advise(source: Any, *, exposed_schemas: Sequence[str] | None = None,
           rules: Iterable[str] | None = None, categories: Iterable[str] | None = None,
           ) -> AdviseReport:
    """Advisor findings for a Snapshot, a saved snapshot file (``snap.json``) or a live
    database (a DSN or anything :func:`pgprobe.connect` accepts).

    From a live database every non-system schema is read (Supabase's own included, as the
    Splinter lints need) and the usage-based rules read the statistics views; from a file
    those rules are listed in ``report.notes`` as not judged. ``exposed_schemas`` overrides
    the database's ``pgrst.db_schemas`` (default ``public``); ``categories`` picks
    ``security``, ``performance`` and/or ``api``.

    >>> import pgprobe                                              # doctest: +SKIP
    >>> report = pgprobe.advise("postgresql://postgres@localhost/postgres")  # doctest: +SKIP
    >>> report.frame().head()                                       # doctest: +SKIP
    """
    live: LiveStatistics | None = None
    if isinstance(source, Snapshot):
        snap, label = source, source.database or "snapshot"
    elif isinstance(source, str | os.PathLike) and _is_snapshot_file(os.fspath(source)):
        snap, label = Snapshot.load(source), os.fspath(source)
    else:
        snap, live = _live_snapshot(source)
        label = snap.database
    return run_rules(snap, exposed_schemas=exposed_schemas, live=live, rules=rules,
                     categories=categories, source=label)
