"""Every relationship rule of PostgREST's schema cache, on hand-built Snapshots."""

from __future__ import annotations

import pytest

from pgprobe.relationships import (
    ComputedRelationship,
    EmbedError,
    QualifiedName,
    Relationship,
    RelationshipIndex,
)

from .relsnap import fk, func, pk, snap, table, unique, view

QN = QualifiedName
T = "test"


def index(*relations, functions=(), schemas=(T,)):
    return RelationshipIndex.from_snapshot(snap(*relations, functions=functions), schemas)


def error(idx, origin, target, hint=None, schema=T):
    with pytest.raises(EmbedError) as exc:
        idx.find(schema, origin, target, hint)
    return exc.value


CLIENTS = table(T, "clients", ["id", "name"], pk("clients_pkey", "id"))
PROJECTS = table(T, "projects", ["id", "name", "client_id"], pk("projects_pkey", "id"),
                 fk("client", "client_id", "test.clients", "id"))


# -- many-to-one / one-to-many ---------------------------------------------------------
def test_many_to_one_and_its_inverse():
    idx = index(CLIENTS, PROJECTS)
    m2o = idx.find(T, "projects", "clients")
    assert isinstance(m2o, Relationship)
    assert (m2o.table, m2o.foreign_table) == (QN(T, "projects"), QN(T, "clients"))
    assert (m2o.cardinality, m2o.constraint, m2o.columns) == ("m2o", "client", (("client_id", "id"),))
    assert m2o.to_one and not m2o.is_self
    o2m = idx.find(T, "clients", "projects")
    assert (o2m.cardinality, o2m.columns, o2m.to_one) == ("o2m", (("id", "client_id"),), False)
    assert o2m.embed_hint == "projects!client"


@pytest.mark.parametrize("target", ["clients", "client", "client_id"])
def test_target_may_be_table_constraint_or_fk_column(target):
    rel = index(CLIENTS, PROJECTS).find(T, "projects", target)
    assert rel.foreign_table.name == "clients"


@pytest.mark.parametrize("hint", ["client", "client_id", "id"])
def test_hint_by_constraint_fk_column_or_referenced_column(hint):
    rel = index(CLIENTS, PROJECTS).find(T, "projects", "clients", hint)
    assert rel.constraint == "client"


def test_hint_requires_the_table_name_as_target():
    err = error(index(CLIENTS, PROJECTS), "projects", "client", "client_id")
    assert err.code == "PGRST200"
    assert err.details == ("Searched for a foreign key relationship between 'projects' and "
                           "'client' using the hint 'client_id' in the schema 'test', but no "
                           "matches were found.")


def test_composite_fk_keeps_column_order_and_single_column_rules_do_not_apply():
    a = table(T, "a", ["c1", "c2"], pk("a_pkey", "c1", "c2"))
    b = table(T, "b", ["id", "x2", "x1"], pk("b_pkey", "id"),
              fk("b_fk", ("x1", "x2"), "test.a", ("c1", "c2")))
    idx = index(a, b)
    assert idx.find(T, "b", "a").columns == (("x1", "c1"), ("x2", "c2"))
    assert error(idx, "b", "x1").code == "PGRST200"
    assert error(idx, "b", "a", "x1").code == "PGRST200"


# -- one-to-one -------------------------------------------------------------------------
@pytest.mark.parametrize("key", [pk("profiles_pkey", "user_id"),
                                 unique("profiles_user_id_key", "user_id")])
def test_one_to_one_when_fk_columns_are_a_key(key):
    users = table(T, "users", ["id"], pk("users_pkey", "id"))
    profiles = table(T, "profiles", ["user_id", "bio"], key,
                     fk("profiles_user_id_fkey", "user_id", "test.users", "id"))
    idx = index(users, profiles)
    child_side = idx.find(T, "profiles", "users")
    parent_side = idx.find(T, "users", "profiles")
    assert (child_side.cardinality, child_side.is_parent) == ("o2o", False)
    assert (parent_side.cardinality, parent_side.is_parent) == ("o2o", True)
    assert parent_side.columns == (("id", "user_id"),) and parent_side.to_one


