-- Publications and their member tables.
select p.pubname as name,
       p.puballtables as all_tables,
       array(select pt.schemaname || '.' || pt.tablename from pg_publication_tables pt
             where pt.pubname = p.pubname order by 1) as tables,
       array_remove(array[case when p.pubinsert then 'insert' end,
                          case when p.pubupdate then 'update' end,
                          case when p.pubdelete then 'delete' end,
                          case when p.pubtruncate then 'truncate' end], null) as actions
from pg_publication p
