"""Run the examples in README.md and docs/*.md against the demo database.

Every fenced ```python block, and every ```sh/```bash block line that starts with
``pgprobe ``, is one test case named ``<file>:<line>``. Python blocks run in a namespace
with ``dsn`` (the demo DSN), ``snap`` (its Snapshot) and ``pgprobe`` bound, in a temporary working directory;
blocks containing ``>>>`` run as doctests. Shell lines run as ``python -m pgprobe.cli``
with ``$DATABASE_URL`` replaced by the demo DSN.

A block that cannot run in tests is preceded by a visible marker in the doc::

    <!-- not-run: needs a live Supabase project -->

and is reported as skipped with that reason. docs/benchmarks* are not scanned.
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import pgprobe
import pgprobe.demo
import pgprobe.types
from pgprobe.catalog import Snapshot

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)(.*)$")
NOT_RUN = re.compile(r"<!--\s*not-run:\s*(.*?)\s*-->")
# Example DSNs in the docs ("postgresql://...", $DATABASE_URL, $DSN, $PROD_DSN) all mean
# "your database": the tests substitute the demo database.
DSN_LITERAL = re.compile(r"""(["'])postgres(?:ql)?://[^"'\s]*\1""")
DSN_VAR = re.compile(r'"?\$\{?(?:DATABASE_URL|\w*DSN)\}?"?')
SHELL_LANGS = {"sh", "bash", "shell"}
# Exit codes a documented command may end with: 0 ok, 1 "findings" (lint/diff/expect).
OK_EXIT = {0, 1}


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    lang: str
    code: str
    skip: str | None

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def doc_files() -> list[Path]:
    docs = sorted(p for p in (ROOT / "docs").glob("*.md") if not p.name.startswith("benchmarks"))
    return [ROOT / "README.md", *docs]


def extract(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i].strip())
        if not m:
            i += 1
            continue
        fence, lang = m.group(1), m.group(2).lower()
        start = i
        i += 1
        body: list[str] = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        skip = None
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (nm := NOT_RUN.search(lines[j])):
            skip = nm.group(1)
        code = "\n".join(body) + "\n"
        if lang == "python" or (lang in SHELL_LANGS and shell_commands(code)):
            blocks.append(Block(path, start + 1, lang, code, skip))
    return blocks


def shell_commands(code: str) -> list[str]:
    """The ``pgprobe ...`` commands of a shell block (backslash continuations joined)."""
    commands: list[str] = []
    current = ""
    for raw in code.splitlines():
        line = raw.strip()
        if current:
            current += " " + line.rstrip("\\").strip()
            if not line.endswith("\\"):
                commands.append(current)
                current = ""
            continue
        if line.startswith("$ "):
            line = line[2:]
        if line.startswith("pgprobe "):
            if line.endswith("\\"):
                current = line.rstrip("\\").strip()
            else:
                commands.append(line)
    if current:
        commands.append(current)
    return commands


BLOCKS = [b for p in doc_files() for b in extract(p)]


def test_blocks_found() -> None:
    assert len(BLOCKS) > 10
    assert any(b.path.name == "README.md" for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_doc_example(
    block: Block,
    demo_dsn: str,
    demo_snapshot: Snapshot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.name}: not-run: {block.skip}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", demo_dsn)
    # The working directory holds what the docs refer to: a saved snapshot of the demo
    # (snap.json, prod.json), the generated src/database.types.ts
    # and a copy of the demo's migrations folder at the Supabase CLI's usual place.
    demo_snapshot.save(str(tmp_path / "snap.json"))
    demo_snapshot.save(str(tmp_path / "prod.json"))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "database.types.ts").write_text(
        pgprobe.types.generate(demo_snapshot, ["public"]), encoding="utf-8"
    )
    shutil.copytree(pgprobe.demo.migrations_dir(), tmp_path / "supabase" / "migrations")
    # `pgprobe.demo.up()` would start the long-lived demo server; use the test's demo DB.
    monkeypatch.setattr(pgprobe.demo, "up", lambda *a, **k: demo_dsn)
    if block.lang == "python":
        run_python(block, demo_dsn, demo_snapshot)
    else:
        run_shell(block, demo_dsn, tmp_path)


def run_python(block: Block, dsn: str, snap: Snapshot) -> None:
    code = DSN_LITERAL.sub(repr(dsn), block.code)
    namespace = {"dsn": dsn, "snap": snap, "pgprobe": pgprobe, "__name__": "__docs__"}
    if ">>>" in block.code:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(code, namespace, block.name, str(block.path), block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        out: list[str] = []
        result = runner.run(test, out=out.append)
        assert result.failed == 0, "".join(out)
        return
    exec(compile(code, block.name, "exec"), namespace)  # noqa: S102 - our own docs


def run_shell(block: Block, dsn: str, cwd: Path) -> None:
    for command in shell_commands(block.code):
        command = DSN_VAR.sub(lambda _: dsn, command)
        command = DSN_LITERAL.sub(lambda _: shlex.quote(dsn), command)
        words = shlex.split(command, comments=True)[1:]
        redirect = None
        if len(words) >= 2 and words[-2] == ">":  # `... > out.md`
            words, redirect = words[:-2], words[-1]
        argv = [sys.executable, "-m", "pgprobe.cli", *words]
        proc = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
        )
        if redirect is not None:
            (cwd / redirect).write_text(proc.stdout, encoding="utf-8")
        assert proc.returncode in OK_EXIT, (
            f"{block.name}: `{command}` exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )


def test_index_links_every_doc() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([^)#]+\.md)\)", index))
    docs = {p.name for p in (ROOT / "docs").glob("*.md")} - {"index.md"}
    assert docs - linked == set(), "docs/index.md does not link these docs"
    assert all((ROOT / "docs" / name).exists() for name in linked), "dead link in docs/index.md"


def test_readme_points_to_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Documentation", 1)[1]
    assert "](docs/index.md)" in section
    assert "make demo" in readme and "make test" in readme
