-- Functions and procedures (not those that belong to extensions).
select n.nspname as schema,
       (select e.extname from pg_depend d join pg_extension e on e.oid = d.refobjid
        where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
         as extension,
       p.proname as name,
       pg_get_function_identity_arguments(p.oid) as identity_args,
       coalesce(p.proargnames, '{}') as arg_names,
       array(select format_type(t, null)
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i)
             order by i) as arg_types,
       array(select coalesce(tt.typname, '')
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i)
             left join pg_type tt on tt.oid = u.t order by i) as arg_udt_names,
       array(select coalesce(tn.nspname, '')
             from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(t, i)
             left join pg_type tt on tt.oid = u.t
             left join pg_namespace tn on tn.oid = tt.typnamespace order by i) as arg_type_schemas,
       coalesce(p.proargmodes::text[], '{}') as arg_modes,
       p.pronargs as nargs,
       p.pronargdefaults as nargdefaults,
       format_type(p.prorettype, null) as return_type,
       pg_get_function_arguments(p.oid) as arguments,
       pg_get_function_result(p.oid) as result,
       rt.typname as return_udt_name,
       rtn.nspname as return_type_schema,
       p.proretset as returns_set,
       case when rc.relkind in ('r', 'p', 'v', 'm', 'f') then rn.nspname || '.' || rc.relname end
         as return_type_relation,
       rt.typtype as return_type_kind,
       l.lanname as language,
       p.provolatile as volatility,
       p.prosecdef as security_definer,
       p.prokind as kind,
       obj_description(p.oid, 'pg_proc') as comment,
       p.prosrc as definition,
       pg_get_userbyid(p.proowner) as owner,
       coalesce(p.proconfig, '{}') as config,
       array(select json_build_array(
                      case when acl.grantee = 0 then 'public' else pg_get_userbyid(acl.grantee) end,
                      acl.privilege_type, acl.is_grantable)::text
             from aclexplode(p.proacl) acl) as grants,
       p.prorows as rows
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
join pg_type rt on rt.oid = p.prorettype
join pg_namespace rtn on rtn.oid = rt.typnamespace
left join pg_class rc on rc.oid = rt.typrelid
left join pg_namespace rn on rn.oid = rc.relnamespace
where n.nspname = any(%(schemas)s)
