"""docs/demo-schema, the newcomer's first page, still matches the demo database."""

from __future__ import annotations

import dataclasses
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
    # PostgreSQL 15 has no MAINTAIN privilege and another version number: nothing else differs
    assert {d.status for d in result.drift} <= {"changed"}, str(result)
    for drift in result.drift:
        changed = [line for line in drift.detail.splitlines() if line[:1] in "+-"]
        assert changed and all("MAINTAIN" in line or "PostgreSQL 18" in line
                               or "PostgreSQL 15" in line for line in changed), str(result)


def test_onboarding_links_exist() -> None:
    import re

    text = (ROOT / "docs" / "onboarding.md").read_text()
    links = re.findall(r"\]\((demo-schema/[^)]+)\)", text)
    assert len(links) >= 6
    for link in links:
        assert (ROOT / "docs" / link).exists(), link
