"""Each rule's documented example, run on a fresh Supabase-shaped database, makes that rule
fire (the examples in docs/advisors.md come from the same rule classes)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import pgprobe
from pgprobe.advise import RULES
from pgprobe.embedded import Server
from pgprobe.migrations import stand_in_sql

ROOT = Path(__file__).resolve().parents[2]
NEEDS_PG_GRAPHQL = {"pg_graphql_anon_table_exposed", "pg_graphql_authenticated_table_exposed"}


@pytest.fixture(scope="module")
def template(pg_server: Server) -> Iterator[str]:
    name = "advise_examples_template"
    dsn = pg_server.create_database(name, replace=True)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("set check_function_bodies = off")
        conn.execute(stand_in_sql())  # type: ignore[arg-type]
    try:
        yield name
    finally:
        pg_server.drop_database(name)


def _statements(sql: str) -> list[str]:
    return [s for s in re.split(r";(?:\s+|$)", sql) if s.strip() and not
            all(line.strip().startswith("--") or not line.strip() for line in s.splitlines())]


@pytest.mark.parametrize("rule", [r for r in RULES if r.name not in NEEDS_PG_GRAPHQL],
                         ids=lambda r: r.name)
def test_example_triggers_its_rule(rule: object, pg_server: Server, template: str) -> None:
    name = f"advise_ex_{uuid.uuid4().hex[:8]}"
    dsn = pg_server.create_database(name, template=template)
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            for statement in _statements(rule.example):  # type: ignore[attr-defined]
                conn.execute(statement)  # type: ignore[arg-type]
        report = pgprobe.advise(dsn, exposed_schemas=["public", "pgmq_public"],
                                rules=[rule.name])  # type: ignore[attr-defined]
        assert report.findings, f"{rule.name}'s example does not trigger it"  # type: ignore[attr-defined]
    finally:
        pg_server.drop_database(name)


def test_docs_list_every_rule_with_its_example() -> None:
    text = (ROOT / "docs" / "advisors.md").read_text()
    for rule in RULES:
        assert f"### `{rule.name}`" in text, rule.name
        assert rule.example.splitlines()[0] in text, rule.name
