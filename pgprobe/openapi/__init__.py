"""The OpenAPI (Swagger 2.0) document PostgREST serves at ``GET /``, built from a Snapshot.

Used by the PostgREST engine (to answer ``GET /``) and by :mod:`pgprobe.endpoint` (to compare
with what a live endpoint serves); it depends on the catalog and relationships only.

>>> from pgprobe.catalog._model import Snapshot
>>> openapi_from_snapshot(Snapshot())["swagger"]
'2.0'
"""

from __future__ import annotations

from ._document import openapi_from_snapshot, pgrst_type, swagger_type

__all__ = ["openapi_from_snapshot", "pgrst_type", "swagger_type"]
