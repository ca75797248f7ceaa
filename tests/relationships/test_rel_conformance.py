"""Cross-check against PostgREST's own spec cases on its fixture database (system PG 15).

For every read case with embeds: each embed must resolve to exactly one relationship when
PostgREST answered 200, to-one embeds must be JSON objects and to-many ones arrays in the
expected body, and PGRST200/201 cases must produce PostgREST's error body byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pgprobe
from pgprobe.catalog import Snapshot
from pgprobe.embedded import Server, find_bindir
from pgprobe.relationships import EmbedError, RelationshipIndex

from .._servers import server_directory
from .relembeds import Embed, embeds, split_request

pytestmark = [pytest.mark.conformance, pytest.mark.slow]

_SHARED = next((p for p in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
                if (p / "postgrest-conformance").exists()), None)
CORPUS = _SHARED / "postgrest-conformance" if _SHARED else None


def _cases() -> list[dict[str, Any]]:
    if CORPUS is None:
        return []
    out = []
    for case in json.loads((CORPUS / "cases.json").read_text()):
        if case["method"] not in ("GET", "HEAD") or case["path"].startswith("/rpc/"):
            continue
        _, select = split_request(case["path"])
        if select and embeds(select):
            out.append(case)
    return out


CASES = _cases()


@pytest.fixture(scope="module")
def fixture_snapshot() -> Iterator[Snapshot]:
    if CORPUS is None:
        pytest.skip("the conformance corpus (../shared/postgrest-conformance) is not present")
    try:
        find_bindir("system")
    except pgprobe.PgprobeError as exc:
        pytest.skip(f"no system PostgreSQL: {exc}")
    # its own mktemp -d (the server runs as user postgres, which must reach the directory)
    server = Server.start("system", server_directory("rel-pgrst"))
    try:
        dsn = server.create_database("pgrst_fixtures")
        env = dict(os.environ, PSQL=str(server.bindir / "psql"), PGRST_POSTGIS="no")
        subprocess.run(["sh", str(CORPUS / "fixtures" / "load.sh"), dsn], env=env, cwd="/tmp",
                       check=True, capture_output=True)
        yield pgprobe.snapshot(dsn)
    finally:
        server.stop(remove=True)


_indexes: dict[tuple[str, ...], RelationshipIndex] = {}


def _walk(idx: RelationshipIndex, schema: str, origin: str, nodes: list[Embed],
          rows: list[Any], shapes: list[str]) -> None:
    for node in nodes:
        rel = idx.find(schema, origin, node.name, node.hint)
        below: list[Any] = []
        for row in rows:
            if not isinstance(row, dict) or node.key not in row or node.spread:
                continue
            value = row[node.key]
            if value is not None and isinstance(value, list) == rel.to_one:
                shapes.append(f"{node.key}: {rel.description} but got {value!r:.80}")
            below += value if isinstance(value, list) else [value]
        _walk(idx, schema, rel.foreign_table.name, node.children, below, shapes)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_embeds_resolve_like_postgrest(case: dict[str, Any], fixture_snapshot: Snapshot) -> None:
    schemas = case["config"].get("db-schemas", ["test"])
    if isinstance(schemas, str):
        schemas = [s.strip() for s in schemas.split(",")]
    key = tuple(schemas)
    if key not in _indexes:
        _indexes[key] = RelationshipIndex.from_snapshot(fixture_snapshot, schemas)
    idx = _indexes[key]
    headers = {k.lower(): v for k, v in case["request_headers"].items()}
    schema = headers.get("accept-profile", schemas[0])
    table, select = split_request(case["path"])
    assert select is not None
    body = case["expected_body"] if case["expected_body_kind"] == "json" else None
    rows = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    shapes: list[str] = []
    if case["expected_error_code"] in ("PGRST200", "PGRST201"):
        with pytest.raises(EmbedError) as exc:
            _walk(idx, schema, table, embeds(select), [], shapes)
        assert exc.value.status == case["expected_status"]
        assert exc.value.to_json() == case["expected_body"]
    elif case["expected_status"] < 300:
        _walk(idx, schema, table, embeds(select), rows if case["expected_status"] == 200 else [],
              shapes)
        if not case["config"].get("db-aggregates-enabled"):
            assert shapes == []
