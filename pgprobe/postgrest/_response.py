"""PostgREST's responses: status, Content-Range, Preference-Applied, GUC overrides, bodies.

Mirrors ``PostgREST.Response`` and ``RangeQuery.rangeStatusHeader``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._config import Config
from ._errors import PostgrestError
from ._request import Prefs, preference_applied

if TYPE_CHECKING:
    from ._planner import Planned as Prepared
    from ._result import Result


def _content_range(lower: int, upper: int, total: int | None) -> str:
    rng = f"{lower}-{upper}" if (total != 0 and lower <= upper) else "*"
    return f"{rng}/{'*' if total is None else total}"


def respond_write(prep: Prepared, row: Any, cfg: Config, result: Result) -> Result:
    req = prep.req
    p = req.prefs
    _, total, body, gh, gs, location, inserted = row
    count = total if p.count in ("exact", "estimated") else None
    raw = body if isinstance(body, bytes) else None
    text = body if isinstance(body, str) else (raw.decode("utf-8", "replace") if raw else "")
    full = p.representation == "representation"
    headers: dict[str, str] = {}
    kind = prep.kind
    # response_inserted: NULL means Nothing; '' (plain inserts) decodes as a value
    try:
        ins = None if inserted is None else (int(inserted) if inserted != "" else 0)
    except (TypeError, ValueError):
        ins = 0
    if kind == "insert":
        if location:
            pairs = [str(x).split("=", 1) for x in location]
            from urllib.parse import quote
            qs = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
            headers["Location"] = f"/{prep.table}?{qs}"
        headers["Content-Range"] = _content_range(1, 0, count)
        status = 200 if ins is None else (200 if ins <= 0 and p.resolution ==
                                          "merge-duplicates" else 201)
    elif kind == "update":
        headers["Content-Range"] = _content_range(0, total - 1, count)
        status = 200 if full else 204
    elif kind == "delete":
        headers["Content-Range"] = _content_range(1, 0, count)
        status = 200 if full else 204
    else:
        status = (201 if (ins or 0) > 0 else 200) if full else 204
    pa_kind = {"insert": "create", "upsert": "upsert"}.get(kind, kind)
    prefs_for = Prefs(**{**p.__dict__})
    assert prep.mutate is not None
    if kind != "insert" or (not prep.mutate.pk_cols and req.qp.on_conflict is None):
        prefs_for.resolution = None
    pa = preference_applied(prefs_for, pa_kind)
    if full:
        if kind in ("update", "delete", "upsert") and pa:
            pass
        headers["Content-Length"] = str(len(raw) if raw is not None else len(text.encode()))
        headers["Content-Type"] = prep.content_type
        if req.negotiated_by_profile:
            headers["Content-Profile"] = req.schema
    else:
        text = ""
    if pa:
        headers["Preference-Applied"] = pa
    status, headers = _override(status, headers, gs, gh)
    result.status = status
    result.headers = headers
    result.body_text = text
    if text and prep.handler in ("json", "single", "geojson"):
        result.body = json.loads(text)
    else:
        result.body = text if text else None
    return result


def respond(prep: Prepared, row: Any, explain_total: int | None, cfg: Config,
            result: Result) -> Result:
    if prep.kind not in ("read", "rpc"):
        return respond_write(prep, row, cfg, result)
    req = prep.req
    total, page_total, body, gh, gs = row[0], row[1], row[2], row[3], row[4]
    if req.prefs.count == "planned":
        total = explain_total
    elif (req.prefs.count == "estimated" and total is not None and explain_total is not None
          and (cfg.max_rows is None or total > cfg.max_rows)):
        # Haskell compares Maybe values: any count exceeds an unset db-max-rows
        total = max(total, explain_total)
    lower = req.top_range[0]
    upper = lower + page_total - 1
    if total is not None and lower > total:
        status = 416
    elif total is not None and (1 + upper - lower) < total:
        status = 206
    else:
        status = 200
    rng = f"{lower}-{upper}" if (total != 0 and lower <= upper) else "*"
    headers = {"Content-Range": f"{rng}/{'*' if total is None else total}"}
    canonical = req.qp.canonical
    if prep.kind == "read":
        headers["Content-Location"] = f"/{prep.table}" + (f"?{canonical}" if canonical else "")
    routine = prep.routine
    if routine is not None and routine.void:
        status, headers = _override(204, headers, gs, gh)
        pa = preference_applied(req.prefs, "rpc")
        if pa:
            headers["Preference-Applied"] = pa
        result.status, result.headers, result.body_text, result.body = status, headers, "", None
        return result
    raw = body if isinstance(body, bytes) else None
    text = body if isinstance(body, str) else ("" if body is None else
                                               body.decode("utf-8", "replace") if raw is not None
                                               else json.dumps(body))
    if status == 416:
        err = PostgrestError("PGRST103", "Requested range not satisfiable",
                             f"An offset of {lower} was requested, but there are only "
                             f"{total if total is not None else 0} rows.", status=416)
        text = json.dumps(err.body, separators=(",", ":"))
        result.error = err.body
    if req.method == "HEAD":
        text = ""
    else:
        headers["Content-Length"] = str(len(raw) if raw is not None else len(text.encode()))
    headers["Content-Type"] = prep.content_type
    if req.negotiated_by_profile:
        headers["Content-Profile"] = req.schema
    pa = preference_applied(req.prefs, "rpc" if prep.kind == "rpc" else "read")
    if pa:
        headers["Preference-Applied"] = pa
    status, headers = _override(status, headers, gs, gh)
    if prep.warnings and cfg.legacy_target_names:
        hint = ", ".join(f"`{a}` to `{b}`" for a, b in prep.warnings)
        headers["Warning"] = ("299 PostgREST \"Embedded resource was referenced by relation name "
                              "even though it has an alias. This is deprecated and will stop "
                              f"working in a future release. Update {hint} in query string "
                              "filters, orders or limits.\"")
    result.status = status
    result.headers = headers
    result.body_text = text
    if status == 416 or (prep.handler in ("json", "single", "geojson") and text):
        result.body = json.loads(text) if text else None
    else:
        result.body = text
    return result


def _override(status: int, headers: dict[str, str], gs: Any, gh: Any
              ) -> tuple[int, dict[str, str]]:
    if gs is not None:
        try:
            status = int(str(gs))
        except ValueError:
            raise PostgrestError("PGRST112", "response.status guc must be a valid status code",
                                 status=500) from None
    if gh is not None:
        try:
            items = json.loads(gh)
            extra: dict[str, str] = {}
            for obj in items:
                (k, v), = obj.items()
                if not isinstance(v, str):
                    raise TypeError
                extra[str(k)] = extra[str(k)] + ", " + v if str(k) in extra else v
        except (ValueError, TypeError, AttributeError):
            raise PostgrestError("PGRST111", "response.headers guc must be a JSON array composed "
                                 "of objects with a single key and a string value",
                                 status=500) from None
        # the GUC headers win over PostgREST's own (addHeadersIfNotIncluded)
        low = {k.lower() for k in extra}
        merged = {k: v for k, v in headers.items() if k.lower() not in low}
        merged.update(extra)
        headers = merged
    return status, headers


