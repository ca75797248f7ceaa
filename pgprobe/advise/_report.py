"""The advisors' result: findings (sorted by level), notes on what could not be judged, and
the renderings a notebook or CI wants (DataFrame, HTML grouped by level, JSON, SARIF,
Markdown).

>>> r = AdviseReport([Finding("no_primary_key", "INFO", "performance", "public", "logs",
...                           "Table public.logs has no primary key.", "Add one.")])
>>> r.exit_code("warn"), r.exit_code("info")
(0, 1)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._finding import LEVEL_RANK, LEVELS, Finding

_SARIF_LEVELS = {"ERROR": "error", "WARN": "warning", "INFO": "note"}


@dataclass
class AdviseReport:
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    exposed_schemas: tuple[str, ...] = ("public",)
    source: str = ""
    migration_of: dict[tuple[Any, ...], str] = field(default_factory=dict)
    """With ``--migrations``: the file that introduced each finding (by :meth:`Finding.key`)."""

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=Finding.sort_key)

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.findings)

    # -- selection -------------------------------------------------------
    def filter(self, *, categories: Iterable[str] | None = None, min_level: str | None = None,
               rules: Iterable[str] | None = None) -> AdviseReport:
        """Only some categories (``security``, ``performance``, ``api``), levels at or
        above ``min_level``, or named rules."""
        cats = set(categories) if categories is not None else None
        names = set(rules) if rules is not None else None
        top = LEVEL_RANK[min_level.upper()] if min_level else 99
        kept = [f for f in self.findings if (cats is None or f.category in cats)
                and LEVEL_RANK[f.level] <= top and (names is None or f.rule in names)]
        return AdviseReport(kept, list(self.notes), self.exposed_schemas, self.source,
                            dict(self.migration_of))

    def of(self, relation: str) -> list[Finding]:
        """Findings about one object: ``report.of("public.tickets")``."""
        return [f for f in self.findings if f.qualified_object == relation]

    def exit_code(self, fail_on: str = "error") -> int:
        """1 when a finding is at or above ``fail_on`` (``error``, ``warn``, ``info``)."""
        top = LEVEL_RANK[fail_on.upper()]
        return 1 if any(LEVEL_RANK[f.level] <= top for f in self.findings) else 0

    def migration(self, finding: Finding) -> str | None:
        return self.migration_of.get(finding.key())

    # -- explanations ----------------------------------------------------
    def explain(self, finding: Finding | int) -> str:
        """What the finding means, why it matters on Supabase, how to fix it (with the rule's
        example), and the evidence: ``report.explain(report.findings[0])`` or ``explain(0)``."""
        from .rules import RULES

        f = self.findings[finding] if isinstance(finding, int) else finding
        rule = next((r for r in RULES if r.name == f.rule), None)
        lines = [f"{f.level} {f.rule}: {f.detail}"]
        if rule is not None:
            lines += ["", f"What: {rule.what}", f"Why it matters: {rule.why}", f"Fix: {rule.fix}"]
            if rule.example:
                lines += ["", "Example that triggers it:", *("    " + x for x in
                                                          rule.example.splitlines())]
        if f.evidence:
            lines += ["", "Evidence: " + json.dumps(f.evidence, default=str, sort_keys=True)]
        where = self.migration(f)
        if where:
            lines.append(f"Introduced by: {where}")
        return "\n".join(lines)

    # -- renderings ------------------------------------------------------
    def to_list(self) -> list[dict[str, Any]]:
        out = []
        for f in self.findings:
            row = f.to_dict()
            where = self.migration(f)
            if where:
                row["migration"] = where
            out.append(row)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_list(), indent=2, default=str, sort_keys=False)

    def frame(self) -> Any:
        """One row per finding, as a pandas DataFrame."""
        import pandas as pd

        columns = ["level", "rule", "category", "schema", "object", "detail", "remediation"]
        rows = [{c: getattr(f, c) for c in columns} for f in self.findings]
        frame = pd.DataFrame(rows, columns=columns)
        if self.migration_of:
            frame["migration"] = [self.migration(f) for f in self.findings]
        return frame

    def counts(self) -> dict[str, int]:
        return {level: sum(1 for f in self.findings if f.level == level) for level in LEVELS}

    def summary(self) -> str:
        c = self.counts()
        return (f"{c['ERROR']} errors, {c['WARN']} warnings, {c['INFO']} infos "
                f"(exposed schemas: {', '.join(self.exposed_schemas)})")

    def to_markdown(self) -> str:
        lines = [f"# Advisors: {self.summary()}", ""]
        for level in LEVELS:
            group = [f for f in self.findings if f.level == level]
            if not group:
                continue
            lines += [f"## {level} ({len(group)})", "", "| rule | object | detail |",
                      "| --- | --- | --- |"]
            lines += [f"| `{f.rule}` | `{f.qualified_object}` | {_md(f.detail)} |" for f in group]
            lines.append("")
        if self.notes:
            lines += ["## Not judged", "", *(f"- {n}" for n in self.notes), ""]
        return "\n".join(lines)

    def to_sarif(self) -> str:
        from .rules import RULES

        used = sorted({f.rule for f in self.findings})
        docs = {r.name: r for r in RULES}
        rules = [{"id": name, "name": name,
                  "shortDescription": {"text": docs[name].title if name in docs else name},
                  "fullDescription": {"text": docs[name].what if name in docs else name},
                  "help": {"text": docs[name].fix if name in docs else ""}} for name in used]
        results = []
        for f in self.findings:
            result: dict[str, Any] = {
                "ruleId": f.rule, "level": _SARIF_LEVELS[f.level], "message": {"text": f.detail},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": f.qualified_object}]}],
                "properties": {"category": f.category, "evidence": f.evidence},
            }
            where = self.migration(f)
            if where:
                result["locations"][0]["physicalLocation"] = {"artifactLocation": {"uri": where}}
            results.append(result)
        doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
               "runs": [{"tool": {"driver": {"name": "pgprobe advise",
                                             "informationUri": "https://github.com/",
                                             "rules": rules}},
                         "results": results}]}
        return json.dumps(doc, indent=2, default=str)

    def _repr_html_(self) -> str:
        from .._html import box, details, esc, table

        parts = [f"<div><b>Advisors</b>: {esc(self.summary())}</div>"]
        for level in LEVELS:
            group = [f for f in self.findings if f.level == level]
            if not group:
                continue
            rows = [(f"<code>{esc(f.rule)}</code>", f"<code>{esc(f.qualified_object)}</code>",
                     esc(f.detail), esc(f.remediation)) for f in group]
            parts.append(details(f"{level} ({len(group)})",
                                 table(rows, ["rule", "object", "detail", "fix"], max_rows=200,
                                       raw_columns=range(4)), open=True))
        if self.notes:
            parts.append("<p><i>Not judged:</i></p><ul>"
                         + "".join(f"<li>{esc(n)}</li>" for n in self.notes) + "</ul>")
        return box("".join(parts), "pgprobe-advise")

    def __repr__(self) -> str:
        return f"<AdviseReport {self.summary()}>"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def merge_notes(notes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(notes))
