-- A small schema-per-tenant database with every shape the relationship builder handles:
-- cross-schema FKs to public, two FKs to one table, mutual references, self references,
-- one-to-one, composite keys, junctions (two and three FKs), views over tables and
-- junctions, a key exposed twice, partitions, computed relationships (one replacing the
-- FK relationships of the same name, one overloaded).
create table public.organizations (id int primary key, name text);

create function pg_temp.tenant(s text) returns void language plpgsql as $fn$
begin
  execute format($ddl$
    create schema %1$I;
    create table %1$I.users (id int primary key, org_id int references public.organizations (id),
                             buddy_id int, code text unique);
    create table %1$I.teams (id int primary key, lead_id int references %1$I.users (id));
    alter table %1$I.users add constraint users_buddy_fkey foreign key (buddy_id) references %1$I.teams (id);
    create table %1$I.profiles (user_id int primary key references %1$I.users (id), bio text);
    create table %1$I.projects (id int primary key, owner_id int references %1$I.users (id),
                                editor_id int references %1$I.users (id),
                                parent_id int references %1$I.projects (id),
                                org_id int references public.organizations (id));
    create table %1$I.members (project_id int references %1$I.projects (id),
                               user_id int references %1$I.users (id),
                               team_id int references %1$I.teams (id),
                               primary key (project_id, user_id, team_id));
    create table %1$I.versions (project_id int, n int, primary key (project_id, n),
                                foreign key (project_id) references %1$I.projects (id));
    create table %1$I.notes (id int primary key, project_id int, n int,
                             foreign key (project_id, n) references %1$I.versions (project_id, n));
    create view %1$I.v_projects as select id, owner_id, owner_id as owner2, org_id from %1$I.projects;
    create view %1$I.v_members as select project_id, user_id, team_id from %1$I.members;
    create function %1$I.users(%1$I.projects) returns setof %1$I.users language sql stable
      as 'select * from %1$I.users where id = $1.owner_id';
    create function %1$I.team_of(%1$I.users) returns %1$I.teams language sql stable
      as 'select * from %1$I.teams where id = $1.buddy_id';
    create function %1$I.team_of(%1$I.projects) returns setof %1$I.teams language sql stable
      as 'select * from %1$I.teams';
  $ddl$, s);
end $fn$;
select pg_temp.tenant(s) from unnest(array['tenant_a', 'tenant_b', 'tenant_c']) s;

create table tenant_b.events (id int, at date, user_id int references tenant_b.users (id),
                              primary key (id, at)) partition by range (at);
create table tenant_b.events_2026 partition of tenant_b.events
  for values from ('2026-01-01') to ('2027-01-01');
create table tenant_b.attendees (event_id int, at date, user_id int references tenant_b.users (id),
                                 foreign key (event_id, at) references tenant_b.events (id, at),
                                 primary key (event_id, at, user_id));
drop view tenant_c.v_members;
create table tenant_c.audit (id int primary key, by_user int references tenant_a.users (id));
