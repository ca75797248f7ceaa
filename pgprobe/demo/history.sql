-- What the migration history says happened. It disagrees with the migrations/ folder: the
-- retry that swallowed its error is recorded as applied, a hotfix made in the dashboard has no
-- file, the retry's file was edited after it was applied, and the v2 file and the old-style
-- 028 file were never applied.
insert into supabase_migrations.schema_migrations (version, name, statements) values
  ('20250101000000', 'initial_schema', null),
  ('20250115120000', 'labels', null),
  -- Recorded as applied (the DO block swallowed its error); the file was edited afterwards (a
  -- NOTICE added), so the statements recorded here no longer match it.
  ('20250120093000', 'ai_analyses_retry', array[$stmt$DO $$
BEGIN
  CREATE TABLE public.ai_analyses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id bigint NOT NULL REFERENCES public.tickets (id),
    analysis_type public.ai_analysis_type NOT NULL,
    result jsonb NOT NULL DEFAULT '{}'::jsonb
  );
EXCEPTION WHEN OTHERS THEN
  NULL;
END $$$stmt$]),
  ('20250120100000', 'ai_analyses_basic', null),
  ('20250125000000', 'hotfix_from_dashboard', array[
    'alter table public.tickets add column parent_ticket_id bigint references public.tickets (id)',
    'comment on table public.users is ''Application users (one per auth.users row).''',
    'comment on column public.tickets.title is ''Short summary shown in lists (there is no "name" column).''']),
  ('20250127100000', 'realtime_monitoring', null),
  ('20250128214632', 'force_realtime_monitoring_v3', null);
