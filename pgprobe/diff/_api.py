"""The one-call entry points: ``diff(a, b)`` over any two schema sources, ``check(file, db)``.

>>> from pgprobe.catalog._model import Relation, Snapshot
>>> a = Snapshot(relations=(Relation("public", "tickets", "table"),))
>>> b = Snapshot(relations=(Relation("public", "tickets", "table", rls_enabled=True),))
>>> diff(a, b).paths()
['public.tickets.rls.enabled']
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from .._errors import InputError
from ._engine import DEFAULT_EXCLUDE, diff_snapshots
from ._expect import Expectations
from ._fast import live_pair, load_pair
from ._report import DiffReport
from ._sources import Resolved, classify, label_of, resolve, resolve_pair


def diff(
    a: Any,
    b: Any,
    *,
    schemas: Collection[str] | None = None,
    include: Collection[str] | None = None,
    exclude: Collection[str] = DEFAULT_EXCLUDE,
    left_label: str | None = None,
    right_label: str | None = None,
    full: bool = False,
) -> DiffReport:
    """Compare two schema sources (left ``a`` = old / expected, right ``b`` = new / actual).

    Each side is a Snapshot, a saved snapshot file, a DSN / Probe / connection, or an
    expectations ``.yml`` (then the report lists what the other side breaks). ``schemas``
    limits the comparison; ``include`` / ``exclude`` pick object kinds. ``full=True`` reads
    two live databases in full at once (what ``to_sql`` needs) instead of only the
    relations that differ.
    """
    kinds = (classify(a), classify(b))
    for app_side, (ka, kb) in (("a", kinds), ("b", kinds[::-1])):
        if ka in ("types", "fieldmap"):
            if kb in ("types", "fieldmap", "expectations"):
                raise InputError(f"cannot diff a {ka} file with a {kb} file",
                                 hint="compare it with a database or a snapshot")
            return _app_file(ka, *((a, b) if app_side == "a" else (b, a)), schemas)
    if "expectations" in kinds:
        if kinds == ("expectations", "expectations"):
            raise InputError("cannot diff two expectations files",
                             hint="compare an expectations file with a database or snapshot")
        exp_source, other = (a, b) if kinds[0] == "expectations" else (b, a)
        expectations = resolve(exp_source).expectations
        report = check(expectations, other, schemas=schemas).report()
        report.left_label = (left_label if kinds[0] == "expectations" else right_label) \
            or expectations.label
        given = right_label if kinds[0] == "expectations" else left_label
        report.right_label = given or report.right_label
        return report
    if kinds == ("file", "file"):
        sa, sb = load_pair(a, b)
        ra, rb = Resolved(Path(a).name, snapshot=sa), Resolved(Path(b).name, snapshot=sb)
    elif kinds == ("live", "live") and isinstance(a, str) and isinstance(b, str) and not full:
        sa, sb = live_pair(a, b, schemas)
        ra, rb = Resolved(label_of(a), snapshot=sa), Resolved(label_of(b), snapshot=sb)
    else:
        ra, rb = resolve_pair(a, b, schemas=schemas)
    la, lb = left_label or ra.label, right_label or rb.label
    assert ra.snapshot is not None and rb.snapshot is not None
    if la == lb:
        la, lb = f"{la} (a)", f"{lb} (b)"
    report = diff_snapshots(ra.snapshot, rb.snapshot, la, lb, schemas=schemas, include=include,
                            exclude=exclude)
    report.sources = (a, b)
    if kinds == ("live", "live") and not full:
        # the snapshots hold only the relations that differ: enough for the report; to_sql
        # reads both databases in full (dependencies, roles) through full_snapshots()
        report.full_snapshots = lambda: tuple(  # type: ignore[attr-defined]
            r.snapshot for r in resolve_pair(a, b, schemas=schemas))
    return report


def _app_file(kind: str, app_file: Any, other: Any,
              schemas: Collection[str] | None) -> DiffReport:
    """A TypeScript types file or an app field map against a database / snapshot, through
    the comparer registered for that kind (:mod:`pgprobe.types` provides both; the report's
    left side is the file)."""
    from ._adapters import comparer

    compare = comparer(kind)
    target = resolve(other, schemas=list(schemas) if schemas is not None else None)
    if target.snapshot is None:
        raise InputError(f"cannot compare a {kind} file with an expectations file")
    report: DiffReport = compare(app_file, target.snapshot,
                                 list(schemas) if schemas is not None else None)
    report.right_label = target.label
    return report


def check(expectations: Any, source: Any, *, dsn: Any = None,
          schemas: Collection[str] | None = None) -> Expectations:
    """Run an expectations file (path or parsed) against a database or snapshot.

    Returns the checklist (:class:`Expectations`): ``.ok``, ``.failures``, ``.report()``,
    ``.to_text()``; request checks run live when ``source`` (or ``dsn``) is a database.
    """
    exp = resolve(expectations)
    if exp.expectations is None:
        raise InputError("expected an expectations .yml file", where=str(expectations))
    target = resolve(source, schemas=list(schemas) if schemas is not None else None)
    if target.snapshot is None:
        raise InputError("cannot check expectations against another expectations file")
    unread = {s.name for s in target.snapshot.schemas if not s.expanded} & \
        exp.expectations.schemas
    if unread and target.live is not None and schemas is None:
        # the file names objects in schemas a default snapshot lists but does not read
        # (Supabase's auth, storage, ...): read those too
        wanted = sorted({s.name for s in target.snapshot.schemas if s.expanded} | unread)
        target = resolve(source, schemas=wanted)
    live = dsn if dsn is not None else target.live
    return exp.expectations.check(target.snapshot, label=target.label, dsn=live)
