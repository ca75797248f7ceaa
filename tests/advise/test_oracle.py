"""Oracle: pgprobe's advisors against Splinter's own SQL on the same databases.

Runs only with ``PGPROBE_SPLINTER_DIR`` (a local checkout of supabase/splinter, kept outside
the repository). It is marked ``splinter_oracle`` and deselected by the Makefile's test
targets, because CI has no network to fetch the checkout; its recorded result is in
docs/advisors.md. Run it with:
``PGPROBE_SPLINTER_DIR=/path/to/splinter pytest -m splinter_oracle tests/advise/test_oracle.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe.advise import RULES
from tests.advise._splinter import pgprobe_findings, splinter_findings

pytestmark = pytest.mark.splinter_oracle

SPLINTER_RULES = {r.name for r in RULES if r.splinter}


@pytest.fixture(scope="module")
def checkout() -> Path:
    where = os.environ.get("PGPROBE_SPLINTER_DIR")
    if not where:
        if os.environ.get("CI") == "true":
            pytest.fail("PGPROBE_SPLINTER_DIR is not set: in CI the Splinter oracle must run "
                        "(or be deselected with -m 'not splinter_oracle')")
        pytest.skip("PGPROBE_SPLINTER_DIR is not set (a local checkout of supabase/splinter)")
    path = Path(where)
    assert (path / "lints").is_dir(), f"{path} is not a Splinter checkout (no lints/)"
    return path


def _compare(dsn: str, checkout: Path) -> None:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("select current_setting('pgrst.db_schemas', true)").fetchone()
    setting = row[0] if row else None
    report = pgprobe.advise(dsn)
    theirs, unrunnable = splinter_findings(dsn, checkout,
                                           None if setting is not None else "public")
    ours = pgprobe_findings(report, SPLINTER_RULES - set(unrunnable))
    missing = sorted((theirs - ours).elements(), key=str)
    extra = sorted((ours - theirs).elements(), key=str)
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
    assert sum(theirs.values()) > 0
    print(f"identical: {sum(ours.values())} findings of {len({k[0] for k in ours})} rules; "
          f"not runnable on this server: {unrunnable or 'none'}")


def test_scenario_matches_splinter(scenario_dsn: str, checkout: Path) -> None:
    _compare(scenario_dsn, checkout)


def test_demo_matches_splinter(demo_dsn: str, checkout: Path) -> None:
    _compare(demo_dsn, checkout)