def test_fk_that_is_only_part_of_a_key_is_many_to_one():
    users = table(T, "users", ["id"], pk("users_pkey", "id"))
    memberships = table(T, "memberships", ["user_id", "org"], pk("m_pkey", "user_id", "org"),
                        fk("m_user_fkey", "user_id", "test.users", "id"))
    assert index(users, memberships).find(T, "memberships", "users").cardinality == "m2o"


# -- many-to-many -------------------------------------------------------------------------
USERS = table(T, "users", ["id", "name"], pk("users_pkey", "id"))
TASKS = table(T, "tasks", ["id", "name"], pk("tasks_pkey", "id"))


def junction(schema=T, key=("user_id", "task_id"), name="users_tasks"):
    return table(schema, name, ["id", "user_id", "task_id"], pk(f"{name}_pkey", *key),
                 fk(f"{name}_user_id_fkey", "user_id", "test.users", "id"),
                 fk(f"{name}_task_id_fkey", "task_id", "test.tasks", "id"))


def test_many_to_many_through_a_junction():
    idx = index(USERS, TASKS, junction())
    rel = idx.find(T, "users", "tasks")
    assert rel.cardinality == "m2m" and rel.junction is not None
    j = rel.junction
    assert j.table == QN(T, "users_tasks")
    assert (j.constraint1, j.constraint2) == ("users_tasks_user_id_fkey", "users_tasks_task_id_fkey")
    assert j.source_columns == (("id", "user_id"),) and j.target_columns == (("id", "task_id"),)
    assert rel.embed_hint == "tasks!users_tasks" and not rel.to_one
    assert idx.find(T, "users", "tasks", "users_tasks") == rel
    assert idx.find(T, "tasks", "users").junction.constraint1 == "users_tasks_task_id_fkey"
    assert rel.details() == {
        "cardinality": "many-to-many", "embedding": "users with tasks",
        "relationship": "users_tasks using users_tasks_user_id_fkey(user_id) and "
                        "users_tasks_task_id_fkey(task_id)"}


def test_no_many_to_many_when_fk_columns_are_not_in_the_primary_key():
    idx = index(USERS, TASKS, junction(key=("id",)))
    assert error(idx, "users", "tasks").code == "PGRST200"


def test_junction_in_a_schema_that_is_not_exposed_is_ignored():
    hidden = junction(schema="private")
    assert error(index(USERS, TASKS, hidden), "users", "tasks").code == "PGRST200"
    both = index(USERS, TASKS, hidden, schemas=(T, "private"))
    assert both.find(T, "users", "tasks").junction.table == QN("private", "users_tasks")


# -- self references --------------------------------------------------------------------
FAMILY = table(T, "family_tree", ["id", "name", "parent"], pk("family_tree_pkey", "id"),
               fk("family_tree_parent_fkey", "parent", "test.family_tree", "id"))


def test_self_reference_table_name_means_children_column_means_parent():
    idx = index(FAMILY)
    children = idx.find(T, "family_tree", "family_tree")
    parent = idx.find(T, "family_tree", "parent")
    assert (children.cardinality, children.is_self, children.columns) == ("o2m", True, (("id", "parent"),))
    assert (parent.cardinality, parent.columns) == ("m2o", (("parent", "id"),))
    assert idx.find(T, "family_tree", "family_tree", "parent") == children


def test_two_self_references_need_the_child_column_as_hint():
    orgs = table(T, "organizations", ["id", "referee", "auditor"], pk("organizations_pkey", "id"),
                 fk("organizations_referee_fkey", "referee", "test.organizations", "id"),
                 fk("organizations_auditor_fkey", "auditor", "test.organizations", "id"))
    idx = index(orgs)
    err = error(idx, "organizations", "organizations")
    assert (err.code, err.status) == ("PGRST201", 300)
    assert [d["cardinality"] for d in err.details] == ["one-to-many", "one-to-many"]
    assert idx.find(T, "organizations", "organizations", "auditor").constraint == "organizations_auditor_fkey"
    assert idx.find(T, "organizations", "referee").cardinality == "m2o"
    # the referenced column or the constraint is no hint for a self-reference
    assert error(idx, "organizations", "organizations", "organizations_auditor_fkey").code == "PGRST200"


