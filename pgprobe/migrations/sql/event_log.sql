-- pgprobe rehearsal: record what each migration really did to the catalog.
-- Installed in the scratch database only; its own schema is left out of every report.
create schema if not exists pgprobe_rehearsal;
create table if not exists pgprobe_rehearsal.events (
  seq bigserial primary key,
  action text not null,          -- created/altered (ddl_command_end) or dropped (sql_drop)
  command_tag text,
  object_type text,
  schema_name text,
  object_identity text,
  original boolean not null default true
);
create or replace function pgprobe_rehearsal.log_ddl() returns event_trigger
language plpgsql as $$
declare
  r record;
begin
  for r in select * from pg_event_trigger_ddl_commands() loop
    if not r.in_extension and coalesce(r.schema_name, '') <> 'pgprobe_rehearsal' then
      insert into pgprobe_rehearsal.events (action, command_tag, object_type, schema_name, object_identity)
      values (case when r.command_tag like 'CREATE%' then 'created' else 'altered' end,
              r.command_tag, r.object_type, r.schema_name, r.object_identity);
    end if;
  end loop;
end
$$;
create or replace function pgprobe_rehearsal.log_drop() returns event_trigger
language plpgsql as $$
declare
  r record;
begin
  for r in select * from pg_event_trigger_dropped_objects() loop
    if coalesce(r.schema_name, '') not in ('pgprobe_rehearsal', 'pg_toast') and not r.is_temporary
       and r.object_type not in ('type', 'toast table') or (r.object_type = 'type' and r.original)
    then
      insert into pgprobe_rehearsal.events (action, command_tag, object_type, schema_name, object_identity, original)
      values ('dropped', tg_tag, r.object_type, r.schema_name, r.object_identity, r.original);
    end if;
  end loop;
end
$$;
drop event trigger if exists pgprobe_rehearsal_ddl;
drop event trigger if exists pgprobe_rehearsal_drop;
create event trigger pgprobe_rehearsal_ddl on ddl_command_end
  execute function pgprobe_rehearsal.log_ddl();
create event trigger pgprobe_rehearsal_drop on sql_drop
  execute function pgprobe_rehearsal.log_drop();
