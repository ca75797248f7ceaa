"""Positions in files with multi-byte characters: byte offsets (the parser's) and character
offsets (the findings') agree with decoding the text, wherever they are asked."""

from __future__ import annotations

import random

from pgprobe.lint import lint
from pgprobe.lint._source import SourceFile

_ALPHABET = "ab c;\n'é€😀ßд"


def test_offsets_agree_with_the_encoding() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 50)))
        if text.isascii():
            continue
        f, data = SourceFile("x.sql", text), text.encode("utf-8")
        for b in range(len(data) + 2):
            assert f.char_of_byte(b) == len(data[:b].decode("utf-8", "ignore")), (text, b)
        for c in range(len(text) + 2):
            assert f.byte_of_char(c) == len(text[:c].encode("utf-8")), (text, c)
        checked += 1
    assert checked > 300


def test_findings_after_multibyte_text_point_at_their_statement(tmp_path) -> None:
    lines = []
    for i in range(60):
        lines.append(f"-- tâble n°{i} — «ünïcödé» 😀")
        lines.append(f"create index on public.missing_{i} (id);")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "20240101000000_a.sql"
    path.write_text(text, encoding="utf-8")
    found = [f for f in lint([tmp_path]) if f.rule == "use-before-create"]
    assert len(found) == 60
    source = text.splitlines()
    for f in found:
        line = source[f.line - 1]
        assert line.startswith("create index on public.missing_"), (f.line, line)
        assert f.message.count("missing_") == 1
        name = line.split("public.")[1].split(" ")[0]
        assert name in f.message
