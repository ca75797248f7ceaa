-- Migration hell, attempt 3 (the one that worked): plain DDL in the right order.
DROP TYPE IF EXISTS public.ai_analysis_type CASCADE;
CREATE TYPE public.ai_analysis_type AS ENUM ('sentiment', 'summary', 'classification');

CREATE TABLE public.ai_analyses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id bigint NOT NULL REFERENCES public.tickets (id) ON DELETE CASCADE,
  analysis_type public.ai_analysis_type NOT NULL,
  result jsonb NOT NULL DEFAULT '{}'::jsonb,
  confidence numeric(4, 3),
  created_by uuid NOT NULL REFERENCES public.users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_analyses_ticket_id_idx ON public.ai_analyses (ticket_id);

REVOKE ALL ON public.ai_analyses FROM anon;
REVOKE ALL ON public.ai_analyses FROM authenticated;
GRANT SELECT, INSERT ON public.ai_analyses TO authenticated;
GRANT ALL ON public.ai_analyses TO service_role;

ALTER TABLE public.ai_analyses ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users can view their own analyses" ON public.ai_analyses
  FOR SELECT TO authenticated USING (created_by = auth.uid());
CREATE POLICY "Users can insert their own analyses" ON public.ai_analyses
  FOR INSERT TO authenticated WITH CHECK (created_by = auth.uid());
CREATE POLICY "Service role manages analyses" ON public.ai_analyses
  FOR ALL TO service_role USING (true) WITH CHECK (true);