# -- views --------------------------------------------------------------------------------
PROJECTS_VIEW = view(T, "projects_view", [("id", "test.projects", "id"), ("name", "test.projects", "name"),
                                          ("client_id", "test.projects", "client_id")])
CLIENTS_VIEW = view(T, "clients_view", [("cid", "test.clients", "id"), ("name", "test.clients", "name")])


def test_view_to_table_table_to_view_and_view_to_view():
    idx = index(CLIENTS, PROJECTS, PROJECTS_VIEW, CLIENTS_VIEW)
    v2t = idx.find(T, "projects_view", "clients")
    assert (v2t.cardinality, v2t.columns, v2t.table_is_view, v2t.foreign_table_is_view) == \
        ("m2o", (("client_id", "id"),), True, False)
    assert v2t.constraint == "client"
    t2v = idx.find(T, "projects", "clients_view")
    assert (t2v.columns, t2v.table_is_view, t2v.foreign_table_is_view) == ((("client_id", "cid"),), False, True)
    v2v = idx.find(T, "projects_view", "clients_view")
    assert (v2v.columns, v2v.table_is_view, v2v.foreign_table_is_view) == ((("client_id", "cid"),), True, True)
    back = idx.find(T, "clients_view", "projects_view")
    assert (back.cardinality, back.columns) == ("o2m", (("cid", "client_id"),))
    assert "through view" in v2v.description


def test_constraint_or_column_as_target_does_not_reach_a_view():
    idx = index(CLIENTS, PROJECTS, CLIENTS_VIEW)
    # `client` (the FK name) finds the table, not the view that inherits the FK
    rel = idx.find(T, "projects", "client")
    assert rel.foreign_table.name == "clients"
    assert idx.find(T, "projects", "client_id").foreign_table.name == "clients"


def test_view_exposing_a_key_column_twice_gives_duplicate_relationships():
    twice = view(T, "projects_twice", [("id", "test.projects", "id"),
                                       ("c1", "test.projects", "client_id"),
                                       ("c2", "test.projects", "client_id")])
    idx = index(CLIENTS, PROJECTS, twice)
    err = error(idx, "projects_twice", "clients")
    assert err.to_json() == {
        "code": "PGRST201",
        "details": [
            {"cardinality": "many-to-one", "embedding": "projects_twice with clients",
             "relationship": "client using projects_twice(c1) and clients(id)"},
            {"cardinality": "many-to-one", "embedding": "projects_twice with clients",
             "relationship": "client using projects_twice(c2) and clients(id)"},
        ],
        "hint": "Try changing 'clients' to one of the following: 'clients!client', "
                "'clients!client'. Find the desired relationship in the 'details' key.",
        "message": "Could not embed because more than one relationship was found for "
                   "'projects_twice' and 'clients'",
    }
    assert idx.find(T, "projects_twice", "clients", "c2").columns == (("c2", "id"),)


def test_view_without_the_fk_columns_has_no_relationship():
    names = view(T, "project_names", [("name", "test.projects", "name")])
    assert error(index(CLIENTS, PROJECTS, names), "project_names", "clients").code == "PGRST200"


def test_view_over_a_hidden_table_inherits_its_keys_and_forms_junctions():
    users = table("private", "users", ["id"], pk("users_pkey", "id"))
    tasks = table("private", "tasks", ["id"], pk("tasks_pkey", "id"))
    ut = table("private", "users_tasks", ["user_id", "task_id"], pk("ut_pkey", "user_id", "task_id"),
               fk("ut_user_fkey", "user_id", "private.users", "id"),
               fk("ut_task_fkey", "task_id", "private.tasks", "id"))
    views = [view(T, "users", [("id", "private.users", "id")]),
             view(T, "tasks", [("id", "private.tasks", "id")]),
             view(T, "users_tasks", [("user_id", "private.users_tasks", "user_id"),
                                     ("task_id", "private.users_tasks", "task_id")])]
    idx = index(users, tasks, ut, *views)
    rel = idx.find(T, "users", "tasks")
    assert rel.cardinality == "m2m" and rel.junction.table == QN(T, "users_tasks")
    assert rel.table_is_view and rel.foreign_table_is_view


