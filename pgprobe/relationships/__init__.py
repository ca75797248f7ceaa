"""Relationships as PostgREST's schema cache builds them, derived once from a Snapshot.

Shared by the PostgREST engine (embeds, PGRST200/201), the ERD and the types generator.

>>> from pgprobe.catalog._model import Snapshot
>>> RelationshipIndex.from_snapshot(Snapshot(), schemas=["public"])
<RelationshipIndex 0 relationships in public>
"""

from ._errors import EmbedError
from ._explain import EmbedExplanation, explain_embed, why_no_relationship
from ._fuzzy import FuzzySet
from ._index import RelationshipIndex, matches
from ._model import (
    CARDINALITY_NAMES,
    AnyRelationship,
    Cardinality,
    ComputedRelationship,
    Junction,
    QualifiedName,
    Relationship,
)

__all__ = [
    "CARDINALITY_NAMES",
    "AnyRelationship",
    "Cardinality",
    "ComputedRelationship",
    "EmbedError",
    "EmbedExplanation",
    "FuzzySet",
    "Junction",
    "QualifiedName",
    "Relationship",
    "RelationshipIndex",
    "explain_embed",
    "matches",
    "why_no_relationship",
]
