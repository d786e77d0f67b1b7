-- The writes of a ticket change go to the database as one statement of data-modifying CTEs
-- (store/write-batch.ts). A guarded write among them (the ticket's version guard: exactly one row
-- updated) is checked inside that statement by this function, so a failed guard is an SQL error that
-- aborts the transaction (or the savepoint around it) with every write of the batch, exactly as if the
-- guarded write had been sent alone and the caller had stopped there. The store maps SQLSTATE TD001 back
-- to the guard's own error (a 412 for a stale ticket).
CREATE FUNCTION tierdesk_expect_rows(label text, actual bigint, expected bigint) RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF actual IS DISTINCT FROM expected THEN
    RAISE EXCEPTION 'tierdesk: queued write % changed % rows, % expected', label, actual, expected
      USING ERRCODE = 'TD001';
  END IF;
  RETURN actual;
END
$$;
