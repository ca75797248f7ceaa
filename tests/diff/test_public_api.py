"""The public surface of pgprobe.diff is pinned: internals may move, these names may not."""

import pgprobe
import pgprobe.diff


def test_all_is_pinned() -> None:
    assert sorted(pgprobe.diff.__all__) == [
        "CHANGE_KINDS", "Change", "Check", "DEFAULT_EXCLUDE", "DiffReport", "EnumExpectation",
        "ExpectationError", "Expectations", "ExpectationsFile", "FleetReport",
        "FunctionExpectation", "Migration", "MigrationOptions",
        "PublicationExpectation", "SEVERITIES", "TableExpectation", "check", "diff",
        "diff_snapshots", "expect", "load_expectations", "load_expectations_text",
        "normalize_expr", "normalize_sql", "tenant_schemas", "tenants", "types_match",
    ]
    for name in pgprobe.diff.__all__:
        assert hasattr(pgprobe.diff, name)


def test_package_level_diff_is_callable() -> None:
    # `pgprobe.diff` is both the module and the function (the module is callable)
    empty = pgprobe.Snapshot()
    assert pgprobe.diff(empty, empty).same  # type: ignore[operator]
    assert pgprobe.diff.diff(empty, empty).same
    assert pgprobe.expect is pgprobe.diff.expect
