"""docs/demo-schema, the newcomer's first page, still matches the demo database."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from pgprobe.catalog import Snapshot
from pgprobe.docs import check_docs

ROOT = Path(__file__).resolve().parents[2]
DEMO_DOCS = ROOT / "docs" / "demo-schema"


def test_committed_demo_docs_match_the_demo(demo_snapshot: Snapshot, pg_flavor: str) -> None:
    # the tests' demo database has another name than `pgprobe demo up`'s
    snap = dataclasses.replace(demo_snapshot, database="pgprobe_demo")
    result = check_docs(DEMO_DOCS, snap, max_lines=200)
    if pg_flavor == "embedded":  # the docs were generated on the embedded PostgreSQL 18
        assert result.ok, str(result)
        return
    # PostgreSQL 15 prints view definitions differently, has no MAINTAIN privilege and another
    # version number: the same pages and the same diagrams, some lines differ
    assert {d.status for d in result.drift} <= {"changed"}, str(result)
    assert not [d.path for d in result.drift if d.path.endswith(".svg")], str(result)
    assert any("MAINTAIN" in d.detail for d in result.drift)


def test_onboarding_links_exist() -> None:
    text = (ROOT / "docs" / "onboarding.md").read_text()
    links = re.findall(r"\]\((demo-schema/[^)]+)\)", text)
    assert len(links) >= 6
    for link in links:
        assert (ROOT / "docs" / link).exists(), link
