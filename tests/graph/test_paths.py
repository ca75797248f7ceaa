

def test_self_reference_hop_embeds_by_fk_column(demo_snapshot) -> None:
    """A self-reference is picked by its FK column; the constraint name matches both ways."""
    from pgprobe.graph._paths import PathStep
    from pgprobe.postgrest import explain

    parent = PathStep("public.tickets", "public.tickets", "tickets_parent_ticket_id_fkey",
                      ("parent_ticket_id",), ("id",), "m2o", True)
    assert parent.embed == "parent_ticket_id"
    config = {"db-schemas": "public", "db-anon-role": "anon"}
    result = explain(demo_snapshot, "GET", f"/tickets?select=id,{parent.embed}(title)", config=config)
    assert result.error is None
    assert "parent_ticket_id" in result.sql.text
