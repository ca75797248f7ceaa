-- Server facts.
select current_setting('server_version') as server_version,
       current_setting('server_version_num')::int as server_version_num,
       current_database() as database,
       current_setting('pgrst.db_schemas', true) as pgrst_db_schemas
