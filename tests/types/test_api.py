"""The public surface of pgprobe.types."""

from __future__ import annotations

import pgprobe
import pgprobe.types


def test_public_names() -> None:
    assert sorted(pgprobe.types.__all__) == [
        "FieldMapEntry", "TsDatabase", "TsField", "TsRelation", "TsRelationship", "TsSchema",
        "TsSignature", "check", "check_field_map", "compare_types", "generate",
        "generate_from_meta", "load_field_map", "parse_field_map_text", "parse_types_file",
        "parse_types_text",
    ]


def test_cli_registers_types_and_fields() -> None:
    from pgprobe.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["types", "gen", "--dsn", "x", "--schema", "a", "--schema", "b"])
    assert args.schema == ["a", "b"] and callable(args.func)
    args = parser.parse_args(["fields", "check", "f.ts", "--snapshot", "s.json"])
    assert args.file == "f.ts" and args.snapshot == "s.json"
