-- view_definitions.sql: the definitions of the views and materialized views in %(oids)s, as
-- the server deparses them. relations.sql sends no definition; pgprobe writes the plain
-- views' text itself (catalog/_viewdef.py) and asks this only for the others, on the same
-- connection and in the same transaction (with search_path '', as the snapshot sets it).
select c.oid, pg_get_viewdef(c.oid, true) as view_definition
from pg_class c
where c.oid = any(%(oids)s::oid[])
  and c.relkind in ('v', 'm')
