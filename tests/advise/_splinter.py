"""Run Splinter's own lint SQL from a local checkout (``PGPROBE_SPLINTER_DIR``) and reduce
both sides to comparable keys: (rule, level, schema, object).

Nothing of Splinter is in this repository: the checkout is read at test time only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

from pgprobe.advise import AdviseReport

Key = tuple[str, str, str | None, str]


def lint_files(checkout: Path) -> list[Path]:
    return sorted((checkout / "lints").glob("0*.sql"))


def _select_of(path: Path) -> str:
    text = path.read_text()
    text = re.sub(r"(?is)^\s*create view\s+\S+\s+as", "", text, count=1)
    return text.strip().rstrip(";")


def _key(row: dict[str, Any]) -> Key:
    meta = row["metadata"] if isinstance(row["metadata"], dict) else json.loads(row["metadata"])
    if row["name"] == "extension_versions_outdated":
        return (row["name"], row["level"], None, meta["extension_name"])
    if row["name"] == "extension_in_public":
        return (row["name"], row["level"], None, meta["name"])
    return (row["name"], row["level"], meta.get("schema"), meta.get("name"))


def splinter_findings(dsn: str, checkout: Path, exposed: str | None
                      ) -> tuple[Counter[Key], dict[str, str]]:
    """Every lint's rows, in a read-only transaction; ``exposed`` is set as
    ``pgrst.db_schemas`` when the database does not set it (pgprobe's default: public).
    Lints the server cannot run (0025 needs libxml, which the embedded PostgreSQL lacks) are
    returned apart, by rule name, with the server's message."""
    found: Counter[Key] = Counter()
    unrunnable: dict[str, str] = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("set transaction read only")
        conn.execute("set local search_path = ''")
        if exposed is not None:
            conn.execute("select set_config('pgrst.db_schemas', %s, true)", (exposed,))
        for path in lint_files(checkout):
            try:
                with conn.transaction():
                    cur = conn.execute(_select_of(path))  # type: ignore[arg-type]
                    names = [d.name for d in cur.description or ()]
                    rows = cur.fetchall()
            except psycopg.errors.FeatureNotSupported as exc:
                unrunnable[path.stem.split("_", 1)[1]] = str(exc).splitlines()[0]
                continue
            for values in rows:
                found[_key(dict(zip(names, values, strict=True)))] += 1
        conn.rollback()
    return found, unrunnable


def pgprobe_findings(report: AdviseReport, splinter_rules: set[str]) -> Counter[Key]:
    return Counter((f.rule, f.level, f.schema, f.object) for f in report.findings
                   if f.rule in splinter_rules)
