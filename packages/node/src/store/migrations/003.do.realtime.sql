-- Realtime stream positions (packages/node/src/realtime, see stream-position.ts for the reasoning).
--
-- xact_id  the top-level transaction that wrote the row. stream_id values are handed out at INSERT but
--          transactions commit in another order, so "stream_id > last seen" can skip a row whose lower
--          id commits late. Rows are instead read only below the reader's snapshot xmin (every
--          transaction with a lower id has finished, so that part of the table can no longer change)
--          and ordered by (xact_id, stream_id). The DEFAULT fills the column for every INSERT, so the
--          ticket service writes events exactly as before. Existing rows get the migrating
--          transaction's id, which is committed long before anyone reads them.
ALTER TABLE ticket_events ADD COLUMN xact_id xid8 NOT NULL DEFAULT pg_current_xact_id();

-- One index per stream shape: a whole workspace (agents) and one requester's rows (end users).
CREATE INDEX ticket_events_realtime ON ticket_events (workspace_id, xact_id, stream_id);
CREATE INDEX ticket_events_realtime_requester ON ticket_events (workspace_id, requester_id, xact_id, stream_id);
