"""Every rule fires on the scenario database, and the clean look-alikes beside each trigger
stay clean (real PostgreSQL: PGPROBE_TEST_PG=embedded for 18, system for 15)."""

from __future__ import annotations

import dataclasses

import pytest

import pgprobe
from pgprobe.advise import RULES, AdviseReport, run_rules
from pgprobe.catalog import Snapshot
from pgprobe.catalog._model import Extension

# rule -> objects that must be reported (schema.object) / must not be
TRIGGERS: dict[str, set[str]] = {
    "unindexed_foreign_keys": {"public.t_unindexed_fk"},
    "auth_users_exposed": {"public.t_auth_users_view"},
    "auth_rls_initplan": {"public.t_initplan"},
    "no_primary_key": {"public.t_no_pk"},
    "unused_index": {"public.t_dup_index"},
    "multiple_permissive_policies": {"public.t_two_policies"},
    "policy_exists_rls_disabled": {"public.t_policy_no_rls"},
    "rls_enabled_no_policy": {"public.t_rls_no_policy"},
    "duplicate_index": {"public.t_dup_index"},
    "security_definer_view": {"public.t_definer_view", "public.t_auth_users_view"},
    "function_search_path_mutable": {"public.t_mutable_path"},
    "rls_disabled_in_public": {"public.t_no_pk", "public.t_sensitive"},
    "extension_in_public": {"citext"},
    "rls_references_user_metadata": {"public.t_user_metadata"},
    "materialized_view_in_api": {"public.t_matview"},
    "foreign_table_in_api": {"public.t_foreign"},
    "unsupported_reg_types": {"public.t_reg_type", "public.t_reg_type_fn"},
    "insecure_queue_exposed_in_api": {"pgmq.q_jobs"},
    "table_bloat": {"public.t_bloat"},
    "fkey_to_auth_unique": {"public.t_fk_auth_unique"},
    "extension_versions_outdated": {"hstore"},
    "sensitive_columns_exposed": {"public.t_sensitive"},
    "rls_policy_always_true": {"public.t_always_true"},
    "public_bucket_allows_listing": {"storage.avatars"},
    "anon_security_definer_function_executable": {"public.t_definer_fn"},
    "authenticated_security_definer_function_executable": {"public.t_definer_fn"},
    "ambiguous_embed": {"public.t_two_fks", "public.people"},
    "fk_invisible_to_postgrest": {"public.t_private_fk"},
    "policy_function_not_executable": {"public.t_policy_fn"},
    "rls_hides_all_rows": {"public.t_rls_no_policy"},
    "view_bypasses_rls": {"public.t_definer_view"},
}
CLEAN: dict[str, set[str]] = {
    "unindexed_foreign_keys": {"public.ok_indexed_fk", "public.ok_include_fk"},
    "auth_users_exposed": {"public.ok_auth_users_invoker"},
    "auth_rls_initplan": {"public.ok_initplan", "public.t_two_policies"},
    "security_definer_view": {"public.ok_invoker_view", "public.ok_auth_users_invoker"},
    "view_bypasses_rls": {"public.ok_invoker_view", "public.ok_auth_users_invoker"},
    "function_search_path_mutable": {"public.ok_fixed_path", "public.t_definer_fn"},
    "rls_disabled_in_public": {"public.ok_not_granted", "public.ok_sensitive_rls"},
    "sensitive_columns_exposed": {"public.ok_sensitive_rls"},
    "insecure_queue_exposed_in_api": {"pgmq.q_safe"},
    "fkey_to_auth_unique": {"public.ok_fk_auth_pk"},
    "rls_references_user_metadata": set(),
    "unsupported_reg_types": set(),
    "public_bucket_allows_listing": {"storage.private_docs"},
    "anon_security_definer_function_executable": {"public.ok_definer_revoked"},
    "authenticated_security_definer_function_executable": {"public.ok_definer_revoked"},
    "policy_function_not_executable": {"public.ok_policy_fn"},
    "rls_policy_always_true": set(),
    "duplicate_index": set(),
}
GRAPHQL = ("pg_graphql_anon_table_exposed", "pg_graphql_authenticated_table_exposed")


@pytest.fixture(scope="module")
def report(scenario_dsn: str) -> AdviseReport:
    return pgprobe.advise(scenario_dsn)


def _objects(report: AdviseReport, rule: str) -> set[str]:
    return {f.qualified_object for f in report.findings if f.rule == rule}


