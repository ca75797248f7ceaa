"""Stage 4 of the pipeline: run a request's :class:`Transaction` and return the main row.

The transaction is rolled back unless ``commit``; PostgREST's in-transaction checks
(PGRST115/116/124, deferred constraints) run before it ends. Database errors become
PostgREST's error objects (``_pg_error``), as ``PostgREST.Error`` maps them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg.types.string import TextBinaryLoader

from ._config import Config
from ._errors import PostgrestError, sqlstate_status
from ._planner import WRITES, Planned
from ._sql import to_composed
from ._statements import Transaction


class _RawJsonbLoader(Loader):
    """jsonb in binary wire format, version byte included (what PostgREST puts in a body)."""

    format = psycopg.pq.Format.BINARY

    def load(self, data: Any) -> bytes:
        return bytes(data)


@dataclass
class Executed:
    """The main statement's row (in PostgREST's column order) and the planned count."""

    row: Any
    explain_total: int | None = None


def _use_prepared(cfg: Config) -> bool | None:
    # db-prepared-statements: PostgREST prepares every statement (true) or none (false, e.g.
    # behind a transaction-mode pooler); left out, psycopg's own policy applies
    prepared = cfg.keys.get("db-prepared-statements")
    return None if prepared is None else str(prepared).lower() in ("true", "1", "on", "yes")


def execute(conn: psycopg.Connection[Any], p: Planned, tx: Transaction, cfg: Config, *,
            commit: bool) -> Executed:
    """Run the transaction; raises :class:`PostgrestError` or :class:`psycopg.Error`."""
    prepare = _use_prepared(cfg)
    cur = psycopg.RawCursor(conn)
    # the main statement is read in binary, as PostgREST (hasql) reads it: a json body is its
    # text, a jsonb body keeps its version byte, bytea stays bytes
    cur.adapters.register_loader("json", TextBinaryLoader)
    cur.adapters.register_loader("jsonb", _RawJsonbLoader)
    try:
        with conn.transaction(force_rollback=not commit):
            for st in tx.setup:
                q, params = to_composed(st.parts)
                cur.execute(q, params, prepare=prepare)
            q, params = to_composed(tx.main.parts)
            cur.execute(q, params, binary=True, prepare=prepare)
            row = _checked(p, cur.fetchone())
            if not commit:
                # PostgREST's optionalRollback (or the COMMIT it would run) surfaces deferred
                # constraint violations before the transaction ends
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            total = _explain_total(cur, tx) if tx.explain_count is not None else None
        return Executed(row, total)
    finally:
        cur.close()


def _checked(p: Planned, row: Any) -> Any:
    """PostgREST's checks of the main row inside the transaction (they abort it)."""
    singular = p.content_type.startswith("application/vnd.pgrst.object")
    mutation = p.kind in WRITES
    if mutation:
        row = (None, row[1], row[3], row[4], row[5], row[2], row[6])
    if singular and row[1] != 1 and p.kind != "upsert":
        raise PostgrestError("PGRST116", "Cannot coerce the result to a single JSON object",
                             f"The result contains {row[1]} rows", status=406)
    if mutation:
        _check_mutation(p, row)
    prefs = p.req.prefs
    if p.kind == "rpc" and prefs.max_affected is not None and prefs.handling == "strict" \
            and row[1] > prefs.max_affected:
        raise PostgrestError("PGRST124", "Query result exceeds max-affected preference "
                             "constraint", f"The query affects {row[1]} rows", status=400)
    return row


def _check_mutation(prep: Planned, row: Any) -> None:
    """PGRST115 (PUT payload vs URL) and PGRST124 (max-affected) for a mutation."""
    total = row[1]
    p = prep.req.prefs
    if prep.kind == "upsert" and total != 1:
        raise PostgrestError("PGRST115", "Payload values do not match URL in primary key "
                             "column(s)", status=400)
    if prep.kind in ("update", "delete") and p.max_affected is not None \
            and p.handling == "strict" and total > p.max_affected:
        raise PostgrestError("PGRST124", "Query result exceeds max-affected preference "
                             "constraint", f"The query affects {total} rows", status=400)


def _explain_total(cur: Any, tx: Transaction) -> int:
    assert tx.explain_count is not None
    q, params = to_composed(tx.explain_count.parts)
    cur.execute(q, params)
    prow = cur.fetchone()
    assert prow is not None
    plan = prow[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def pg_error(exc: psycopg.Error, authed: bool) -> PostgrestError:
    """The PostgREST error for a database error (``RAISE SQLSTATE 'PGRST'`` included)."""
    diag = exc.diag
    code = diag.sqlstate or "PGRSTX00"
    msg = diag.message_primary or str(exc)
    if code == "PGRST":
        return _raised_pgrst(msg, diag.message_detail)
    return PostgrestError(code, msg, diag.message_detail, diag.message_hint,
                          status=sqlstate_status(code, msg, authed))


def _raised_pgrst(msg: str, detail: str | None) -> PostgrestError:
    det_hint = ("DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and "
                "optional key: 'status_text'.")

    def parse_err(details: str, hint: str) -> PostgrestError:
        return PostgrestError("PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE "
                              "'PGRST'\" error", details, hint, status=500)
    try:
        m = json.loads(msg)
        if not isinstance(m, dict) or "code" not in m or "message" not in m:
            raise ValueError
    except ValueError:
        return parse_err(f"Invalid JSON value for MESSAGE: '{msg}'",
                         "MESSAGE must be a JSON object with obligatory keys: 'code', "
                         "'message' and optional keys: 'details', 'hint'.")
    if detail is None:
        return parse_err("DETAIL is missing in the RAISE statement", det_hint)
    try:
        d = json.loads(detail)
        if not isinstance(d, dict) or "status" not in d or "headers" not in d:
            raise ValueError
    except ValueError:
        return parse_err(f"Invalid JSON value for DETAIL: '{detail}'", det_hint)
    hdrs = {str(k): str(v) for k, v in (d.get("headers") or {}).items()}
    return PostgrestError(str(m["code"]), str(m["message"]), m.get("details"), m.get("hint"),
                          status=int(d["status"]), headers=hdrs)
