"""PostgREST configuration keys with PostgREST's defaults; read from postgrest.conf or Supabase config.toml.

>>> cfg = Config.from_mapping({"db-schemas": "api, test", "db-max-rows": "10"})
>>> cfg.schemas, cfg.max_rows, cfg.anon_role
(('api', 'test'), 10, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgprobe._errors import InputError

DEFAULTS: dict[str, Any] = {
    "db-schemas": "public",
    "db-anon-role": None,
    "db-extra-search-path": "public",
    "db-max-rows": None,
    "db-pre-request": None,
    "db-aggregates-enabled": False,
    "db-tx-end": "commit",
    "db-plan-enabled": False,
    "client-error-verbosity": "verbose",
    "url-use-legacy-target-names": True,
    "app-settings": {},
}


def _list(v: Any) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return tuple(x.strip() for x in v.split(",") if x.strip())
    return tuple(str(x) for x in v)


def _bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "on", "yes", "1")
    return bool(v)


@dataclass(frozen=True)
class Config:
    """The PostgREST settings pgprobe's engine honours (``keys`` keeps every key given)."""

    schemas: tuple[str, ...] = ("public",)
    anon_role: str | None = None
    extra_search_path: tuple[str, ...] = ("public",)
    max_rows: int | None = None
    pre_request: str | None = None
    aggregates: bool = False
    tx_end: str = "commit"
    plan_enabled: bool = False
    verbosity: str = "verbose"
    legacy_target_names: bool = True
    app_settings: tuple[tuple[str, str], ...] = ()
    keys: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any] | None) -> Config:
        m = dict(DEFAULTS)
        m.update(mapping or {})
        app = dict(m.get("app-settings") or {})
        for k, v in (mapping or {}).items():
            if k.startswith("app.settings."):
                app[k] = v
        mr = m.get("db-max-rows")
        return cls(
            schemas=_list(m["db-schemas"]) or ("public",),
            anon_role=m.get("db-anon-role") or None,
            extra_search_path=_list(m.get("db-extra-search-path")),
            max_rows=int(mr) if mr not in (None, "") else None,
            pre_request=m.get("db-pre-request") or None,
            aggregates=_bool(m.get("db-aggregates-enabled")),
            tx_end=str(m.get("db-tx-end") or "commit"),
            plan_enabled=_bool(m.get("db-plan-enabled")),
            verbosity=str(m.get("client-error-verbosity") or "verbose"),
            legacy_target_names=_bool(m.get("url-use-legacy-target-names")),
            app_settings=tuple((str(k), str(v)) for k, v in app.items()),
            keys=m,
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Config:
        """Read a ``postgrest.conf`` (``key = "value"``) or a Supabase ``config.toml``."""
        p = Path(path)
        try:
            text = p.read_text()
        except OSError as e:
            raise InputError(f"cannot read {p}: {e.strerror}", where=str(p)) from None
        if p.suffix == ".toml":
            import tomllib

            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as e:
                raise InputError(f"invalid TOML: {e}", where=str(p)) from None
            api = data.get("api", {})
            m: dict[str, Any] = {
                "db-schemas": api.get("schemas", ["public", "graphql_public"]),
                "db-extra-search-path": api.get("extra_search_path", ["public", "extensions"]),
                "db-max-rows": api.get("max_rows", 1000),
                "db-anon-role": "anon",
            }
            return cls.from_mapping(m)
        m = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip() if not line.strip().startswith('"') else line
            if not line:
                continue
            mm = re.match(r'^([A-Za-z0-9._-]+)\s*=\s*(.*)$', line)
            if not mm:
                raise InputError("expected key = value", where=f"{p}:{n}:1")
            k, v = mm.group(1), mm.group(2).strip()
            if v.startswith('"') and v.endswith('"'):
                v = v[1:-1]
            m[k] = v
        return cls.from_mapping(m)
