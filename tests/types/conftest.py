from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def research_dir(shared_dir: Path) -> Path:
    d = shared_dir / "research" / "postgres-meta"
    if not d.exists():
        pytest.skip("../shared/research/postgres-meta is not present")
    return d


@pytest.fixture()
def sample_dsn(scratch_dsn: str, pg_server, research_dir: Path) -> str:  # type: ignore[no-untyped-def]
    """A scratch database loaded with the research sample schema (postgres-meta's anchor)."""
    pg_server.psql(scratch_dsn, file=research_dir / "sample-schema.sql")
    return scratch_dsn


@pytest.fixture()
def edge_dsn(scratch_dsn: str, pg_server) -> str:  # type: ignore[no-untyped-def]
    """A scratch database with the generator's edge cases (tests/types/data/edge_schema.sql)."""
    pg_server.psql(scratch_dsn, file=DATA / "edge_schema.sql")
    return scratch_dsn