def test_views_outside_the_exposed_schemas_do_not_count():
    hidden = view("private", "projects_view", [("id", "test.projects", "id"),
                                               ("client_id", "test.projects", "client_id")])
    idx = index(CLIENTS, PROJECTS, hidden)
    assert [r.foreign_table for r in idx.of(T, "clients")] == [QN(T, "projects")]
    both = index(CLIENTS, PROJECTS, hidden, schemas=(T, "private"))
    assert QN("private", "projects_view") in [r.foreign_table for r in both.of(T, "clients")]


# -- computed relationships ---------------------------------------------------------------
def test_computed_relationship_to_many_and_to_one():
    fns = (func(T, "client_projects", "test.clients", "test.projects", setof=True, rows=1000),
           func(T, "project_client", "test.projects", "test.clients"),
           func(T, "first_project", "test.clients", "test.projects", setof=True, rows=1))
    idx = index(CLIENTS, PROJECTS, functions=fns)
    many = idx.find(T, "clients", "client_projects")
    assert isinstance(many, ComputedRelationship)
    assert (many.function, many.foreign_table, many.to_one) == (QN(T, "client_projects"), QN(T, "projects"), False)
    assert idx.find(T, "projects", "project_client").to_one
    assert idx.find(T, "clients", "first_project").to_one  # ROWS 1 makes a set to-one
    assert idx.find(T, "clients", "client_projects", "anything") == many  # hints are ignored


def test_computed_relationship_overrides_the_detected_one_of_the_same_name():
    fns = (func(T, "clients", "test.projects", "test.clients", setof=True),)
    idx = index(CLIENTS, PROJECTS, functions=fns)
    rel = idx.find(T, "projects", "clients")
    assert isinstance(rel, ComputedRelationship) and not rel.to_one
    # only the (projects, clients) pair is replaced; the inverse stays
    assert idx.find(T, "clients", "projects").constraint == "client"


def test_functions_that_are_not_computed_relationships():
    fns = (func(T, "two_args", "test.clients", "test.projects", extra_args=1),
           func("private", "hidden_fn", "test.clients", "test.projects"))
    idx = index(CLIENTS, PROJECTS, functions=fns)
    assert error(idx, "clients", "two_args").code == "PGRST200"
    assert error(idx, "clients", "hidden_fn").code == "PGRST200"


def test_self_computed_relationship():
    fns = (func(T, "related_clients", "test.clients", "test.clients", setof=True),)
    rel = index(CLIENTS, functions=fns).find(T, "clients", "related_clients")
    assert rel.is_self


# -- schema scope ---------------------------------------------------------------------------
def test_targets_outside_the_exposed_schemas_are_dropped():
    other = table("auth", "users", ["id"], pk("users_pkey", "id"))
    profiles = table(T, "profiles", ["id"], pk("profiles_pkey", "id"),
                     fk("profiles_id_fkey", "id", "auth.users", "id"))
    assert index(other, profiles).of(T, "profiles") == []
    exposed = index(other, profiles, schemas=(T, "auth"))
    assert [r.foreign_table for r in exposed.of(T, "profiles")] == [QN("auth", "users")]
    # find() looks in the request schema only, as PostgREST does
    assert error(exposed, "profiles", "users").code == "PGRST200"


