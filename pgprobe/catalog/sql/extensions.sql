-- Installed extensions; default_version is the version a fresh CREATE EXTENSION would install
-- (null when the installed version is not among the server's available versions).
select e.extname as name, n.nspname as schema, e.extversion as version,
       (select a.default_version from pg_available_extensions a
        where a.name = e.extname
          and exists (select from pg_available_extension_versions v
                      where v.name = e.extname and v.installed)) as default_version
from pg_extension e join pg_namespace n on n.oid = e.extnamespace
