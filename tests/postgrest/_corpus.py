"""The PostgREST conformance corpus: cases, the base configuration, skips and the comparison.

The skip list is data (``SKIP_FEATURES``, ``SKIP_CASES``, ``skip_reason``), so
``make_conformance_doc.py`` renders docs/postgrest-conformance.md from exactly what the
test run skips.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# ../shared beside the checkout (CI's layout), else the workplace's copy.
CONFORMANCE = next((p / "postgrest-conformance" for p in
                    (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
                    if (p / "postgrest-conformance").exists()),
                   Path("/work/shared/postgrest-conformance"))
CASES_FILE = CONFORMANCE / "cases.json"

BASE_CONFIG: dict[str, Any] = {
    "db-schemas": ["test"],
    "db-anon-role": "postgrest_test_anonymous",
    "db-extra-search-path": [],
    "db-max-rows": None,
    "db-pre-request": "test.switch_role",
    "db-aggregates-enabled": False,
    "db-tx-end": "rollback-allow-override",
    "db-plan-enabled": False,
    "client-error-verbosity": "verbose",
    "url-use-legacy-target-names": True,
    "db-prepared-statements": True,
    "jwt-secret": "reallyreallyreallyreallyverysafe",
    "jwt-role-claim-key": ".role",
    "app-settings": {"app.settings.app_host": "localhost",
                     "app.settings.external_api_secret": "0123456789abcdef"},
}

# Whole features not translated yet (with the reason shown in the docs).
SKIP_FEATURES: dict[str, str] = {}

# Individual cases (id -> reason). Only for behaviour that is out of scope, never to hide a bug.
SKIP_CASES: dict[str, str] = {}

# Cases whose read requests need things outside the engine's scope.
SKIP_REQUIRES: dict[str, str] = {
    "postgis": "needs the real PostGIS extension (the stand-in is loaded)",
}


def load_cases() -> list[dict[str, Any]]:
    return json.loads(CASES_FILE.read_text())


def skip_reason(case: dict[str, Any], *, postgis: bool = False) -> str | None:
    """Why a case is skipped (``postgis``: the fixture database has the real extension)."""
    if case["id"] in SKIP_CASES:
        return SKIP_CASES[case["id"]]
    for req in case.get("requires", []):
        if req in SKIP_REQUIRES and not (req == "postgis" and postgis):
            return SKIP_REQUIRES[req]
    if case["feature"] in SKIP_FEATURES:
        return SKIP_FEATURES[case["feature"]]
    return None


def case_config(case: dict[str, Any]) -> dict[str, Any]:
    cfg = dict(BASE_CONFIG)
    cfg.update(case.get("config") or {})
    return cfg


# -- comparison --------------------------------------------------------------------------
def _canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True)


def json_equal(expected: Any, actual: Any, *, relaxed: bool, ordered_root: bool,
               ordered_keys: set[str], top: bool = True) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or (type(expected) is type(actual) and expected == actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return float(expected) == float(actual)
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(expected) != set(actual):
            return False
        return all(json_equal(expected[k], actual[k], relaxed=relaxed, ordered_root=False,
                              ordered_keys=ordered_keys, top=False)
                   if not (relaxed and isinstance(expected[k], list) and k not in ordered_keys
                           and _rows(expected[k]))
                   else _multiset_equal(expected[k], actual[k], ordered_keys)
                   for k in expected)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return False
        if relaxed and top and not ordered_root and _rows(expected):
            return _multiset_equal(expected, actual, ordered_keys)
        return all(json_equal(e, a, relaxed=relaxed, ordered_root=False,
                              ordered_keys=ordered_keys, top=False)
                   for e, a in zip(expected, actual, strict=True))
    return bool(expected == actual)


def _rows(v: Any) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def _multiset_equal(expected: Any, actual: Any, ordered_keys: set[str]) -> bool:
    if not isinstance(actual, list) or len(expected) != len(actual):
        return False
    remaining = list(actual)
    for e in expected:
        for i, a in enumerate(remaining):
            if json_equal(e, a, relaxed=True, ordered_root=True, ordered_keys=ordered_keys,
                          top=False):
                del remaining[i]
                break
        else:
            return False
    return True


def embedded_orders(path: str) -> set[str]:
    from urllib.parse import unquote_plus

    _, _, query = path.partition("?")
    keys = set()
    for part in query.split("&"):
        k = unquote_plus(part.partition("=")[0])
        if k.endswith(".order"):
            keys.update(k.split(".")[:-1])
    return keys


def compare(case: dict[str, Any], res: Any, *, relaxed: bool = True) -> list[str]:
    """Mismatches between the case's expectation and a :class:`Result` (empty = pass)."""
    problems: list[str] = []
    if res.status != case["expected_status"]:
        problems.append(f"status {res.status} != {case['expected_status']}")
    kind = case["expected_body_kind"]
    code = case.get("expected_error_code")
    if code is not None:
        got = (res.error or {}).get("code") if res.error else (
            res.body.get("code") if isinstance(res.body, dict) else None)
        if got != code:
            problems.append(f"error code {got!r} != {code!r}")
        if code.startswith("PGRST") and kind == "json":
            exp = case["expected_body"]
            for k in ("code", "message", "details", "hint"):
                if k in exp and _canon(exp[k]) != _canon((res.body or {}).get(k)):
                    problems.append(f"error {k}: {(res.body or {}).get(k)!r} != {exp[k]!r}")
    elif kind == "json":
        try:
            actual = json.loads(res.body_text) if res.body_text else None
        except ValueError:
            actual = res.body_text
        if not json_equal(case["expected_body"], actual, relaxed=relaxed,
                          ordered_root=case["ordered"], ordered_keys=embedded_orders(case["path"])):
            problems.append(f"body {res.body_text[:300]!r} != "
                            f"{json.dumps(case['expected_body'])[:300]}")
    elif kind == "text" and res.body_text != case["expected_body_text"]:
        problems.append(f"text {res.body_text[:200]!r} != "
                        f"{case['expected_body_text'][:200]!r}")
    hdrs = {k.lower(): v for k, v in res.headers.items()}
    planner = "planner-statistics" in case.get("requires", [])
    for h, v in case["expected_headers"].items():
        hl = h.lower()
        if hl == "content-length":
            continue
        if planner and hl == "content-range":
            if hdrs.get(hl, "").split("/")[0] != v.split("/")[0]:
                problems.append(f"header {h}: {hdrs.get(hl)!r} != {v!r} (range part)")
            continue
        if hdrs.get(hl) != v:
            problems.append(f"header {h}: {hdrs.get(hl)!r} != {v!r}")
    for chk in case["expected_header_checks"]:
        hl = chk["header"].lower()
        if chk["check"] == "absent" and hl in hdrs:
            problems.append(f"header {chk['header']} should be absent")
        elif chk["check"] == "contains" and chk["value"] not in hdrs.get(hl, ""):
            problems.append(f"header {chk['header']} should contain {chk['value']!r}")
    return problems
