-- Retry bookkeeping of the durable timer scheduler (packages/node/src/scheduler). Every column has a
-- default, so the ticket service keeps writing timers as (ticket_id, key, workspace_id, due_at).
--
-- attempts         failed fires of this due time so far (0 = never failed)
-- last_error       why the last fire failed, for operators
-- next_attempt_at  when a failed timer may be tried again (NULL = it never failed)
-- fire_at          when the timer may fire: the later of due_at and next_attempt_at (GREATEST ignores
--                  NULL), so a retry is never earlier than the due time and the scheduler claims and
--                  sleeps on one indexed column.
ALTER TABLE timers
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error text,
  ADD COLUMN next_attempt_at timestamptz,
  ADD COLUMN fire_at timestamptz GENERATED ALWAYS AS (GREATEST(due_at, next_attempt_at)) STORED;

CREATE INDEX timers_fire ON timers (fire_at);

-- A timer given a new due time is a new timer: the failures of the old due time (and their back-off)
-- must neither delay it nor count against it. A trigger does this so the ticket service's upsert
-- (ON CONFLICT ... SET due_at = EXCLUDED.due_at) needs no knowledge of the retry columns.
CREATE FUNCTION timers_reset_retry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.due_at IS DISTINCT FROM OLD.due_at THEN
    NEW.attempts := 0;
    NEW.last_error := NULL;
    NEW.next_attempt_at := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER timers_reset_retry BEFORE UPDATE OF due_at ON timers
  FOR EACH ROW EXECUTE FUNCTION timers_reset_retry();
