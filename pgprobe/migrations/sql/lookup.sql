-- pgprobe rehearsal: the named relations, types and functions (and all schemas, extensions,
-- publications) in ONE round trip, as a JSON document. Parameters: parallel text arrays
-- %(rel_schemas)s/%(rel_names)s, %(type_schemas)s/%(type_names)s, %(fn_schemas)s/%(fn_names)s.
with rels as (
  select c.oid, n.nspname as schema, c.relname as name,
         case c.relkind when 'r' then 'table' when 'p' then 'partitioned_table'
              when 'v' then 'view' when 'm' then 'materialized_view'
              when 'f' then 'foreign_table' else c.relkind::text end as kind,
         c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced
  from unnest(%(rel_schemas)s::text[], %(rel_names)s::text[]) as want(schema, name)
  join pg_namespace n on n.nspname = want.schema
  join pg_class c on c.relname = want.name and c.relnamespace = n.oid
  where c.relkind in ('r', 'p', 'v', 'm', 'f')
)
select json_build_object(
  'relations', (select coalesce(json_agg(r), '[]') from rels r),
  'columns', (select coalesce(json_agg(x), '[]') from (
      select a.attrelid as oid, a.attname as name, a.attnum as position,
             format_type(a.atttypid, a.atttypmod) as type, t.typname as udt_name,
             not a.attnotnull as nullable
      from rels r join pg_attribute a on a.attrelid = r.oid
      join pg_type t on t.oid = a.atttypid
      where a.attnum > 0 and not a.attisdropped) x),
  'constraints', (select coalesce(json_agg(x), '[]') from (
      select co.conrelid as oid, co.conname as name,
             case co.contype when 'p' then 'primary' when 'u' then 'unique' when 'f' then 'foreign'
                  when 'c' then 'check' when 'x' then 'exclusion' when 'n' then 'not_null'
                  else 'trigger' end as kind,
             coalesce((select array_agg(a.attname order by k.i)
                       from unnest(co.conkey) with ordinality k(n, i)
                       join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.n), '{}')
               as columns,
             rn.nspname as ref_schema, rc.relname as ref_table
      from rels r join pg_constraint co on co.conrelid = r.oid
      left join pg_class rc on rc.oid = co.confrelid
      left join pg_namespace rn on rn.oid = rc.relnamespace) x),
  'indexes', (select coalesce(json_agg(x), '[]') from (
      select i.indrelid as oid, ic.relname as name, i.indisunique as unique,
             i.indisprimary as primary,
             coalesce((select array_agg(coalesce(a.attname, '(expression)') order by k.i)
                       from unnest(i.indkey::int2[]) with ordinality k(n, i)
                       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n
                       where k.i <= i.indnkeyatts), '{}') as columns
      from rels r join pg_index i on i.indrelid = r.oid
      join pg_class ic on ic.oid = i.indexrelid) x),
  'policies', (select coalesce(json_agg(x), '[]') from (
      select p.polrelid as oid, p.polname as name,
             case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                  when 'd' then 'delete' else 'all' end as command,
             p.polpermissive as permissive,
             coalesce((select array_agg(case when x = 0 then 'public'
                                             else pg_get_userbyid(x) end order by 1)
                       from unnest(p.polroles) x), '{}') as roles
      from rels r join pg_policy p on p.polrelid = r.oid) x),
  'grants', (select coalesce(json_agg(x), '[]') from (
      select c.oid, case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end
               as grantee, g.privilege_type as privilege, g.is_grantable as grantable,
             null::text as column_name
      from rels r join pg_class c on c.oid = r.oid, aclexplode(c.relacl) g
      union all
      select a.attrelid, case when g.grantee = 0 then 'public' else pg_get_userbyid(g.grantee) end,
             g.privilege_type, g.is_grantable, a.attname::text
      from rels r join pg_attribute a on a.attrelid = r.oid, aclexplode(a.attacl) g
      where a.attacl is not null) x),
  'triggers', (select coalesce(json_agg(x), '[]') from (
      select t.tgrelid as oid, t.tgname as name
      from rels r join pg_trigger t on t.tgrelid = r.oid where not t.tgisinternal) x),
  'schemas', (select json_agg(nspname) from pg_namespace),
  'extensions', (select coalesce(json_agg(x), '[]') from (
      select e.extname as name, e.extversion as version, n.nspname as schema
      from pg_extension e join pg_namespace n on n.oid = e.extnamespace) x),
  'publications', (select coalesce(json_agg(x), '[]') from (
      select p.pubname as name, p.puballtables as all_tables,
             coalesce((select array_agg(n.nspname || '.' || c.relname order by 1)
                       from pg_publication_rel pr join pg_class c on c.oid = pr.prrelid
                       join pg_namespace n on n.oid = c.relnamespace
                       where pr.prpubid = p.oid), '{}') as tables
      from pg_publication p) x),
  'types', (select coalesce(json_agg(x), '[]') from (
      select n.nspname as schema, t.typname as name,
             case t.typtype when 'e' then 'enum' when 'd' then 'domain' when 'c' then 'composite'
                  else 'base' end as kind,
             case when t.typtype = 'e' then (select array_agg(e.enumlabel::text order by e.enumsortorder)
                                              from pg_enum e where e.enumtypid = t.oid) end as labels,
             case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base_type
      from unnest(%(type_schemas)s::text[], %(type_names)s::text[]) as want(schema, name)
      join pg_namespace n on n.nspname = want.schema
      join pg_type t on t.typname = want.name and t.typnamespace = n.oid
      where t.typtype in ('e', 'd', 'b', 'r')
         or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c')) x),
  'functions', (select coalesce(json_agg(x), '[]') from (
      select n.nspname as schema, p.proname as name,
             pg_get_function_identity_arguments(p.oid) as identity_args,
             pg_get_function_result(p.oid) as return_type,
             case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
                  when 'w' then 'window' else 'function' end as kind,
             l.lanname as language
      from unnest(%(fn_schemas)s::text[], %(fn_names)s::text[]) as want(schema, name)
      join pg_namespace n on n.nspname = want.schema
      join pg_proc p on p.proname = want.name and p.pronamespace = n.oid
      join pg_language l on l.oid = p.prolang) x),
  'history', to_regclass('supabase_migrations.schema_migrations') is not null
)