def test_every_rule_has_a_trigger_in_the_scenario() -> None:
    assert set(TRIGGERS) | set(GRAPHQL) == {r.name for r in RULES}


@pytest.mark.parametrize("rule", sorted(TRIGGERS))
def test_rule_fires(report: AdviseReport, rule: str) -> None:
    found = _objects(report, rule)
    assert TRIGGERS[rule] <= found, f"{rule}: expected {TRIGGERS[rule]}, found {found}"


@pytest.mark.parametrize("rule", sorted(CLEAN))
def test_clean_look_alikes_stay_clean(report: AdviseReport, rule: str) -> None:
    assert not (CLEAN[rule] & _objects(report, rule))


def test_details_name_the_sub_objects(report: AdviseReport) -> None:
    dup = next(f for f in report.findings if f.rule == "duplicate_index")
    assert dup.evidence["indexes"] == ["t_dup_index_a", "t_dup_index_b"]
    sens = next(f for f in report.findings if f.rule == "sensitive_columns_exposed")
    assert sens.evidence["columns"] == ["Password", "api_key"]
    reg = [f.evidence["column"] for f in report.findings if f.rule == "unsupported_reg_types"]
    assert reg == ["fn", "fn"]  # the column and its index; regclass is supported
    amb = next(f for f in report.findings if f.rule == "ambiguous_embed"
               and f.object == "t_two_fks")
    assert sorted(amb.evidence["hints"]) == ["people!t_two_fks_author_id_fkey",
                                             "people!t_two_fks_reviewer_id_fkey"]
    perm = next(f for f in report.findings if f.rule == "multiple_permissive_policies"
                and f.object == "t_two_policies")
    assert (perm.evidence["role"], perm.evidence["action"]) == ("authenticated", "SELECT")


def test_exposed_schemas_come_from_pgrst_db_schemas(report: AdviseReport) -> None:
    assert report.exposed_schemas == ("public", "pgmq_public")


def test_exposed_schema_override_changes_api_rules(scenario_dsn: str) -> None:
    only_private = pgprobe.advise(scenario_dsn, exposed_schemas=["private"])
    assert not _objects(only_private, "rls_disabled_in_public") & {"public.t_no_pk"}
    assert not _objects(only_private, "insecure_queue_exposed_in_api")


def test_graphql_rules_when_pg_graphql_is_installed(scenario_dsn: str) -> None:
    # pg_graphql is not packaged for these servers: add it to the real snapshot's extensions
    snap = pgprobe.snapshot(scenario_dsn)
    assert not run_rules(snap, rules=GRAPHQL).findings
    with_graphql = dataclasses.replace(
        snap, extensions=(*snap.extensions, Extension("pg_graphql", "graphql", "1.5.11")))
    report = run_rules(with_graphql, rules=GRAPHQL)
    anon = _objects(report, GRAPHQL[0])
    assert {"public.t_no_pk", "public.t_matview", "public.t_foreign"} <= anon
    assert "public.ok_not_granted" not in anon
    assert "public.t_auth_users_view" in _objects(report, GRAPHQL[1])


def test_snapshot_file_gives_the_catalog_findings_and_says_what_it_cannot_judge(
        report: AdviseReport, scenario_dsn: str, tmp_path: pytest.TempPathFactory) -> None:
    from pgprobe.advise._api import _live_snapshot

    snap, _ = _live_snapshot(scenario_dsn)
    path = tmp_path / "scenario.json"  # type: ignore[operator]
    snap.save(path)
    from_file = pgprobe.advise(str(path))
    live_only = {r.name for r in RULES if r.live}
    expected = {f.key() for f in report.findings if f.rule not in live_only}
    assert {f.key() for f in from_file.findings} == expected
    assert {n.split(":")[0] for n in from_file.notes} >= live_only
    assert Snapshot.load(path) == snap


def test_report_renderings(report: AdviseReport) -> None:
    frame = report.frame()
    assert list(frame.columns)[:5] == ["level", "rule", "category", "schema", "object"]
    assert len(frame) == len(report.findings)
    html = report._repr_html_()
    assert html.index(">ERROR (") < html.index(">WARN (") < html.index(">INFO (")
    text = report.explain(next(f for f in report.findings if f.rule == "auth_rls_initplan"))
    assert "(select auth.uid())" in text and "Why it matters" in text
    assert report.of("public.t_sensitive")
