"""PostgREST's own spec cases, run through pgprobe.postgrest.request on PostgREST's fixtures.

One test per case of /work/shared/postgrest-conformance/cases.json; the skipped ones (and
why) are listed in docs/postgrest-conformance.md, generated from ``_corpus.skip_reason``.
"""

from __future__ import annotations

from typing import Any

import pytest

from pgprobe.postgrest import request

from ._corpus import case_config, compare, load_cases, skip_reason

pytestmark = pytest.mark.conformance

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any], pgrst_conn: Any, pgrst_snapshot: Any,
              reset_sequences: Any, pgrst_postgis: bool) -> None:
    reason = skip_reason(case, postgis=pgrst_postgis)
    if reason:
        pytest.skip(reason)
    if case["method"] not in ("GET", "HEAD"):
        reset_sequences()
    headers = dict(case["request_headers"])
    res = request(pgrst_conn, case["method"], case["path"], headers=headers,
                  body=case["request_body"], role=case["role"],
                  claims=case.get("jwt_claims") or {}, config=case_config(case),
                  snapshot=pgrst_snapshot)
    problems = compare(case, res)
    assert not problems, f"{case['method']} {case['path']}: " + "; ".join(problems)
    # strict too: every array in PostgREST's order, not only as the same set of rows
    strict = compare(case, res, relaxed=False)
    assert not strict, f"{case['method']} {case['path']} (strict order): " + "; ".join(strict)
