-- An old-style numbered file: "028" sorts before every timestamped file, and
-- CREATE INDEX CONCURRENTLY cannot run inside the transaction Supabase wraps each file in.
ALTER TABLE public.tickets ADD COLUMN IF NOT EXISTS parent_ticket_id bigint REFERENCES public.tickets (id);
CREATE INDEX CONCURRENTLY tickets_parent_ticket_id_idx ON public.tickets (parent_ticket_id);
