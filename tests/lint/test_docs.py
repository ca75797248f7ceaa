"""docs/lint-rules.md is executable: every rule has a failing and a passing example, and
each example really fails / passes that rule."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from pgprobe.catalog import snapshot
from pgprobe.lint import RULES, lint

DOC = Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"
SECTION_RE = re.compile(r"^### `([a-z-]+)`$", re.M)
BLOCK_RE = re.compile(r"```sql (fail|pass|baseline)\n(.*?)```", re.S)


def _sections() -> dict[str, dict[str, str]]:
    text = DOC.read_text()
    heads = list(SECTION_RE.finditer(text))
    out: dict[str, dict[str, str]] = {}
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out[m.group(1)] = {b.group(1): b.group(2) for b in BLOCK_RE.finditer(text, m.end(), end)}
    return out


def _files(block: str, root: Path) -> Path:
    root.mkdir()
    name, lines = None, []
    chunks: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("-- file: "):
            name, lines = line[9:].strip(), []
            chunks.append((name, lines))
        else:
            lines.append(line)
    for name, body in chunks:
        (root / name).write_text("\n".join(body) + "\n")
    return root


def test_every_rule_is_documented_with_both_examples() -> None:
    sections = _sections()
    assert set(sections) == set(RULES)
    for rule, blocks in sections.items():
        assert {"fail", "pass"} <= set(blocks), rule


@pytest.mark.parametrize("rule", sorted(RULES))
def test_doc_examples(rule: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    blocks = _sections()[rule]
    baseline = None
    if "baseline" in blocks:
        dsn = request.getfixturevalue("scratch_dsn")
        sql = blocks["baseline"].replace("-- file: baseline\n", "")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]
        baseline = snapshot(dsn)
    bad = lint(_files(blocks["fail"], tmp_path / "fail"), baseline=baseline)
    assert bad.by_rule(rule), bad.to_text()
    good = lint(_files(blocks["pass"], tmp_path / "pass"), baseline=baseline)
    assert not good.by_rule(rule), good.to_text()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_doc_examples_on_the_server(rule: str, tmp_path: Path, scratch_dsn: str) -> None:
    """The documented passing example applies on PostgreSQL; the failing one fails there
    whenever the linter calls it an error of a kind the server rejects."""
    from .test_server_agreement import REJECTED_BY_SERVER, _apply, _stand_in

    blocks = _sections()[rule]
    _stand_in(scratch_dsn)
    if "baseline" in blocks:
        with psycopg.connect(scratch_dsn, autocommit=True) as conn:
            conn.execute(blocks["baseline"].replace("-- file: baseline\n", ""))  # type: ignore[arg-type]
    bad_dir = _files(blocks["fail"], tmp_path / "fail")
    good_dir = _files(blocks["pass"], tmp_path / "pass")
    good = {p.name: p.read_text() for p in good_dir.iterdir()}
    bad = {p.name: p.read_text() for p in bad_dir.iterdir()}
    if rule in REJECTED_BY_SERVER and any(f.severity == "error" for f in
                                          lint(bad_dir).by_rule(rule)) and "baseline" not in blocks:
        assert _apply(scratch_dsn, bad), f"{rule}: documented failure applies cleanly"
        with psycopg.connect(scratch_dsn, autocommit=True) as conn:
            conn.execute("drop schema public cascade; create schema public")
    assert _apply(scratch_dsn, good) == [], f"{rule}: documented passing example fails"
