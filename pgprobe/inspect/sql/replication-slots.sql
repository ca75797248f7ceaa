-- replication-slots: every slot of the cluster, whether it is in use and how much WAL it
-- keeps on disk (an inactive slot retains WAL until the disk fills).
select s.slot_name,
       s.slot_type,
       s.plugin,
       s.database,
       s.active,
       s.active_pid,
       s.wal_status,
       pg_catalog.pg_wal_lsn_diff(
         case when pg_catalog.pg_is_in_recovery() then pg_catalog.pg_last_wal_replay_lsn()
              else pg_catalog.pg_current_wal_lsn() end, s.restart_lsn)::bigint as retained_bytes,
       r.client_addr::text as client,
       r.state as replication_state,
       pg_catalog.pg_wal_lsn_diff(r.sent_lsn, r.replay_lsn)::bigint as replay_lag_bytes
from pg_catalog.pg_replication_slots s
left join pg_catalog.pg_stat_replication r on r.pid = s.active_pid
order by retained_bytes desc nulls last, s.slot_name
