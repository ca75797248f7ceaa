-- What pgprobe needs to write plain b-tree index definitions itself (catalog/_deparse.py):
-- the keywords quote_ident quotes, the session's quote_all_identifiers, and each type's
-- default b-tree operator class.
select array(select k.word from pg_get_keywords() k where k.catcode <> 'U') as quoted_keywords,
       current_setting('quote_all_identifiers')::bool as quote_all,
       array(select json_build_array(n.nspname, t.typname, oc.oid)::text
             from pg_opclass oc
             join pg_am am on am.oid = oc.opcmethod and am.amname = 'btree'
             join pg_type t on t.oid = oc.opcintype
             join pg_namespace n on n.oid = t.typnamespace
             where oc.opcdefault) as btree_defaults
