"""Where each object's page and diagram live in the docs tree: stable, file-system-safe names.

>>> table_page("public", "tickets"), table_page("my schema", "Ünits")
('tables/public.tickets.md', 'tables/my_20_schema._dc_nits.md')
>>> function_page("public", "f", 2)
'functions/public.f.2.md'
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_]")

README = "README.md"
CHANGELOG = "CHANGELOG.md"
MANIFEST = ".pgprobe-docs.json"


def slug(*parts: str) -> str:
    """``schema.name`` with anything but letters, digits and ``_`` as ``_hex_``."""
    return ".".join(_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", p) for p in parts)


def table_page(schema: str, name: str) -> str:
    return f"tables/{slug(schema, name)}.md"


def function_page(schema: str, name: str, overload: int = 1) -> str:
    suffix = f".{overload}" if overload > 1 else ""
    return f"functions/{slug(schema, name)}{suffix}.md"


def type_page(schema: str, name: str) -> str:
    return f"types/{slug(schema, name)}.md"


def table_diagram(schema: str, name: str) -> str:
    return f"diagrams/tables/{slug(schema, name)}.svg"


def schema_diagram(schema: str) -> str:
    return f"diagrams/schemas/{slug(schema)}.svg"
