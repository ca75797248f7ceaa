"""Relationship tests: PostgREST requests an expectations file says must keep working.

Each request is planned and run through :mod:`pgprobe.postgrest` (the same engine as
``pgprobe.postgrest.request``): it must resolve (no PGRST200 "could not find a
relationship"), not be ambiguous (PGRST201), and, when asked, return at least ``min_rows``
rows as ``role`` with ``claims``. Without a live database only planning is checked; without
the PostgREST engine the checks are skipped with a message saying so.
"""

from __future__ import annotations

from typing import Any

from ._expect import Expectations


def _engine() -> Any:
    try:
        from .. import postgrest
    except ImportError:
        return None
    if not hasattr(postgrest, "request"):
        return None
    return postgrest


def _config(ex: Expectations, role: str | None) -> dict[str, Any]:
    schemas = sorted({r.schema for r in ex.snap.relations}) or ["public"]
    if "public" in schemas:  # PostgREST's first db-schema is the default one
        schemas.remove("public")
        schemas.insert(0, "public")
    cfg: dict[str, Any] = {"db-schemas": ",".join(schemas)}
    if any(r.name == "anon" for r in ex.snap.roles) or not ex.snap.roles:
        cfg["db-anon-role"] = "anon"
    return cfg


def _error_text(error: dict[str, Any]) -> tuple[str, str | None, str]:
    code = str(error.get("code") or "")
    detail = f"{code}: {error.get('message')}" if code else str(error.get("message"))
    details = error.get("details")
    if isinstance(details, list):  # PGRST201: the candidate relationships
        details = "; ".join(str(d.get("relationship", d)) if isinstance(d, dict) else str(d)
                            for d in details)
    if details:
        detail += f" ({details})"
    hint = error.get("hint")
    reason = {"PGRST201": "ambiguous", "PGRST200": "does not resolve"}.get(code, "fails")
    return detail, (str(hint) if hint else None), reason


def check_request(
    ex: Expectations,
    request: str,
    *,
    role: str | None = None,
    claims: dict[str, Any] | None = None,
    min_rows: int | None = None,
    status: int | None = None,
    body: Any = None,
    config: dict[str, Any] | None = None,
) -> None:
    as_role = f" as {role}" if role else ""
    desc = f"request {request}{as_role} works"
    subject = f"requests.{request}"
    engine = _engine()
    if engine is None:
        ex.skipped(subject, desc, "skipped: pgprobe.postgrest (the PostgREST engine) is not "
                   "available in this installation")
        return
    method, _, target = request.partition(" ")
    method, target = method.upper(), target.strip()
    config = {**_config(ex, role), **(config or {})}
    try:
        if ex.dsn is None:
            result = engine.explain(ex.snap, method, target, role=role, claims=claims,
                                    body=body, config=config)
        else:
            result = engine.request(ex.dsn, method, target, role=role, claims=claims, body=body,
                                    config=config, snapshot=ex.snap)
    except Exception as exc:  # noqa: BLE001 - any engine error is this check's failure reason
        error: dict[str, Any] | None = {"code": getattr(exc, "code", None),
                 "message": getattr(exc, "pgrst_message", None) or str(exc),
                 "details": getattr(exc, "details", None),
                 "hint": getattr(exc, "hint_value", None) or getattr(exc, "hint", None)}
        result = None
    else:
        error = getattr(result, "error", None)
    if error:
        detail, hint, reason = _error_text(error)
        ex.failed(subject, desc, detail + (f" (hint: {hint})" if hint else ""),
                  object_kind="request", old="works", new=reason, hint=hint)
        return
    got_status = int(getattr(result, "status", 200))
    if status is not None and got_status != status:
        ex.failed(subject, desc, f"status {got_status}, expected {status}", object_kind="request",
                  path=f"{subject}.status", old=status, new=got_status)
        return
    if got_status >= 400:
        ex.failed(subject, desc, f"status {got_status}", object_kind="request",
                  path=f"{subject}.status", old="2xx", new=got_status)
        return
    if ex.dsn is None:
        ex.passed(subject, desc, "resolves (planned on the snapshot; rows not checked: "
                  "pass a live database to run it)")
        return
    data = getattr(result, "body", None)
    n = len(data) if isinstance(data, list) else None
    if min_rows is not None and (n is None or n < min_rows):
        ex.failed(subject, f"{desc} (at least {min_rows} rows)", f"returned {n} rows",
                  object_kind="request", path=f"{subject}.rows", old=f">= {min_rows}", new=n)
        return
    ex.passed(subject, desc, f"{n} rows" if n is not None else None)
