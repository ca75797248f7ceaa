"""The "Perhaps you meant" fuzzy matching behaves like Haskell's fuzzyset 0.2.x."""

from __future__ import annotations

import pytest

from pgprobe.relationships import FuzzySet
from pgprobe.relationships._fuzzy import _similarity


@pytest.mark.parametrize(("values", "query", "expected"), [
    (["directors", "roles", "actors"], "role", "roles"),
    (["films"], "film", "films"),
    (["car_model_sales", "car_brands"], "car_model_sales_202101", "car_model_sales"),
    (["directors", "roles", "actors"], "noclosealternative", None),
    (["Clients"], "clients", "Clients"),          # exact matches ignore case
    (["ticket_activities", "tickets", "users"], "ticket", "tickets"),
])
def test_get_one(values, query, expected):
    assert FuzzySet(values).get_one(query) == expected


def test_exact_match_scores_one_and_others_are_ranked():
    s = FuzzySet(["tickets", "ticket_labels", "ticket_activities"])
    assert s.get("tickets") == [(1.0, "tickets")]
    ranked = s.get("tickt")
    assert ranked[0][1] == "tickets"
    assert [score for score, _ in ranked] == sorted((score for score, _ in ranked), reverse=True)


def test_min_score_filters_and_levenshtein_similarity():
    assert FuzzySet(["abcdef"]).get("abcxyz", min_score=0.9) == []
    assert _similarity("kitten", "sitting") == pytest.approx(1 - 3 / 7)
    assert _similarity("", "") == 1.0


@pytest.mark.parametrize(("values", "query", "min_score", "expected"), [
    # PostgREST's own noRpcHint doctests (Error.hs): procedure names at 0.75 ...
    (["test", "another"], "testt", 0.75, "test"),
    (["test", "another"], "other", 0.75, None),
    (["test", "another"], "noclosealternative", 0.75, None),
    # ... and sorted parameter lists at the default 0.33
    (["(name, param, val)", "(attr, id)"], "(nam, pqaram, vall)", 0.33, "(name, param, val)"),
    (["(name, param, val)", "(attr, id)"], "(param, val)", 0.33, "(name, param, val)"),
    (["(name, param, val)", "(attr, id)"], "(attrs, id)", 0.33, "(attr, id)"),
    (["(name, param, val)", "(attr, id)"], "(id)", 0.33, "(attr, id)"),
    (["(name, param, val)", "(attr, id)"], "(noclosealternative)", 0.33, None),
])
def test_postgrest_doctest_vectors(values, query, min_score, expected):
    assert FuzzySet(values).get_one(query, min_score) == expected
