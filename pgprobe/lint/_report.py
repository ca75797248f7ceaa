"""A lint result: findings in sequence order, rendered as text, markdown, JSON, HTML or a
DataFrame, with the exit code CI uses (1 when any finding is an error).

>>> from ._finding import Finding
>>> r = LintReport([Finding("rls-missing", "error", "a.sql", 1, 1, "no RLS", "enable it")], ["a.sql"])
>>> r.exit_code, len(r.errors)
(1, 1)
>>> print(r.to_text())
a.sql:1:1: error [rls-missing] no RLS
    hint: enable it
1 file, 1 finding: 1 error, 0 warnings, 0 info
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ._finding import Finding

COLUMNS = ["rule", "severity", "file", "line", "column", "message", "hint"]


class LintReport:
    def __init__(self, findings: list[Finding], files: list[str]) -> None:
        self.findings = findings
        self.files = files

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __getitem__(self, i: int) -> Finding:
        return self.findings[i]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def counts(self) -> Counter[str]:
        return Counter(f.severity for f in self.findings)

    def summary(self) -> str:
        c = self.counts()
        nf = len(self.files)
        n = len(self.findings)
        return (f"{nf} file{'s' if nf != 1 else ''}, {n} finding{'s' if n != 1 else ''}: "
                f"{c['error']} error{'s' if c['error'] != 1 else ''}, "
                f"{c['warning']} warning{'s' if c['warning'] != 1 else ''}, {c['info']} info")

    # -- renderings ----------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        return [f.to_dict() for f in self.findings]

    def to_json(self, indent: int | None = 2) -> str:
        """The findings as a JSON array (``json.dumps`` output: ASCII, two-space indent)."""
        records = self.to_records()
        if indent == 2:
            try:  # orjson writes the same text, faster; it keeps non-ASCII characters as is
                from orjson import OPT_INDENT_2, dumps

                out = dumps(records, option=OPT_INDENT_2)
                if out.isascii():
                    return out.decode()
            except ImportError:  # pragma: no cover - orjson is a dependency
                pass
        return json.dumps(records, indent=indent)

    def to_text(self) -> str:
        lines = []
        for f in self.findings:
            lines.append(f"{f.where}: {f.severity} [{f.rule}] {f.message}")
            lines.append(f"    hint: {f.hint}")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_markdown(self) -> str:
        def cell(s: object) -> str:
            return str(s).replace("|", "\\|").replace("\n", " ")

        out = ["| where | severity | rule | message | hint |", "|---|---|---|---|---|"]
        for f in self.findings:
            out.append(f"| `{cell(f.where)}` | {f.severity} | `{f.rule}` | {cell(f.message)} "
                       f"| {cell(f.hint)} |")
        out.append("")
        out.append(self.summary())
        return "\n".join(out)

    def to_frame(self) -> Any:
        """The findings as a pandas DataFrame (one row each, the JSON columns)."""
        import pandas as pd

        return pd.DataFrame(self.to_records(), columns=COLUMNS)

    frame = to_frame

    def _repr_html_(self) -> str:
        from .._html import badge, box, esc, note, short_path, table

        kind = "error" if any(f.severity == "error" for f in self.findings) else (
            "warning" if self.findings else "ok")
        rows = [(f"<code>{esc(short_path(f.where))}</code>", badge(f.severity, f.severity),
                 f"<code>{esc(f.rule)}</code>", esc(f.message), esc(f.hint)) for f in self.findings]
        return box(note(self.summary(), kind)
                   + table(rows, ["where", "severity", "rule", "message", "hint"],
                           max_rows=200, raw_columns=range(5)), "pgprobe-lint")

    def __repr__(self) -> str:
        return f"<LintReport {self.summary()}>"
