-- Migration hell, attempt 2: wrapped in a DO block "so it cannot fail".
-- It "succeeded": the type does not exist yet, CREATE TABLE failed, and the handler
-- swallowed the error. Nothing was created, and the history says applied.
DO $$
BEGIN
  CREATE TABLE public.ai_analyses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id bigint NOT NULL REFERENCES public.tickets (id),
    analysis_type public.ai_analysis_type NOT NULL,
    result jsonb NOT NULL DEFAULT '{}'::jsonb
  );
  RAISE NOTICE 'created %', 'ai_analyses';
EXCEPTION WHEN OTHERS THEN
  NULL;
END $$;