def test_partition_copies_of_foreign_keys_are_ignored():
    parent = table(T, "sales", ["id", "client_id"], pk("sales_pkey", "id"),
                   fk("sales_client_id_fkey", "client_id", "test.clients", "id"),
                   kind="partitioned_table")
    part = table(T, "sales_2021", ["id", "client_id"], pk("sales_2021_pkey", "id"),
                 fk("sales_client_id_fkey", "client_id", "test.clients", "id"),
                 partition_of="test.sales")
    orders = table(T, "orders", ["id", "sale_id"], pk("orders_pkey", "id"),
                   fk("orders_sale_id_fkey", "sale_id", "test.sales", "id"),
                   fk("orders_sale_id_fkey1", "sale_id", "test.sales_2021", "id"))
    idx = index(CLIENTS, parent, part, orders)
    assert [r.table.name for r in idx.of(T, "clients")] == ["clients"]
    assert [r.foreign_table.name for r in idx.of(T, "clients")] == ["sales"]
    assert [r.foreign_table.name for r in idx.of(T, "orders")] == ["sales"]


# -- errors -----------------------------------------------------------------------------------
def test_pgrst201_details_are_ordered_like_postgrest():
    agents = table(T, "agents", ["id", "department_id"], pk("agents_pkey", "id"),
                   fk("agents_department_id_fkey", "department_id", "test.departments", "id"))
    departments = table(T, "departments", ["id", "head_id"], pk("departments_pkey", "id"),
                        fk("departments_head_id_fkey", "head_id", "test.agents", "id"))
    err = error(index(agents, departments), "agents", "departments")
    assert err.status == 300
    assert err.to_json() == {
        "code": "PGRST201",
        "details": [
            {"cardinality": "one-to-many", "embedding": "agents with departments",
             "relationship": "departments_head_id_fkey using agents(id) and departments(head_id)"},
            {"cardinality": "many-to-one", "embedding": "agents with departments",
             "relationship": "agents_department_id_fkey using agents(department_id) and departments(id)"},
        ],
        "hint": "Try changing 'departments' to one of the following: "
                "'departments!departments_head_id_fkey', 'departments!agents_department_id_fkey'. "
                "Find the desired relationship in the 'details' key.",
        "message": "Could not embed because more than one relationship was found for "
                   "'agents' and 'departments'",
    }
    assert err.headers == {"Proxy-Status": "PostgREST; error=PGRST201"}


def test_pgrst200_body_and_fuzzy_hints():
    idx = index(CLIENTS, PROJECTS)
    err = error(idx, "projects", "clientz")
    assert (err.status, err.code) == (400, "PGRST200")
    assert err.to_json() == {
        "code": "PGRST200",
        "details": "Searched for a foreign key relationship between 'projects' and 'clientz' "
                   "in the schema 'test', but no matches were found.",
        "hint": "Perhaps you meant 'clients' instead of 'clientz'.",
        "message": "Could not find a relationship between 'projects' and 'clientz' in the schema cache",
    }
    # unknown origin: suggest an origin
    assert error(idx, "project", "clients").hint == "Perhaps you meant 'projects' instead of 'project'."
    # both exist but the hint is wrong: no suggestion
    assert error(idx, "projects", "clients", "nope").hint is None
    assert error(idx, "projects", "zzzzzz").hint is None


def test_find_accepts_a_qualified_name_and_str_is_one_line():
    idx = index(CLIENTS, PROJECTS)
    assert idx.find(QN(T, "projects"), "clients", "client").constraint == "client"
    err = error(idx, "projects", "nothing")
    assert "\n" not in str(err) and str(err).startswith("PGRST200: Could not find")


def test_index_browsing():
    idx = index(CLIENTS, PROJECTS, USERS, TASKS, junction())
    # clients<->projects, users<->tasks (m2m), users_tasks<->users, users_tasks<->tasks
    assert len(idx) == len(idx.all()) == 8
    assert [r.cardinality for r in idx.between("test.users", "test.tasks")] == ["m2m"]
    assert [r.cardinality for r in idx.of("test.clients")] == ["o2m"]
    assert idx.has_origin(T, "users") and not idx.has_origin(T, "nothing")
    assert "8 relationships" in repr(idx)


def test_schemas_as_a_comma_separated_string():
    idx = RelationshipIndex.from_snapshot(snap(CLIENTS, PROJECTS), "test, other")
    assert idx.schemas == ("test", "other")
