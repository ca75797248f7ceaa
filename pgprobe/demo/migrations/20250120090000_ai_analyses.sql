-- Migration hell, attempt 1: "full migration with error handling".
-- WRONG: policies dropped before the table exists, and procedural SQL outside PL/pgSQL.
DROP POLICY IF EXISTS "Users can view their own analyses" ON ai_analyses;
DROP TABLE IF EXISTS ai_analyses;

IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'ai_analyses') THEN
  CREATE TABLE ai_analyses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    analysis_type text NOT NULL,
    result jsonb
  );
END IF;

EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'ai_analyses already exists';
