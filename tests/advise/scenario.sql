-- The advisors' scenario: every rule fires at least once, and a clean look-alike sits next
-- to each trigger. Loaded after pgprobe's Supabase stand-in (roles anon/authenticated,
-- auth.users with RLS, storage.buckets/objects, default privileges granting the API roles
-- everything in public). Names say which rule they are for: t_<rule> triggers, ok_<rule>
-- must stay clean.
create schema if not exists pgmq;
create schema if not exists pgmq_public;
create schema if not exists private;
grant usage on schema pgmq to anon, authenticated;

-- unindexed_foreign_keys: a bare FK; look-alikes covered by an index and by INCLUDE
create table public.orgs (id bigint primary key, name text);
create table public.t_unindexed_fk (id bigint primary key, org_id bigint references public.orgs);
create table public.ok_indexed_fk (id bigint primary key, org_id bigint references public.orgs);
create index ok_indexed_fk_org on public.ok_indexed_fk (org_id);
create table public.pairs (a bigint, b bigint, primary key (a, b));
create table public.ok_include_fk (id bigint primary key, a bigint, b bigint,
  foreign key (a, b) references public.pairs);
create index ok_include_fk_a on public.ok_include_fk (a) include (b);

-- auth_users_exposed (+ security_definer_view): a definer view over auth.users for anon;
-- look-alike: a security_invoker view (auth.users has RLS)
create view public.t_auth_users_view as select id, email from auth.users;
grant select on public.t_auth_users_view to anon;
create view public.ok_auth_users_invoker with (security_invoker = on) as
  select id, email from auth.users;
grant select on public.ok_auth_users_invoker to anon;

-- auth_rls_initplan: auth.uid() per row; look-alike: (select auth.uid())
create table public.t_initplan (id bigint primary key, owner uuid);
alter table public.t_initplan enable row level security;
create policy per_row on public.t_initplan for select to authenticated using (owner = auth.uid());
create table public.ok_initplan (id bigint primary key, owner uuid);
alter table public.ok_initplan enable row level security;
create policy once on public.ok_initplan for select to authenticated
  using (owner = (select auth.uid()));
create policy once_setting on public.ok_initplan for update to authenticated
  using (owner = (select auth.uid()))
  with check (owner::text = (select current_setting('request.jwt.claim.sub', true)));

-- no_primary_key
create table public.t_no_pk (name text);

-- multiple_permissive_policies: two SELECT policies for authenticated
create table public.t_two_policies (id bigint primary key, published bool, author uuid);
alter table public.t_two_policies enable row level security;
create policy read_published on public.t_two_policies for select to authenticated
  using (published);
create policy read_own on public.t_two_policies for select to authenticated
  using (author = (select auth.uid()));

-- policy_exists_rls_disabled
create table public.t_policy_no_rls (id bigint primary key, owner uuid);
create policy own on public.t_policy_no_rls using (owner = (select auth.uid()));

-- rls_enabled_no_policy (+ rls_hides_all_rows for both API roles)
create table public.t_rls_no_policy (id bigint primary key);
alter table public.t_rls_no_policy enable row level security;

-- duplicate_index
create table public.t_dup_index (id bigint primary key, sku text);
create index t_dup_index_a on public.t_dup_index (sku);
create index t_dup_index_b on public.t_dup_index (sku);
create index ok_other_index on public.t_dup_index (lower(sku));

-- security_definer_view + view_bypasses_rls: a definer view over an RLS table
create table public.salaries (id bigint primary key, amount int, owner uuid);
alter table public.salaries enable row level security;
create policy mine on public.salaries for select to authenticated
  using (owner = (select auth.uid()));
create view public.t_definer_view as select id, amount from public.salaries;
create view public.ok_invoker_view with (security_invoker = true) as
  select id, amount from public.salaries;

-- function_search_path_mutable; look-alike with a fixed search_path
create function public.t_mutable_path(a int, b int) returns int language sql as 'select a + b';
create function public.ok_fixed_path(a int, b int) returns int language sql
  set search_path = '' as 'select a + b';
revoke execute on function public.ok_fixed_path(int, int) from public, anon, authenticated;

-- rls_disabled_in_public: every public table without RLS (default privileges grant anon);
-- look-alike: no grant to the API roles
create table public.ok_not_granted (id bigint primary key);
revoke all on public.ok_not_granted from anon, authenticated;

-- extension_in_public, extension_versions_outdated
create extension if not exists citext schema public;
create extension if not exists hstore schema extensions version '1.7';

