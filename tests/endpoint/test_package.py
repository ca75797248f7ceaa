"""The public surface of pgprobe.endpoint, and the docstring examples of its modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

import pgprobe.endpoint as endpoint

MODULES = ["__init__", "_compare", "_http", "_server", "_staleness",
           "_cli"]


def test_all_is_pinned() -> None:
    assert endpoint.__all__ == [
        "RELOAD_SQL", "Change", "Comparison", "HttpAnswer", "StalenessReport", "StandIn",
        "compare_openapi", "compare_with_endpoint", "diff_bodies", "fetch", "fetch_openapi",
        "from_query_builder", "is_query_builder", "openapi_from_snapshot", "parse_header",
        "pgrst_type", "redact_headers", "serve", "staleness", "swagger_type"]
    for name in endpoint.__all__:
        assert getattr(endpoint, name) is not None
    with pytest.raises(AttributeError):
        endpoint.nope  # noqa: B018


@pytest.mark.parametrize("module", MODULES)
def test_doctests(module: str) -> None:
    name = "pgprobe.endpoint" if module == "__init__" else f"pgprobe.endpoint.{module}"
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
