-- Views covering the shapes view_sources.sql must (or must not) follow.
create schema app;
create schema other;
create table app.clients (id int primary key, name text);
create table app.projects (id int primary key, name text, client_id int references app.clients (id), dropped int);
alter table app.projects drop column dropped;
create table app."odd {name}" ("col (x)" int primary key, "}{" text, "a\b" text);

create view app.v_plain as select id, name, client_id from app.projects;
create view app.v_dup as select id, id as id2, client_id as c1, client_id as c2 from app.projects;
create view app.v_cast as select id::text as id, name from app.projects;
create view app.v_join as
  select p.id, c.name as client_name from app.projects p join app.clients c on c.id = p.client_id;
create view app.v_sub as select s.id from (select id from app.projects) s;
create view app.v_cte as with x as (select client_id from app.projects) select client_id from x;
create view app.v_sublink as
  select id, (select max(id) from app.clients) as m,
         (select c.name from app.clients c where c.id = p.client_id) as cname
  from app.projects p;
create view app.v_of_v as select id as pid, client_id from app.v_plain;
create view other.v_of_v_of_v as select pid from app.v_of_v;
create materialized view app.mv as select id, client_id from app.projects;
create view app.v_of_mv as select client_id as cid from app.mv;
create view app."v {odd}" as select "}{", "col (x)" as "a b", "a\b" from app."odd {name}";
create view app.v_union as select id from app.projects union all select id from app.clients;
create view app.v_star as select p.*, 1 as one from app.projects p;
create view app.v_values as select * from (values (1, 'a')) as t(x, y);
create view app.v_renamed as select id, name from app.projects;
alter view app.v_renamed rename column name to title;

-- computed relationships (functions taking a row, returning rows)
create function app.client_projects(app.clients) returns setof app.projects
  language sql stable as $$ select * from app.projects where client_id = $1.id $$;
create function app.first_project(app.clients) returns setof app.projects rows 1
  language sql stable as $$ select * from app.projects where client_id = $1.id limit 1 $$;
create function app.project_client(app.projects) returns app.clients
  language sql stable as $$ select * from app.clients where id = $1.client_id $$;
create function app.not_computed(app.clients, int) returns setof app.projects
  language sql stable as $$ select * from app.projects limit $2 $$;
create function app.array_arg(app.clients[]) returns setof app.projects
  language sql stable as $$ select * from app.projects $$;
