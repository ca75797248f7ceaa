"""The public surface of pgprobe.relationships, and the examples in its docstrings and docs."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import pgprobe.relationships as rel

MODULES = ["pgprobe.relationships", "pgprobe.relationships._model", "pgprobe.relationships._index",
           "pgprobe.relationships._errors", "pgprobe.relationships._fuzzy",
           "pgprobe.relationships._explain"]


def test_public_names_are_pinned() -> None:
    assert rel.__all__ == [
        "CARDINALITY_NAMES", "AnyRelationship", "Cardinality", "ComputedRelationship",
        "EmbedError", "EmbedExplanation", "FuzzySet", "Junction", "QualifiedName",
        "Relationship", "RelationshipIndex", "explain_embed", "matches", "why_no_relationship",
    ]
    for name in rel.__all__:
        assert hasattr(rel, name)


def test_embed_error_is_a_pgprobe_error() -> None:
    from pgprobe._errors import PgprobeError

    assert issubclass(rel.EmbedError, PgprobeError)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def test_docs_examples() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "relationships.md"
    result = doctest.testfile(str(doc), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