-- rls_references_user_metadata
create table public.t_user_metadata (id bigint primary key);
alter table public.t_user_metadata enable row level security;
create policy admins on public.t_user_metadata for select to authenticated
  using (((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin');
create policy by_app_metadata on public.t_user_metadata for select to authenticated
  using (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');

-- materialized_view_in_api; foreign_table_in_api
create materialized view public.t_matview as select 1 as n;
create extension if not exists file_fdw schema extensions;
create server scenario_files foreign data wrapper file_fdw;
create foreign table public.t_foreign (id int) server scenario_files
  options (filename '/dev/null', format 'csv');
grant select on public.t_matview, public.t_foreign to anon;

-- unsupported_reg_types; look-alike regclass (supported)
create table public.t_reg_type (id bigint primary key, fn regproc, tbl regclass);

-- insecure_queue_exposed_in_api (pgmq_public is in pgrst.db_schemas)
create table pgmq.q_jobs (msg_id bigint primary key, message jsonb);
grant select on pgmq.q_jobs to anon;
create table pgmq.q_safe (msg_id bigint primary key);
alter table pgmq.q_safe enable row level security;
grant select on pgmq.q_safe to anon;

-- table_bloat: most rows deleted all over the table (vacuum cannot truncate)
create table public.t_bloat (id bigint primary key, pad text);
alter table public.t_bloat set (autovacuum_enabled = false);
insert into public.t_bloat select g, repeat('x', 300) from generate_series(1, 100000) g;
delete from public.t_bloat where id % 1000 <> 0;

-- fkey_to_auth_unique; look-alike through the primary key
create unique index if not exists users_phone_key on auth.users (phone);
create table public.t_fk_auth_unique (id bigint primary key,
  phone text references auth.users (phone));
create table public.ok_fk_auth_pk (id uuid primary key references auth.users (id));

-- sensitive_columns_exposed
create table public.t_sensitive (id bigint primary key, email text, "Password" text,
  api_key text);
create table public.ok_sensitive_rls (id bigint primary key, password text);
alter table public.ok_sensitive_rls enable row level security;
create policy own_row on public.ok_sensitive_rls for select to authenticated using (false);

-- rls_policy_always_true; look-alike: SELECT using (true) is a deliberate public read
create table public.t_always_true (id bigint primary key, body text);
alter table public.t_always_true enable row level security;
create policy anyone_edits on public.t_always_true for update to anon using (true);
create policy anyone_reads on public.t_always_true for select to anon, authenticated
  using (true);

-- public_bucket_allows_listing; look-alike: a private bucket with the same policy shape
insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true),
  ('private_docs', 'private_docs', false);
create policy list_avatars on storage.objects for select using (bucket_id = 'avatars');
create policy list_private on storage.objects for select using (bucket_id = 'private_docs');

-- anon/authenticated_security_definer_function_executable; look-alike revoked
create function public.t_definer_fn() returns int language sql security definer
  set search_path = '' as 'select 1';
create function public.ok_definer_revoked() returns int language sql security definer
  set search_path = '' as 'select 1';
revoke execute on function public.ok_definer_revoked() from public, anon, authenticated;

-- ambiguous_embed: two FKs to one table
create table public.people (id bigint primary key);
create table public.t_two_fks (id bigint primary key,
  author_id bigint references public.people, reviewer_id bigint references public.people);
create index on public.t_two_fks (author_id);
create index on public.t_two_fks (reviewer_id);

-- fk_invisible_to_postgrest: the referenced table is in an unexposed schema
create table private.teams (id bigint primary key);
create table public.t_private_fk (id bigint primary key,
  team_id bigint references private.teams);
create index on public.t_private_fk (team_id);

-- policy_function_not_executable
create function public.is_member() returns bool language sql stable
  set search_path = '' as 'select true';
revoke execute on function public.is_member() from public, anon, authenticated;
grant execute on function public.is_member() to service_role;
create table public.t_policy_fn (id bigint primary key);
alter table public.t_policy_fn enable row level security;
create policy members on public.t_policy_fn for select to authenticated
  using ((select public.is_member()));
create function public.is_staff() returns bool language sql stable
  set search_path = '' as 'select true';
create table public.ok_policy_fn (id bigint primary key);
alter table public.ok_policy_fn enable row level security;
create policy staff on public.ok_policy_fn for select to authenticated
  using ((select public.is_staff()));

-- unsupported_reg_types also lists an index on such a column (its attribute has the type)
create index t_reg_type_fn on public.t_reg_type (fn);
