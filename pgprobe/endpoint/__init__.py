"""A live PostgREST/Supabase endpoint next to the catalog: its OpenAPI description, schema
cache staleness, request-by-request comparison, supabase-py query builders, and a local
PostgREST stand-in server.

Names are loaded on first use, so ``pgprobe <command>`` (which imports every ``_cli``) stays
fast.

>>> from pgprobe.catalog._model import Snapshot
>>> with serve(Snapshot()) as srv:
...     print(staleness(srv.url, Snapshot()).summary().endswith("up to date"))
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pgprobe.openapi import openapi_from_snapshot, pgrst_type, swagger_type
    from pgprobe.postgrest._client import from_query_builder, is_query_builder

    from ._compare import Comparison, compare_with_endpoint, diff_bodies
    from ._http import HttpAnswer, fetch, parse_header, redact_headers
    from ._server import StandIn, serve
    from ._staleness import (
        RELOAD_SQL,
        Change,
        StalenessReport,
        compare_openapi,
        fetch_openapi,
        staleness,
    )

_WHERE = {
    "from_query_builder": "pgprobe.postgrest._client",
    "is_query_builder": "pgprobe.postgrest._client",
    "Comparison": "_compare", "compare_with_endpoint": "_compare", "diff_bodies": "_compare",
    "HttpAnswer": "_http", "fetch": "_http", "parse_header": "_http",
    "redact_headers": "_http",
    "openapi_from_snapshot": "pgprobe.openapi", "pgrst_type": "pgprobe.openapi",
    "swagger_type": "pgprobe.openapi",
    "StandIn": "_server", "serve": "_server",
    "RELOAD_SQL": "_staleness", "Change": "_staleness", "StalenessReport": "_staleness",
    "compare_openapi": "_staleness", "fetch_openapi": "_staleness", "staleness": "_staleness",
}

__all__ = [
    "RELOAD_SQL",
    "Change",
    "Comparison",
    "HttpAnswer",
    "StalenessReport",
    "StandIn",
    "compare_openapi",
    "compare_with_endpoint",
    "diff_bodies",
    "fetch",
    "fetch_openapi",
    "from_query_builder",
    "is_query_builder",
    "openapi_from_snapshot",
    "parse_header",
    "pgrst_type",
    "redact_headers",
    "serve",
    "staleness",
    "swagger_type",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'pgprobe.endpoint' has no attribute {name!r}")
    where = module if module.startswith("pgprobe.") else f"{__name__}.{module}"
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
